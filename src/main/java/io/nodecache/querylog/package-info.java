/**
 * The query log: following the query event ring on a thread of its own and writing CoreDNS's log lines to
 * stdout for the server blocks that have {@code log}, so {@code kubectl logs} reads as it does with node-local-dns.
 */
package io.nodecache.querylog;
