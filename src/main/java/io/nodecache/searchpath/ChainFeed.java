package io.nodecache.searchpath;

import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.querylog.QueryEventListener;

/**
 * Feeds the chain detector from the event dispatcher straight from the ring slots (names and client addresses come
 * from the ring's caches, so nothing is built per event), whether or not logging is on.
 */
public final class ChainFeed implements QueryEventListener {

    private final ChainDetector detector;

    public ChainFeed(ChainDetector detector) {
        this.detector = detector;
    }

    @Override
    public void onRaw(RawQueryEvent event) {
        detector.onEvent(event);
    }

    @Override
    public void onIdle(long nowMillis) {
        detector.tick(nowMillis);
    }
}
