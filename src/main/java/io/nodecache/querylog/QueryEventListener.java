package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;

/**
 * Consumes query events on the dispatcher's thread; must be quick, or events are lost (and counted).
 *
 * <p>Every event is first shown raw ({@link #onRaw}, no allocation); it is built into a {@link QueryEvent} only if
 * some listener {@link #wants} it, so counters cost nothing per event while logging is off.
 */
public interface QueryEventListener {

    /** Sees every event in place; for counters. */
    default void onRaw(RawQueryEvent event) {}

    /** Whether this listener needs {@code event} as a {@link QueryEvent}. */
    default boolean wants(RawQueryEvent event) {
        return false;
    }

    /** Receives the events this listener {@link #wants}. */
    default void onEvent(QueryEvent event) {}

    /** Called when the dispatcher fell behind the ring and {@code count} events were overwritten unseen. */
    default void onLost(long count) {}

    /** Called on the dispatcher's thread when it has caught up, at most every few hundred milliseconds. */
    default void onIdle(long nowMillis) {}
}
