package io.nodecache.dashboard.discovery;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Finds the nodes from their pods: a fabric8 informer on the node pods in one namespace (the DaemonSet's), one entry
 * per Kubernetes node, and the DaemonSet's desired count for coverage.
 *
 * <p>Needs {@code pods list, watch} and {@code daemonsets get} in that namespace only. {@link #desired()} reads the
 * DaemonSet with a plain {@code get} on the caller's thread at most every {@link #DESIRED_CACHE} (bounded by the
 * client's request timeout); a gone node is kept {@code goneRetention} from when its deletion was seen, on
 * {@code clock}.
 */
public final class KubernetesDiscovery implements NodeDiscovery {

    private static final Logger LOG = Logger.getLogger(KubernetesDiscovery.class.getName());

    /** The dashboard refreshes every few seconds; the desired count changes on a scale of minutes. */
    static final Duration DESIRED_CACHE = Duration.ofSeconds(5);

    private final KubernetesClient client;
    private final String namespace;
    private final String labelSelector;
    private final Clock clock;
    private final NodePods pods;

    private SharedIndexInformer<Pod> informer;
    private volatile Desired desired;

    private record Desired(Set<String> daemonSets, Instant at, OptionalInt value) {}

    public KubernetesDiscovery(KubernetesClient client, String namespace, String labelSelector, int port,
            boolean proxy, Duration goneRetention, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.labelSelector = labelSelector;
        this.clock = clock;
        this.pods = new NodePods(port, proxy, goneRetention, clock);
        parseSelector(labelSelector); // fail at construction, naming the term, not later on the informer's thread
    }

    @Override
    public synchronized void start() {
        if (informer != null) {
            return;
        }
        FilterWatchListDeletable<Pod, PodList, PodResource> selected = client.pods().inNamespace(namespace);
        Selector s = parseSelector(labelSelector);
        if (!s.equal().isEmpty()) {
            selected = selected.withLabels(s.equal());
        }
        for (Map.Entry<String, String> e : s.notEqual().entrySet()) {
            selected = selected.withoutLabel(e.getKey(), e.getValue());
        }
        for (String key : s.exists()) {
            selected = selected.withLabel(key);
        }
        for (String key : s.absent()) {
            selected = selected.withoutLabel(key);
        }
        // runnableInformer + start(): inform() would block here until the first list came back.
        informer = selected.runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                pods.upsert(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                pods.upsert(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                pods.delete(pod);
            }
        });
        // Keep trying when the API server refuses or is away (RBAC fixed later, a control-plane upgrade): the page
        // shows no nodes meanwhile, which is what is known.
        informer.exceptionHandler((started, t) -> {
            LOG.log(Level.WARNING, "node pod informer in " + namespace + " (" + labelSelector + "): " + t);
            return !ExceptionHandler.isDeserializationException(t);
        });
        SharedIndexInformer<Pod> started = informer;
        informer.start().exceptionally(t -> {
            // Closed before the first list came back is no failure.
            LOG.log(started.isRunning() ? Level.WARNING : Level.FINE, "node pod informer did not start", t);
            return null;
        });
    }

    /** Whether the informer has listed and is watching: changes from now on reach {@link #nodes()}. */
    synchronized boolean watching() {
        return informer != null && informer.isWatching();
    }

    @Override
    public List<DiscoveredNode> nodes() {
        return pods.nodes();
    }

    @Override
    public OptionalInt desired() {
        try {
            Set<String> names = pods.daemonSets();
            if (names.isEmpty()) {
                return OptionalInt.empty();
            }
            Instant now = clock.instant();
            Desired d = desired;
            if (d == null || !d.daemonSets().equals(names) || !now.isBefore(d.at().plus(DESIRED_CACHE))) {
                d = new Desired(names, now, fetchDesired(names));
                desired = d;
            }
            return d.value();
        } catch (RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /** Sums the desired counts of the DaemonSets (one, normally); empty when none answers. */
    private OptionalInt fetchDesired(Set<String> names) {
        int sum = 0;
        boolean known = false;
        for (String name : names) {
            try {
                DaemonSet ds = client.apps().daemonSets().inNamespace(namespace).withName(name).get();
                if (ds != null && ds.getStatus() != null && ds.getStatus().getDesiredNumberScheduled() != null) {
                    sum += ds.getStatus().getDesiredNumberScheduled();
                    known = true;
                }
            } catch (RuntimeException e) {
                // Cached like an answer, so a refused get is not retried on every refresh of the page.
                LOG.log(Level.FINE, "daemonset " + namespace + "/" + name + ": " + e);
            }
        }
        return known ? OptionalInt.of(sum) : OptionalInt.empty();
    }

    @Override
    public String kind() {
        return "kubernetes";
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
        }
    }

    /** An equality-based label selector, split the way fabric8's filters take it. */
    record Selector(Map<String, String> equal, Map<String, String> notEqual, List<String> exists,
            List<String> absent) {}

    /**
     * Parses {@code k=v,k==v,k!=v,k,!k}: the equality-based selectors (what the chart sets and the mock server
     * understands). Set-based terms ({@code k in (a,b)}) are refused rather than silently over-matching.
     *
     * @throws IllegalArgumentException naming the term that is wrong
     */
    static Selector parseSelector(String selector) {
        Map<String, String> equal = new LinkedHashMap<>();
        Map<String, String> notEqual = new LinkedHashMap<>();
        List<String> exists = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String raw : (selector == null ? "" : selector).split(",")) {
            String term = raw.strip();
            if (term.isEmpty()) {
                continue;
            }
            if (term.contains("(") || term.contains(" ")) {
                throw new IllegalArgumentException("label selector: '" + term
                        + "': only k=v, k!=v, k and !k terms are supported");
            }
            int ne = term.indexOf("!=");
            int eq = term.indexOf('=');
            if (ne > 0) {
                notEqual.put(key(term, term.substring(0, ne)), term.substring(ne + 2));
            } else if (eq > 0) {
                String value = term.substring(term.startsWith("==", eq) ? eq + 2 : eq + 1);
                equal.put(key(term, term.substring(0, eq)), value);
            } else if (term.startsWith("!")) {
                absent.add(key(term, term.substring(1)));
            } else if (eq < 0 && ne < 0) {
                exists.add(key(term, term));
            } else {
                throw new IllegalArgumentException("label selector: '" + term + "': no key");
            }
        }
        return new Selector(equal, notEqual, exists, absent);
    }

    private static String key(String term, String key) {
        if (key.isEmpty() || key.contains("=") || key.contains("!")) {
            throw new IllegalArgumentException("label selector: '" + term + "': bad key '" + key + "'");
        }
        return key;
    }
}
