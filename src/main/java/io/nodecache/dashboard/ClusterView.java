package io.nodecache.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The overview {@code GET /api/v1/cluster} returns and {@code /api/v1/cluster/events} pushes after each refresh.
 *
 * @param demo          some node says its traffic is simulated
 * @param discovery     {@code static} or {@code kubernetes}
 * @param transport     {@code direct} or {@code proxy}
 * @param coverage      {@code listed}, {@code reporting}, {@code desired} (null when unknown)
 * @param refreshedAt   when the last full refresh ended
 * @param refreshMillis how long it took
 * @param totals        the cluster's figures over the nodes that answered
 * @param nodes         every node
 * @param pods          {@code known}: pods in the directory
 * @param topClients    the busiest clients by queries across the nodes that answered, named by pod
 */
public record ClusterView(boolean demo, String discovery, String transport, Map<String, Integer> coverage,
        Instant refreshedAt, long refreshMillis, Totals totals, List<NodeView> nodes, Map<String, Integer> pods,
        List<Client> topClients) {

    /**
     * One of the busiest clients: its IP, the pod that has it now (or null, with {@code hostNetwork} for a node's
     * IP), the queries the reporting nodes counted from it since they started, on how many nodes, and its page.
     */
    public record Client(String ip, String namespace, String pod, String node, boolean hostNetwork, long queries,
            int nodes, String link) {}

    /** How many nodes went into an aggregate, out of how many are listed (gone ones not counted). */
    public record Covers(int nodes, int of) {}

    /** The cluster over the last minute; ratios are of summed counts. */
    public record Totals(Covers covers, double qps, long queries, double hitRatio, double successHitRatio,
            double denialHitRatio, double nxdomainShare, long chains, long wastedQueries, double wastedPerLookup) {}
}
