package io.nodecache.testing;

/**
 * Works around a race in fabric8's mock API server 8.0.0 (fabric8io/kubernetes-client#7857, fixed after 8.0.0):
 * when a client closes a watch while the server still has a watch event queued, the server's close handler waits
 * for that send on the very event loop the send needs, so the watch never closes and the mock server's shutdown
 * fails after 10 s ("Unable to close MockWebServer"). Letting queued events go out before an informer is closed
 * avoids it. Test teardown only: no assertion waits on this.
 */
public final class MockServerWatches {

    /** Queued watch events are sent at once (no delay in CRUD mode); this is ample for them to leave. */
    private static final long SETTLE_MILLIS = 300;

    private MockServerWatches() {}

    public static void settleBeforeClose() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
