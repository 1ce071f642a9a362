package io.nodecache.dashboard.chains;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Chains and their waste in one-minute buckets for the last hour, so a ranking over any window up to an hour is a
 * sum of at most 60 buckets. Sparse: only minutes with chains hold a bucket. Not thread-safe (the history's lock).
 */
public final class Tally {

    static final long BUCKET_SECONDS = 60;

    private static final class Bucket {
        final long minute;
        long chains;
        long allFailed;
        long wasted;
        long wastedNanos;

        Bucket(long minute) {
            this.minute = minute;
        }
    }

    /** Sums over a window. */
    public record Sum(long chains, long allFailed, long wasted, long wastedNanos) {
        static final Sum ZERO = new Sum(0, 0, 0, 0);
    }

    private final ArrayDeque<Bucket> buckets = new ArrayDeque<>();

    void add(Instant at, int wasted, long wastedNanos, boolean allFailed) {
        long minute = at.getEpochSecond() / BUCKET_SECONDS;
        Bucket b = buckets.peekLast();
        if (b == null || b.minute < minute) {
            b = new Bucket(minute);
            buckets.addLast(b);
        } else if (b.minute > minute) {
            // A chain that started before the newest bucket (collected late): find or make its bucket.
            b = bucketFor(minute);
        }
        b.chains++;
        b.allFailed += allFailed ? 1 : 0;
        b.wasted += wasted;
        b.wastedNanos += wastedNanos;
    }

    private Bucket bucketFor(long minute) {
        for (Bucket b : buckets) {
            if (b.minute == minute) {
                return b;
            }
        }
        // Rare and out of order: kept in the first bucket not older, so sums over windows stay conservative.
        for (Bucket b : buckets) {
            if (b.minute > minute) {
                return b;
            }
        }
        return buckets.peekLast();
    }

    /** Sums the buckets whose minute starts at or after {@code since}. */
    Sum since(Instant since) {
        long from = since.getEpochSecond() / BUCKET_SECONDS;
        long chains = 0;
        long failed = 0;
        long wasted = 0;
        long nanos = 0;
        for (Iterator<Bucket> it = buckets.descendingIterator(); it.hasNext(); ) {
            Bucket b = it.next();
            if (b.minute < from) {
                break;
            }
            chains += b.chains;
            failed += b.allFailed;
            wasted += b.wasted;
            nanos += b.wastedNanos;
        }
        return new Sum(chains, failed, wasted, nanos);
    }

    /** Drops buckets older than {@code cutoff}; true when nothing is left. */
    boolean expire(Instant cutoff) {
        long from = cutoff.getEpochSecond() / BUCKET_SECONDS;
        while (!buckets.isEmpty() && buckets.peekFirst().minute < from) {
            buckets.pollFirst();
        }
        return buckets.isEmpty();
    }
}
