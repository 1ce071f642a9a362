package io.nodecache.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Reads, from a scrape thread, counters kept in plain {@code long}s by one thread (the event dispatcher), or by one
 * thread at a time under a lock the reader does not take (an upstream's counts).
 *
 * <p>The writer uses plain stores, the cheapest there are: no lock prefix, no fence, no striping, since nothing else
 * writes at the same time. A reader needs two things. Each value whole: the JLS (17.7) lets a JVM split a plain
 * {@code long} store in two, but the 64-bit JVMs nodecache runs on store an aligned {@code long} in one instruction,
 * so a value read is one that was written. And a value not older than the last scrape's: an opaque read is never
 * hoisted out of a loop or cached, and a store becomes visible to it without any fence on the writer's side. A
 * scrape so sees each counter at some recent moment; counters read together may be a few events apart, as with
 * Micrometer's adders.
 */
final class SingleWriter {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private SingleWriter() {}

    /** {@code a[i]}, written by another thread with plain stores. */
    static long read(long[] a, int i) {
        return (long) LONGS.getOpaque(a, i);
    }

    /** {@code a[i]}, seeing at least every store the writer made before its {@link #publish} of {@code a[i]}. */
    static long readAcquire(long[] a, int i) {
        return (long) LONGS.getAcquire(a, i);
    }

    /** Stores {@code a[i]} after every store before it, for a reader's {@link #readAcquire}; for rare writes. */
    static void publish(long[] a, int i, long value) {
        LONGS.setRelease(a, i, value);
    }
}
