/**
 * The node's host networking in kube-proxy clusters, as node-cache does it and where it fails, better: local IPs on
 * an interface and NOTRACK/ACCEPT rules, set up after the listeners are bound, repaired every sync interval, always
 * torn down first on stop. Knows nothing of the DNS path; {@code config/} calls it at start and stop.
 */
package io.nodecache.netif;
