package io.nodecache.dashboard.discovery;

import io.nodecache.dashboard.transport.NodeTarget;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A fixed list of nodes, {@code NAME=URL,NAME=URL,...} ({@code nodecache.dashboard.nodes}): for docker-compose, the
 * embedded default and tests. Whether a node is there at all only its API can tell, so every node is listed with
 * its pod "ready"; the dashboard's polling marks the unreachable ones.
 */
public final class StaticDiscovery implements NodeDiscovery {

    private final List<DiscoveredNode> nodes;

    public StaticDiscovery(Map<String, URI> nodes) {
        List<DiscoveredNode> list = new ArrayList<>();
        nodes.forEach((name, uri) -> list.add(
                new DiscoveredNode(name, NodeTarget.direct(name, uri), null, true, null)));
        list.sort(Comparator.comparing(DiscoveredNode::name));
        this.nodes = List.copyOf(list);
    }

    /**
     * Parses {@code NAME=URL,NAME=URL}.
     *
     * @throws IllegalArgumentException naming the entry that is wrong (no '=', an empty name, a name twice, a URL
     *                                  that is not http(s)://host[:port])
     */
    public static StaticDiscovery parse(String spec) {
        Map<String, URI> nodes = new LinkedHashMap<>();
        if (spec != null) {
            for (String entry : spec.split(",")) {
                String e = entry.strip();
                if (e.isEmpty()) {
                    continue;
                }
                int eq = e.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("nodecache.dashboard.nodes: expected NAME=URL, got '" + e + "'");
                }
                String name = e.substring(0, eq).strip();
                URI uri;
                try {
                    uri = URI.create(e.substring(eq + 1).strip());
                } catch (IllegalArgumentException bad) {
                    throw new IllegalArgumentException("nodecache.dashboard.nodes: '" + name + "': not a URL: "
                            + bad.getMessage());
                }
                if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
                    throw new IllegalArgumentException("nodecache.dashboard.nodes: '" + name
                            + "': expected http://host:port, got '" + uri + "'");
                }
                if (nodes.put(name, uri) != null) {
                    throw new IllegalArgumentException("nodecache.dashboard.nodes: '" + name + "' is listed twice");
                }
            }
        }
        return new StaticDiscovery(nodes);
    }

    @Override
    public void start() {}

    @Override
    public List<DiscoveredNode> nodes() {
        return nodes;
    }

    @Override
    public OptionalInt desired() {
        return OptionalInt.of(nodes.size());
    }

    @Override
    public String kind() {
        return "static";
    }
}
