package io.nodecache.dns.runtime;

/**
 * Whether the node may receive traffic: its listeners are bound and an upstream has answered a health probe.
 * Kubernetes sends no DNS to a pod (or, with Cilium, no redirected traffic) until this turns true.
 */
public final class Readiness {

    private volatile boolean listening;
    private volatile boolean upstreamHealthy;

    void listening(boolean value) {
        listening = value;
    }

    void upstreamHealthy(boolean value) {
        upstreamHealthy = value;
    }

    public boolean ready() {
        return listening && upstreamHealthy;
    }

    /** Why the node is not ready, or "ready". */
    public String describe() {
        if (!listening) {
            return "DNS listeners not bound yet";
        }
        return upstreamHealthy ? "ready" : "no upstream has answered a health probe yet";
    }
}
