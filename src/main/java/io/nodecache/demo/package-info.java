/**
 * Demo traffic: a few simulated pods that send real DNS queries through the node's real server, each from its own
 * loopback address and with a pod's search list and {@code ndots:5}, so the embedded default shows a living console
 * (query log, ratios, search-domain chains) within seconds.
 *
 * <p>Plain Java, no Spring: {@code config/} builds {@link io.nodecache.demo.DemoTraffic} and starts and stops it. Demo
 * pods ask only for names the embedded upstream serves ({@code cluster.local.} and the reserved {@code example.}), so
 * no demo query ever leaves the machine.
 */
package io.nodecache.demo;
