package io.nodecache.node;

import io.nodecache.corefile.ServerBlock;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.server.ServerCounters;
import io.nodecache.netif.NetworkSetup;
import io.nodecache.netif.NetworkState;
import io.nodecache.querylog.LiveQueryStream;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.NonBlockingLog;
import io.nodecache.querylog.QueryEventDispatcher;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Who this node is and how it is doing, for the API's summary and the pages' header. */
@Component
class NodeInfo {

    private final NodeRuntime runtime;
    private final LoggingSwitch logging;
    private final QueryEventDispatcher dispatcher;
    private final String nodeName;
    private final boolean demo;
    private final NetworkSetup network;
    private final NonBlockingLog stdout;
    private final LiveQueryStream live;

    NodeInfo(NodeRuntime runtime, LoggingSwitch logging, QueryEventDispatcher dispatcher, Environment env,
            org.springframework.beans.factory.ObjectProvider<NetworkSetup> network, NonBlockingLog stdout,
            LiveQueryStream live) {
        this.network = network.getIfAvailable();
        this.stdout = stdout;
        this.live = live;
        this.runtime = runtime;
        this.logging = logging;
        this.dispatcher = dispatcher;
        // The chart sets NODE_NAME from the downward API (spec.nodeName); on a laptop the host name will do.
        this.nodeName = env.getProperty("NODE_NAME", env.getProperty("HOSTNAME", "localhost"));
        this.demo = env.getProperty("nodecache.demo.enabled", Boolean.class, false);
    }

    /**
     * The summary the dashboard polls.
     *
     * @param node          the Kubernetes node name (or host name)
     * @param version       nodecache's version
     * @param startedAt     when the JVM started
     * @param ready         listeners bound and an upstream answered
     * @param dns           the addresses DNS is served on
     * @param zones         every server block's zones
     * @param logging       the query logging switch
     * @param demo          whether simulated demo pods are sending traffic
     * @param eventsSeen    query events the dispatcher read
     * @param eventsLost    query events overwritten before they were read
     * @param malformed     packets dropped unparsed
     * @param formerr       queries answered FORMERR
     * @param queryLog      what the query log could not deliver: stdout lines and live rows dropped, streams cut
     * @param tcp           DNS-over-TCP connections: open now, refused over the cap, closed by the node by reason
     * @param networking    the host networking (setupinterface/setupiptables), or null when the node does none
     */
    record Summary(String node, String version, Instant startedAt, boolean ready, List<String> dns,
            List<String> zones, NodeApiController.LoggingView logging, boolean demo, long eventsSeen,
            long eventsLost, long malformed, long formerr, QueryLogLosses queryLog, Tcp tcp,
            NetworkState networking) {}

    /**
     * @param linesDropped      stdout lines dropped because stdout did not take them (a log pipe nobody drains)
     * @param streamRowsDropped live stream rows dropped for viewers that read too slowly
     * @param streamViewers     live stream viewers open now
     * @param streamsCut        live streams ended because their viewer stopped reading
     */
    record QueryLogLosses(long linesDropped, long streamRowsDropped, int streamViewers, long streamsCut) {}

    /**
     * @param open     connections open now
     * @param rejected connections closed at once because {@code nodecache.tcp-max-connections} were open
     * @param closed   connections the node closed, by reason ({@code idle}, {@code read_timeout}, ...)
     */
    record Tcp(int open, long rejected, java.util.Map<String, Long> closed) {}

    Summary summary() {
        ServerCounters c = runtime.server().counters();
        List<String> zones = runtime.config() == null ? List.of()
                : runtime.config().blocks().stream().map(ServerBlock::zones).flatMap(List::stream).toList();
        return new Summary(nodeName, version(), Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean()
                .getStartTime()), runtime.readiness().ready(),
                runtime.addresses().stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList(),
                zones, NodeApiController.LoggingView.of(logging.state()), demo, dispatcher.delivered(),
                dispatcher.lost(), c.malformedDropped(), c.formErr(),
                new QueryLogLosses(stdout.droppedLines(), live.dropped(), live.viewers(), live.cut()),
                new Tcp(c.tcpOpen(), c.tcpRejected(), tcpClosed(c)), network == null ? null : network.state());
    }

    private static java.util.Map<String, Long> tcpClosed(ServerCounters c) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (io.nodecache.dns.server.TcpClose reason : io.nodecache.dns.server.TcpClose.values()) {
            out.put(reason.label(), c.tcpClosed(reason));
        }
        return out;
    }

    private static String version() {
        String v = NodeInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
