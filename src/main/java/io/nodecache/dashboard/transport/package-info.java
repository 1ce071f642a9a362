/**
 * How the dashboard reaches a node's API over HTTP: the transport contract, the direct one (URL or pod IP), the
 * token both present to every node, and a reader of Server-Sent Events shared by both transports. The pod-proxy
 * transport lives in {@code kubernetes/}.
 */
package io.nodecache.dashboard.transport;
