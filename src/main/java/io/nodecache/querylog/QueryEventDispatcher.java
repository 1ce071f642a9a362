package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.event.RawQueryEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows the query event ring on one daemon thread and hands each event to the listeners, so no consumer ever
 * runs on a DNS thread.
 */
public final class QueryEventDispatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QueryEventDispatcher.class.getName());
    /**
     * Consumers are not latency-critical: waking less often costs the DNS threads' core less. A wake-up costs
     * 20-35 µs of CPU in a VM. The pause between polls follows the rate: long enough to gather a quarter of the ring,
     * at least 2 ms and at most 20 ms (metrics, the query log's switch and the tests read what the dispatcher
     * delivered; 100 ms made them lag visibly). A backlog is drained without sleeping.
     */
    private static final long MIN_PARK_NANOS = 2_000_000;
    private static final long MAX_PARK_NANOS = 20_000_000;
    private static final int YIELD_EVERY_MASK = 63;
    private static final long IDLE_CALLBACK_MILLIS = 250;
    /**
     * Idle time (0.5 s) after which the thread stops polling and sleeps until a writer wakes it: polling at all is
     * still wake-ups on an idle node, while a writer that finds the thread asleep pays an unpark. Under steady
     * traffic the ring is never empty this long, so writers then never pay it.
     */
    private static final long IDLE_NANOS_BEFORE_SLEEP = 500_000_000;
    /** Asleep, the idle callbacks (chain sweeps, counter snapshots, log flushes) still run once a second. */
    private static final long SLEEP_NANOS = 1_000_000_000;

    private final QueryEventRing ring;
    /** Events per poll the pause aims at: a quarter of the ring, so a burst between polls still fits. */
    private final long eventsPerPoll;
    private final List<QueryEventListener> listeners = new CopyOnWriteArrayList<>();
    private volatile QueryEventListener[] listenerArray = new QueryEventListener[0];
    private final LongAdder lost = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final Thread thread;
    private final RawPass rawPass = new RawPass();
    private volatile boolean running = true;
    /** Read by the thread after {@link Thread#start}, which orders it. */
    private long startAt;

    public QueryEventDispatcher(QueryEventRing ring) {
        this.ring = ring;
        this.eventsPerPoll = Math.max(1, ring.capacity() / 4);
        this.thread = new Thread(this::run, "nodecache-events");
        this.thread.setDaemon(true);
    }

    public synchronized void subscribe(QueryEventListener listener) {
        listeners.add(listener);
        listenerArray = listeners.toArray(new QueryEventListener[0]);
    }

    /** Starts following the ring from its head now: events published after this call are all seen. */
    public void start() {
        startAt = ring.head();
        thread.start();
    }

    /** Events overwritten before the dispatcher could read them. */
    public long lost() {
        return lost.sum();
    }

    /** The dispatcher thread's id (tests measure what it allocates). */
    long threadId() {
        return thread.getId();
    }

    /** Events read from the ring. */
    public long delivered() {
        return delivered.sum();
    }

    private void run() {
        long cursor = startAt;
        long lastIdle = 0;
        long emptySince = 0;
        long parkNanos = MIN_PARK_NANOS;
        long drainedSincePark = 0;
        long parkedAt = System.nanoTime();
        while (running) {
            boolean read;
            try {
                rawPass.wanted = false;
                read = ring.visit(cursor, rawPass);
                if (read && rawPass.wanted) {
                    QueryEvent e = ring.read(cursor);
                    if (e != null) {
                        deliver(e);
                    }
                }
            } catch (QueryEventRing.LostEventsException ex) {
                lost.add(ex.lost());
                listeners.forEach(l -> l.onLost(ex.lost()));
                cursor = ex.resumeAt();
                continue;
            }
            if (read) {
                emptySince = 0;
                delivered.increment();
                cursor++;
                if ((++drainedSincePark & YIELD_EVERY_MASK) == 0) {
                    // On a node's one CPU a long drain would hold off the receive thread (the scheduler lets the
                    // running thread finish its slice): give way now and then, a syscall per 64 events.
                    Thread.yield();
                }
                continue;
            }
            long now = System.currentTimeMillis();
            if (now - lastIdle >= IDLE_CALLBACK_MILLIS) {
                lastIdle = now;
                listeners.forEach(l -> safely(() -> l.onIdle(now)));
            }
            long nanos = System.nanoTime();
            if (drainedSincePark > 0) {
                parkNanos = pauseFor(drainedSincePark, nanos - parkedAt);
                drainedSincePark = 0;
            } else if (emptySince == 0) {
                emptySince = nanos;
            }
            parkedAt = nanos;
            if (emptySince == 0 || nanos - emptySince < IDLE_NANOS_BEFORE_SLEEP) {
                LockSupport.parkNanos(parkNanos);
            } else {
                ring.awaitPublish(cursor, SLEEP_NANOS);
            }
        }
    }

    /** The pause after {@code events} arrived in {@code elapsedNanos}: the time {@link #eventsPerPoll} would take. */
    private long pauseFor(long events, long elapsedNanos) {
        long nanos = (long) ((double) elapsedNanos * eventsPerPoll / events);
        return Math.max(MIN_PARK_NANOS, Math.min(MAX_PARK_NANOS, nanos));
    }

    private void deliver(QueryEvent e) {
        QueryEventListener[] targets = rawPass.seen;
        for (int i = 0; i < rawPass.count; i++) {
            if (rawPass.wants[i]) {
                try {
                    targets[i].onEvent(e);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "query event listener failed", ex);
                }
            }
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "query event listener failed", ex);
        }
    }

    /** Shows one raw event to every listener and notes which of them want it built. */
    private final class RawPass implements Consumer<RawQueryEvent> {
        boolean wanted;
        QueryEventListener[] seen = new QueryEventListener[8];
        boolean[] wants = new boolean[8];
        int count;

        @Override
        public void accept(RawQueryEvent raw) {
            count = 0;
            // An array snapshot: iterating the CopyOnWriteArrayList made an iterator per event.
            QueryEventListener[] all = listenerArray;
            for (QueryEventListener l : all) {
                if (count == seen.length) {
                    seen = java.util.Arrays.copyOf(seen, count * 2);
                    wants = java.util.Arrays.copyOf(wants, count * 2);
                }
                boolean w = false;
                try {
                    l.onRaw(raw);
                    w = l.wants(raw);
                } catch (RuntimeException ex) {
                    LOG.log(Level.WARNING, "query event listener failed", ex);
                }
                seen[count] = l;
                wants[count++] = w;
                wanted |= w;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
