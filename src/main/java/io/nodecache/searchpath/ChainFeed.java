package io.nodecache.searchpath;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.querylog.QueryEventListener;

/**
 * Feeds the chain detector from the event dispatcher, building only the events that can start or continue a
 * chain (NXDOMAINs, and anything from a client with a chain open), whether or not logging is on.
 */
public final class ChainFeed implements QueryEventListener {

    private final ChainDetector detector;

    public ChainFeed(ChainDetector detector) {
        this.detector = detector;
    }

    @Override
    public boolean wants(RawQueryEvent event) {
        return detector.interestedIn(event.rcode(), event.clientAddress());
    }

    @Override
    public void onEvent(QueryEvent event) {
        detector.onEvent(event);
    }

    @Override
    public void onIdle(long nowMillis) {
        detector.tick(nowMillis);
    }
}
