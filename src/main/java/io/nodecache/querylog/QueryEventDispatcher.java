package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.QueryEventRing;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the query event ring on one daemon thread and hands each event to the listeners, so no consumer ever
 * runs on a DNS thread.
 */
public final class QueryEventDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QueryEventDispatcher.class.getName());
    /** Consumers are not latency-critical: waking less often costs the DNS threads' core less. */
    private static final long IDLE_PARK_NANOS = 2_000_000;

    private final QueryEventRing ring;
    private final List<QueryEventListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder lost = new LongAdder();
    private final Thread thread;
    private volatile boolean running = true;

    public QueryEventDispatcher(QueryEventRing ring) {
        this.ring = ring;
        this.thread = new Thread(this::run, "nodecache-events");
        this.thread.setDaemon(true);
    }

    public void subscribe(QueryEventListener listener) {
        listeners.add(listener);
    }

    public void start() {
        thread.start();
    }

    /** Events overwritten before the dispatcher could read them. */
    public long lost() {
        return lost.sum();
    }

    private void run() {
        long cursor = ring.head();
        while (running) {
            QueryEvent e;
            try {
                e = ring.read(cursor, this::anyoneWants);
            } catch (QueryEventRing.LostEventsException ex) {
                lost.add(ex.lost());
                listeners.forEach(l -> l.onLost(ex.lost()));
                cursor = ex.resumeAt();
                continue;
            }
            if (e == null) {
                LockSupport.parkNanos(IDLE_PARK_NANOS);
                continue;
            }
            cursor++;
            if (e == QueryEventRing.SKIPPED) {
                continue;
            }
            for (QueryEventListener l : listeners) {
                try {
                        if (l.wants(e.zone())) {
                        l.onEvent(e);
                    }
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "query event listener failed", ex);
                }
            }
        }
    }

    private boolean anyoneWants(String zone) {
        for (QueryEventListener l : listeners) {
            if (l.wants(zone)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
