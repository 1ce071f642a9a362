package io.nodecache.dns.runtime;

/**
 * Whether the node may receive traffic: its listeners are bound and an upstream has answered a health probe.
 * Kubernetes sends no DNS to a pod (or, with Cilium, no redirected traffic) until this turns true.
 */
public final class Readiness {

    private volatile boolean listening;
    private volatile boolean upstreamHealthy;
    private volatile boolean stopping;

    void listening(boolean value) {
        listening = value;
    }

    void upstreamHealthy(boolean value) {
        upstreamHealthy = value;
    }

    /**
     * The node was told to stop: not ready from now on, though it still answers through its lameduck period, so
     * Kubernetes stops sending it traffic (Cilium's redirect, a rollout's count) before it stops answering.
     */
    public void stopping() {
        stopping = true;
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
