package io.nodecache.dashboard.pods;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Client IP to pod from a fabric8 informer over every pod in the cluster, indexed on {@code status.podIP}, with a
 * timeline of who held each IP so that past instants resolve to the pod of that moment.
 *
 * <p>Needs {@code pods list, watch} cluster-wide. The informer keeps only the fields a lookup needs (a reduced item
 * store), so 10 000 pods cost a few megabytes, not the hundreds full pod objects would.
 */
public final class KubernetesPodDirectory implements PodDirectory {

    private static final Logger LOG = Logger.getLogger(KubernetesPodDirectory.class.getName());
    static final String POD_IP = "podIP";

    private final KubernetesClient client;
    private final Clock clock;
    private final IpTimeline timeline;
    private SharedIndexInformer<Pod> informer;

    public KubernetesPodDirectory(KubernetesClient client, Duration history, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.timeline = new IpTimeline(history);
    }

    @Override
    public synchronized void start() {
        if (informer != null) {
            return;
        }
        // Pages of 500 keep the first list's memory down on a big cluster.
        informer = client.pods().inAnyNamespace().withLimit(500L).runnableInformer(0);
        informer.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class,
                client.getKubernetesSerialization(), "metadata.creationTimestamp", "spec.nodeName",
                "spec.hostNetwork", "status.podIP", "status.startTime"));
        informer.addIndexers(Map.of(POD_IP, p -> {
            String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
            return ip == null || ip.isEmpty() ? List.of() : List.of(ip);
        }));
        informer.addEventHandler(new ResourceEventHandler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                hold(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                hold(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                timeline.release(key(pod), clock.instant());
            }
        });
        informer.exceptionHandler((started, t) -> {
            LOG.log(Level.WARNING, "pod directory informer: " + t);
            return !ExceptionHandler.isDeserializationException(t);
        });
        SharedIndexInformer<Pod> started = informer;
        informer.start().exceptionally(t -> {
            LOG.log(started.isRunning() ? Level.WARNING : Level.FINE, "pod directory informer did not start", t);
            return null;
        });
    }

    /** Whether the informer has listed and is watching: changes from now on reach lookups. */
    synchronized boolean watching() {
        return informer != null && informer.isWatching();
    }

    @Override
    public Optional<PodRef> lookup(String ip, Instant at) {
        if (ip == null || at == null) {
            return Optional.empty();
        }
        List<IpTimeline.Tenure> current = new ArrayList<>(1);
        SharedIndexInformer<Pod> inf;
        synchronized (this) {
            inf = informer;
        }
        if (inf != null) {
            for (Pod p : inf.getIndexer().byIndex(POD_IP, ip)) {
                IpTimeline.Tenure t = timeline.live(key(p));
                // The indexer can be a step ahead of our handler; then the pod speaks for itself.
                current.add(t != null ? t : tenure(p, Instant.MIN));
            }
        }
        return timeline.at(ip, at, current, clock.instant());
    }

    @Override
    public int size() {
        return timeline.liveCount();
    }

    @Override
    public synchronized void close() {
        if (informer != null) {
            informer.close();
        }
    }

    private void hold(Pod pod) {
        Instant now = clock.instant();
        IpTimeline.Tenure t = tenure(pod, now);
        timeline.hold(t.key(), t.ip(), t.ref(), t.from(), t.to(), now);
    }

    /** A pod's hold on its IP as the pod tells it; {@code firstSeen} when it names no start. */
    private IpTimeline.Tenure tenure(Pod pod, Instant firstSeen) {
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
        if (ip != null && ip.isEmpty()) {
            ip = null;
        }
        boolean host = pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        if (host) {
            // The IP is the node's, not the pod's: it was "host network on NODE" before this pod came and after.
            return new IpTimeline.Tenure(key(pod), ip, PodRef.hostNetworkOf(node), Instant.MIN, null);
        }
        PodRef ref = new PodRef(pod.getMetadata().getNamespace(), pod.getMetadata().getName(), node, false);
        Instant from = firstNonNull(pod.getStatus() == null ? null : instant(pod.getStatus().getStartTime()),
                instant(pod.getMetadata().getCreationTimestamp()), firstSeen);
        return new IpTimeline.Tenure(key(pod), ip, ref, from, finished(pod));
    }

    /** When a Succeeded or Failed pod let its IP go (the kubelet tears the sandbox down; the object may stay). */
    private Instant finished(Pod pod) {
        if (pod.getStatus() == null) {
            return null;
        }
        String phase = pod.getStatus().getPhase();
        if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            return null;
        }
        Instant last = null;
        List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
        for (ContainerStatus c : statuses == null ? List.<ContainerStatus>of() : statuses) {
            if (c.getState() != null && c.getState().getTerminated() != null) {
                Instant f = instant(c.getState().getTerminated().getFinishedAt());
                if (f != null && (last == null || f.isAfter(last))) {
                    last = f;
                }
            }
        }
        return last != null ? last : clock.instant();
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Instant instant(String ts) {
        try {
            return ts == null || ts.isEmpty() ? null : Instant.parse(ts);
        } catch (RuntimeException unparsable) {
            return null;
        }
    }

    private static Instant firstNonNull(Instant a, Instant b, Instant c) {
        return a != null ? a : b != null ? b : c;
    }
}
