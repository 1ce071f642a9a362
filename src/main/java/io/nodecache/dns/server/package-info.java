/**
 * The DNS server: UDP and TCP listeners on every bound address, routing each query to its server block, and the
 * query pipeline whose stages (loop detection, cache, forward) decorate one another as CoreDNS plugins do.
 */
package io.nodecache.dns.server;
