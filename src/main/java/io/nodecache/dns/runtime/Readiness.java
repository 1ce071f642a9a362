package io.nodecache.dns.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Whether the node may receive traffic: its listeners are bound and an upstream has answered a health probe.
 * Kubernetes sends no DNS to a pod (or, with Cilium, no redirected traffic) until this turns true.
 */
public final class Readiness {

    private volatile boolean listening;
    private volatile boolean upstreamHealthy;
    private volatile boolean stopping;

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void listening(boolean value) {
        boolean was = ready();
        listening = value;
        changed(was);
    }

    void upstreamHealthy(boolean value) {
        boolean was = ready();
        upstreamHealthy = value;
        changed(was);
    }

    /** Calls {@code listener} whenever {@link #ready()} changes (on the changing thread), and once now. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
        listener.run();
    }

    private void changed(boolean was) {
        if (was != ready()) {
            listeners.forEach(Runnable::run);
        }
    }

    /**
     * The node was told to stop: not ready from now on, though it still answers through its lameduck period, so
     * Kubernetes stops sending it traffic (Cilium's redirect, a rollout's count) before it stops answering.
     */
    public void stopping() {
        boolean was = ready();
        stopping = true;
        changed(was);
    }

    public boolean ready() {
        return listening && upstreamHealthy && !stopping;
    }

    /** Why the node is not ready, or "ready". */
    public String describe() {
        if (stopping) {
            return "shutting down (lameduck): still answering, not taking new traffic";
        }
        if (!listening) {
            return "DNS listeners not bound yet";
        }
        return upstreamHealthy ? "ready" : "no upstream has answered a health probe yet";
    }
}
