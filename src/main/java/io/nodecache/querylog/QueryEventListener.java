package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;

/** Consumes query events on the dispatcher's thread; must be quick, or events are lost (and counted). */
public interface QueryEventListener {

    void onEvent(QueryEvent event);

    /** Whether this listener wants the events of {@code zone}; events nobody wants are never materialised. */
    default boolean wants(String zone) {
        return true;
    }

    /** Called when the dispatcher fell behind the ring and {@code count} events were overwritten unseen. */
    default void onLost(long count) {}
}
