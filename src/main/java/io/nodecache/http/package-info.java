/**
 * A small HTTP/1.1 server for the node's fixed plain-text endpoints (CoreDNS's {@code health} and
 * {@code prometheus}) that a second node instance can bind beside the first, as CoreDNS's listeners can
 * (SO_REUSEPORT): a DaemonSet surge starts the new pod in the old one's network namespace.
 *
 * <p>Netty's HTTP codec does the protocol; this package only routes a path to an answer. It imports nothing of
 * nodecache, so the DNS path and the metrics can both use it. {@link io.nodecache.http.LoopbackHost} is the servlet
 * side's one shared check (the dashboard's and the node's {@code none} modes answer only a loopback {@code Host}).
 */
package io.nodecache.http;
