package io.nodecache.dns.upstream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One selector thread that runs channel handlers, submitted tasks and timers, so that timeouts need no thread of
 * their own. Channels, handlers and timers are touched only on this thread.
 */
final class EventLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventLoop.class.getName());

    /** What a registered channel's key carries. */
    interface Handler {
        /** The channel is ready for the key's ready operations. */
        void ready(SelectionKey key) throws IOException;

        /** {@link #ready} threw, or the loop is closing. */
        void failed(IOException cause);
    }

    /** A pending timer; cancel it from the loop thread. */
    static final class Timer implements Comparable<Timer> {
        private final long at;
        private final long sequence;
        private final Runnable task;
        private boolean cancelled;

        private Timer(long at, long sequence, Runnable task) {
            this.at = at;
            this.sequence = sequence;
            this.task = task;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(at - o.at, 0); // nanoTime may wrap: compare differences
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSequence;
    private volatile boolean closed;

    EventLoop(String threadName) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    Selector selector() {
        return selector;
    }

    boolean isClosed() {
        return closed;
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread, after whatever runs there now. */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on the loop thread in {@code delayNanos}; call on the loop thread. */
    Timer schedule(long delayNanos, Runnable task) {
        Timer timer = new Timer(System.nanoTime() + delayNanos, timerSequence++, task);
        timers.add(timer);
        return timer;
    }

    private void run() {
        while (!closed) {
            try {
                runTasks();
                long wait = nextTimerWaitMillis();
                int selected = !tasks.isEmpty() ? selector.selectNow()
                        : wait == 0 ? selector.select() : selector.select(wait);
                if (selected > 0) {
                    Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        dispatch(key);
                    }
                }
                runTimers();
            } catch (ClosedSelectorException e) {
                break;
            } catch (Throwable t) { // keep the loop alive whatever a task does
                LOG.log(Level.WARNING, "upstream event loop task failed", t);
            }
        }
        shutdown();
    }

    private static void dispatch(SelectionKey key) {
        Handler handler = (Handler) key.attachment();
        try {
            if (key.isValid()) {
                handler.ready(key);
            }
        } catch (IOException e) {
            handler.failed(e);
        } catch (RuntimeException e) {
            handler.failed(new IOException(e));
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "upstream event loop task failed", t);
            }
        }
    }

    /** 0 means "no timer" (select without timeout); otherwise at least 1 ms, rounded up. */
    private long nextTimerWaitMillis() {
        Timer next;
        while ((next = timers.peek()) != null && next.cancelled) {
            timers.poll();
        }
        if (next == null) {
            return 0;
        }
        long nanos = next.at - System.nanoTime();
        return nanos <= 0 ? 1 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer next;
        while ((next = timers.peek()) != null && next.at - now <= 0) {
            timers.poll();
            if (!next.cancelled) {
                try {
                    next.task.run();
                } catch (Throwable t) {
                    LOG.log(Level.WARNING, "upstream timer failed", t);
                }
            }
        }
    }

    private void shutdown() {
        IOException closing = new IOException("forwarder closed");
        runTasks();
        try {
            for (SelectionKey key : java.util.List.copyOf(selector.keys())) {
                ((Handler) key.attachment()).failed(closing);
            }
            selector.close();
        } catch (IOException | ClosedSelectorException e) {
            LOG.log(Level.FINE, "closing selector", e);
        }
        timers.clear();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
