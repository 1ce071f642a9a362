package io.nodecache;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.demo.DemoPod;
import io.nodecache.demo.DemoPods;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Nodes and the dashboard in one JVM, each its own application context: the embedded default's two demo nodes
 * (DNS on 127.0.0.1:1053 and 127.0.0.2:1053, node APIs on 8181 and 8182) with the demo pods spread over them, and the
 * dashboard on {@code server.port} over both in static discovery — reading them over HTTP, as in a cluster.
 *
 * @param nodes     the node contexts, in order
 * @param dashboard the dashboard's context
 */
public record EmbeddedCluster(List<ConfigurableApplicationContext> nodes, ConfigurableApplicationContext dashboard)
        implements AutoCloseable {

    /** Properties the cluster sets on each node; the caller's own values for them are left out of the node's args. */
    private static final Set<String> PER_NODE = Set.of("server.port", "nodecache.localip", "localip", "NODE_NAME",
            "nodecache.demo.pods", "nodecache.demo.first");

    /**
     * Starts {@code count} nodes and the dashboard.
     *
     * @param args      the process's arguments: given to every node (less what each node gets of its own) and to the
     *                  dashboard
     * @param count     how many nodes; node {@code i} (from 1) listens on 127.0.0.{@code i} (in the embedded default;
     *                  a given Corefile's {@code localip} otherwise, with one node) and serves its API on
     *                  {@code firstPort + i - 1}
     * @param firstPort the first node's web port
     * @param demoPods  how many demo pods in all, spread evenly over the nodes (0 without the demo)
     * @param embedded  the embedded default (demo nodes on 127.0.0.i, named demo-node-i); false for one node with
     *                  the caller's Corefile beside the dashboard
     */
    public static EmbeddedCluster start(String[] args, int count, int firstPort, int demoPods, boolean embedded) {
        List<String> common = new ArrayList<>();
        for (String a : args) {
            if (!PER_NODE.contains(key(a))) {
                common.add(a);
            }
        }
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        List<String> nodeUrls = new ArrayList<>();
        List<String> podList = new ArrayList<>();
        try {
            int nextPod = 1;
            for (int i = 1; i <= count; i++) {
                String name = embedded ? "demo-node-" + i : "local-node";
                int port = firstPort + i - 1;
                List<String> own = new ArrayList<>(common);
                own.add("--server.port=" + port);
                own.add("--NODE_NAME=" + name);
                if (embedded) {
                    own.add("--nodecache.localip=127.0.0." + i);
                }
                int share = demoPods / count + (i <= demoPods % count ? 1 : 0);
                if (demoPods > 0 && share > 0) {
                    own.add("--nodecache.demo.first=" + nextPod);
                    own.add("--nodecache.demo.pods=" + share);
                    for (DemoPod p : DemoPods.create(nextPod, share)) {
                        podList.add(p.namespace() + "/" + p.name() + "=" + p.address().getHostAddress() + "@" + name);
                    }
                    nextPod += share;
                } else if (embedded) {
                    own.add("--nodecache.demo.enabled=false");
                }
                nodes.add(new SpringApplicationBuilder(NodecacheApplication.class)
                        .run(own.toArray(String[]::new)));
                nodeUrls.add(name + "=http://127.0.0.1:" + port);
            }
            List<String> dash = new ArrayList<>(common);
            dash.add("--nodecache.dashboard.discovery=static");
            dash.add("--nodecache.dashboard.nodes=" + String.join(",", nodeUrls));
            if (!podList.isEmpty()) {
                dash.add("--nodecache.dashboard.pods=" + String.join(",", podList));
            }
            ConfigurableApplicationContext dashboard = DashboardApplication.run(dash.toArray(String[]::new));
            System.out.println("[INFO] nodecache dashboard on port " + dashboard.getEnvironment()
                    .getProperty("local.server.port") + " over " + count + " node(s): " + String.join(", ", nodeUrls));
            return new EmbeddedCluster(List.copyOf(nodes), dashboard);
        } catch (RuntimeException e) {
            nodes.forEach(ConfigurableApplicationContext::close);
            throw e;
        }
    }

    /** The property name of a {@code --name=value} argument, or the argument itself. */
    private static String key(String arg) {
        if (!arg.startsWith("--")) {
            return arg;
        }
        int eq = arg.indexOf('=');
        return eq < 0 ? arg.substring(2) : arg.substring(2, eq);
    }

    /** The web port of each node, for tests and the log. */
    public List<Integer> nodePorts() {
        return nodes.stream().map(n -> Integer.parseInt(n.getEnvironment().getProperty("local.server.port")))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        dashboard.close();
        nodes.forEach(ConfigurableApplicationContext::close);
    }
}
