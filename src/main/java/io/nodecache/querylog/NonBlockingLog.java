package io.nodecache.querylog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.LongAdder;

/**
 * A log stream that never blocks whoever writes to it: lines go into a bounded buffer that a thread of its own
 * writes to the real stream, and when that stream stops taking them (a container log pipe nobody drains fills
 * its 64 KiB and then blocks every write) the buffer fills and further lines are dropped whole and counted.
 *
 * <p>The query log writes here from the event dispatcher, and the {@code errors} plugin from the thread that
 * completes an upstream query: either blocking on stdout would stall what follows it. Only complete lines are
 * handed to the writer, so a line is written whole or not at all, never cut in two by a drop. Writing copies into
 * the buffer and allocates nothing.
 */
public final class NonBlockingLog extends OutputStream {

    /** What the writer thread takes out of the buffer at a time. */
    private static final int CHUNK = 64 * 1024;

    private final OutputStream target;
    private final byte[] buffer;
    private final byte[] chunk = new byte[CHUNK];
    private final Object lock = new Object();
    private final LongAdder droppedLines = new LongAdder();
    private final Thread writer;
    /** Positions in the byte sequence ever written: next to write out, end of complete lines, end of bytes held. */
    private long head;
    private long committed;
    private long tail;
    /** The rest of a line is being dropped, up to and including its newline. */
    private boolean dropping;
    private boolean closed;

    /**
     * @param target   the real stream; writes to it may block as long as they like
     * @param capacity bytes held for it at most (lines past that are dropped)
     * @param name     the writer thread's name
     */
    public NonBlockingLog(OutputStream target, int capacity, String name) {
        if (capacity < 1024) {
            throw new IllegalArgumentException("log buffer too small: " + capacity);
        }
        this.target = target;
        this.buffer = new byte[capacity];
        this.writer = new Thread(this::writeOut, name);
        writer.setDaemon(true);
        writer.start();
    }

    /** Lines dropped because the real stream did not take them fast enough. */
    public long droppedLines() {
        return droppedLines.sum();
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        synchronized (lock) {
            int i = off;
            int end = off + len;
            if (closed) {
                droppedLines.add(count(b, i, end));
                return;
            }
            if (dropping) {
                int nl = indexOf(b, i, end);
                if (nl < 0) {
                    return;
                }
                droppedLines.increment();
                dropping = false;
                i = nl + 1;
            }
            int room = buffer.length - (int) (tail - head);
            if (end - i <= room) {
                append(b, i, end - i);
                int last = lastIndexOf(b, i, end);
                if (last >= 0) {
                    commit(tail - (end - 1 - last));
                }
                return;
            }
            // Not all of it fits: keep the whole lines that do and drop the rest, with any line begun before.
            int fit = lastIndexOf(b, i, i + room);
            if (fit >= 0) {
                append(b, i, fit + 1 - i);
                commit(tail);
                i = fit + 1;
            }
            tail = committed;
            droppedLines.add(count(b, i, end));
            dropping = b[end - 1] != '\n';
        }
    }

    /** Nothing to do: the writer thread writes and flushes complete lines as soon as they are here. */
    @Override
    public void flush() {}

    /** Stops taking lines; what is buffered is written out for up to {@code waitMillis}, the rest abandoned. */
    public void close(long waitMillis) {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            writer.join(waitMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(1000);
    }

    private void append(byte[] b, int off, int len) {
        int at = (int) (tail % buffer.length);
        int first = Math.min(len, buffer.length - at);
        System.arraycopy(b, off, buffer, at, first);
        System.arraycopy(b, off + first, buffer, 0, len - first);
        tail += len;
    }

    private void commit(long upTo) {
        if (upTo > committed) {
            committed = upTo;
            lock.notifyAll();
        }
    }

    private void writeOut() {
        while (true) {
            int n;
            synchronized (lock) {
                while (committed == head && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (committed == head) {
                    return;
                }
                n = (int) Math.min(committed - head, chunk.length);
                int at = (int) (head % buffer.length);
                int first = Math.min(n, buffer.length - at);
                System.arraycopy(buffer, at, chunk, 0, first);
                System.arraycopy(buffer, 0, chunk, first, n - first);
                // Room is made now: writers may fill it while this chunk waits on the real stream.
                head += n;
            }
            try {
                target.write(chunk, 0, n);
                target.flush();
            } catch (IOException | RuntimeException e) {
                // stdout gone: nothing to tell, and nowhere to tell it
            }
        }
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int count(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return n;
    }
}
