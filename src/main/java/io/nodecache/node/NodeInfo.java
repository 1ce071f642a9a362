package io.nodecache.node;

import io.nodecache.corefile.ServerBlock;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.dns.server.ServerCounters;
import io.nodecache.netif.NetworkSetup;
import io.nodecache.netif.NetworkState;
import io.nodecache.querylog.LoggingSwitch;
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

    NodeInfo(NodeRuntime runtime, LoggingSwitch logging, QueryEventDispatcher dispatcher, Environment env,
            org.springframework.beans.factory.ObjectProvider<NetworkSetup> network) {
        this.network = network.getIfAvailable();
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
     * @param networking    the host networking (setupinterface/setupiptables), or null when the node does none
     */
    record Summary(String node, String version, Instant startedAt, boolean ready, List<String> dns,
            List<String> zones, NodeApiController.LoggingView logging, boolean demo, long eventsSeen,
            long eventsLost, long malformed, long formerr, NetworkState networking) {}

    Summary summary() {
        ServerCounters c = runtime.server().counters();
        List<String> zones = runtime.config() == null ? List.of()
                : runtime.config().blocks().stream().map(ServerBlock::zones).flatMap(List::stream).toList();
        return new Summary(nodeName, version(), Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean()
                .getStartTime()), runtime.readiness().ready(),
                runtime.addresses().stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList(),
                zones, NodeApiController.LoggingView.of(logging.state()), demo, dispatcher.delivered(),
                dispatcher.lost(), c.malformedDropped(), c.formErr(), network == null ? null : network.state());
    }

    private static String version() {
        String v = NodeInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
