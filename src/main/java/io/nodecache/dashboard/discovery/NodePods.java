package io.nodecache.dashboard.discovery;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.nodecache.dashboard.transport.NodeTarget;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The node pods an informer has seen, folded into one entry per node: the informer's events go in, a sorted snapshot
 * comes out. Kept apart from the informer so the folding (surge handover, gone nodes) reads on its own.
 *
 * <p>All methods are synchronized: events arrive on the informer's thread, reads on the dashboard's.
 */
final class NodePods {

    /**
     * Ready pods first (the one serving), then the newest (the surge's replacement), then the one seen last:
     * creation timestamps have whole seconds, and a surge pod created in the same second came after.
     */
    private static final Comparator<Seen> BEST = Comparator.comparing((Seen s) -> !ready(s.pod()))
            .thenComparing((Seen s) -> created(s.pod()), Comparator.reverseOrder())
            .thenComparing(Seen::order, Comparator.reverseOrder());

    /** A pod and when this informer first saw it, for the tie-break. */
    private record Seen(Pod pod, long order) {}

    private final int port;
    private final boolean proxy;
    private final Duration goneRetention;
    private final Clock clock;

    private final Map<String, Seen> byPod = new HashMap<>();
    private final Map<String, Map<String, Seen>> byNode = new HashMap<>();
    private final Map<String, DiscoveredNode> gone = new HashMap<>();
    private List<DiscoveredNode> snapshot = List.of();
    private boolean dirty;
    private long seen;

    NodePods(int port, boolean proxy, Duration goneRetention, Clock clock) {
        this.port = port;
        this.proxy = proxy;
        this.goneRetention = goneRetention;
        this.clock = clock;
    }

    /** A pod was added or changed. */
    synchronized void upsert(Pod pod) {
        String name = pod.getMetadata().getName();
        Seen old = byPod.get(name);
        Seen now = new Seen(pod, old == null ? seen++ : old.order());
        byPod.put(name, now);
        if (old != null && !nodeOf(old.pod()).equals(nodeOf(pod))) {
            // Scheduled since we last saw it: the entry under its pod name moves, it is not gone.
            removeFromNode(nodeOf(old.pod()), name);
        }
        byNode.computeIfAbsent(nodeOf(pod), n -> new HashMap<>()).put(name, now);
        gone.remove(nodeOf(pod));
        dirty = true;
    }

    /** A pod was deleted; its node stays listed as gone unless another pod still serves it. */
    synchronized void delete(Pod pod) {
        String name = pod.getMetadata().getName();
        Seen known = byPod.remove(name);
        Pod last = known == null ? pod : known.pod();
        String node = nodeOf(last);
        if (removeFromNode(node, name)) {
            DiscoveredNode was = entry(node, last);
            // The deletion time is when we learnt of it: deletionTimestamp is when the kubelet must be done, and
            // retention is counted on the same clock.
            gone.put(node, new DiscoveredNode(node, was.target(), was.pod(), false, clock.instant()));
        }
        dirty = true;
    }

    /** The nodes now, in name order; gone nodes older than the retention are forgotten first. */
    synchronized List<DiscoveredNode> nodes() {
        Instant now = clock.instant();
        dirty |= gone.values().removeIf(n -> !now.isBefore(n.goneAt().plus(goneRetention)));
        if (dirty) {
            TreeMap<String, DiscoveredNode> all = new TreeMap<>(gone);
            byNode.forEach((node, pods) -> all.put(node,
                    entry(node, pods.values().stream().min(BEST).orElseThrow().pod())));
            snapshot = List.copyOf(all.values());
            dirty = false;
        }
        return snapshot;
    }

    /** Names of the DaemonSets that own the pods now known. */
    synchronized Set<String> daemonSets() {
        Set<String> names = new TreeSet<>();
        for (Seen s : byPod.values()) {
            for (OwnerReference o : nullSafe(s.pod().getMetadata().getOwnerReferences())) {
                if ("DaemonSet".equals(o.getKind()) && o.getName() != null) {
                    names.add(o.getName());
                }
            }
        }
        return names;
    }

    /** Removes a pod from its node's group; true when that left the node without pods. */
    private boolean removeFromNode(String node, String podName) {
        Map<String, Seen> pods = byNode.get(node);
        if (pods == null || pods.remove(podName) == null) {
            return false;
        }
        if (pods.isEmpty()) {
            byNode.remove(node);
            return true;
        }
        return false;
    }

    private DiscoveredNode entry(String node, Pod pod) {
        String ns = pod.getMetadata().getNamespace();
        String podName = pod.getMetadata().getName();
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        NodeTarget target;
        if (proxy || ip == null || ip.isEmpty()) {
            // No IP yet: the proxy form still names the pod (and shows as ns/pod:port); the direct transport
            // cannot reach it, which is the truth until the pod has an address.
            target = NodeTarget.pod(node, ns, podName, port);
        } else {
            String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
            target = NodeTarget.direct(node, URI.create("http://" + host + ":" + port + "/"));
        }
        return new DiscoveredNode(node, target, ns + "/" + podName, ready(pod), null);
    }

    /** The node a pod runs on, or its own name while unscheduled. */
    static String nodeOf(Pod pod) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return node == null || node.isEmpty() ? pod.getMetadata().getName() : node;
    }

    static boolean ready(Pod pod) {
        if (pod.getStatus() == null) {
            return false;
        }
        for (PodCondition c : nullSafe(pod.getStatus().getConditions())) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static Instant created(Pod pod) {
        String ts = pod.getMetadata().getCreationTimestamp();
        try {
            return ts == null ? Instant.EPOCH : Instant.parse(ts);
        } catch (RuntimeException unparsable) {
            return Instant.EPOCH;
        }
    }

    private static <T> List<T> nullSafe(List<T> list) {
        return list == null ? List.of() : list;
    }
}
