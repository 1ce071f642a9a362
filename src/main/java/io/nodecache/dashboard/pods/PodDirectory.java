package io.nodecache.dashboard.pods;

import java.time.Instant;
import java.util.Optional;

/**
 * Client IP to pod. Time-aware: {@code lookup(ip, at)} names the pod that had the IP at that moment, so a chain from
 * a pod deleted a minute ago still names it, and an IP reused by a newer pod does not rename older chains.
 *
 * <p>Implementations: a configured list (static), and a fabric8 informer over pods in all namespaces indexed on
 * {@code status.podIP}. Safe from any thread.
 */
public interface PodDirectory extends AutoCloseable {

    /** Starts watching; returns without waiting for the first list. */
    void start();

    /**
     * The pod that had {@code ip} at {@code at}. Host-network pods share their node's IP: such an IP resolves to
     * {@code PodRef(null, null, NODE, true)}, "host network on NODE", whichever of them asked.
     */
    Optional<PodRef> lookup(String ip, Instant at);

    /** Pods known (for the page's "directory: 10 000 pods"). */
    int size();

    @Override
    default void close() {}
}
