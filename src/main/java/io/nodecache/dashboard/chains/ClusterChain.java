package io.nodecache.dashboard.chains;

import io.nodecache.dashboard.pods.PodRef;
import java.time.Instant;

/**
 * One search-domain chain a node reported, as the dashboard keeps it: who asked (the pod that had the client IP
 * when the chain started), which node saw it, the figures the rankings add up, and the node's chain object as JSON
 * text (with {@code node} added), parsed again only when a pod's page asks for it.
 *
 * @param node         the node that saw it
 * @param ip           the client IP
 * @param pod          the pod that had the IP at {@code start}, or null when unknown
 * @param namespace    the pod's namespace, else the one the search list reveals
 * @param start        when the chain's first query arrived
 * @param wasted       queries wasted
 * @param wastedNanos  time wasted
 * @param allFailed    no step answered
 * @param baseName     the name as the application asked it
 * @param answeredName the name that answered, or null
 * @param answeredKind which search-list step answered ({@code AS_GIVEN}, {@code NAMESPACE}, ...), or null
 * @param json         the node's chain object with {@code node}
 */
public record ClusterChain(String node, String ip, PodRef pod, String namespace, Instant start, int wasted,
        long wastedNanos, boolean allFailed, String baseName, String answeredName, String answeredKind,
        String json) {

    /** The key a pod is ranked under: {@code namespace/pod}, or {@code ip:ADDRESS} for an IP no pod is known for. */
    public String ownerKey() {
        return pod != null && pod.pod() != null ? pod.namespace() + "/" + pod.pod() : "ip:" + ip;
    }
}
