package io.nodecache.metrics;

import io.prometheus.metrics.model.snapshots.Labels;

/**
 * One histogram series in plain {@code long}s written by a single thread (see {@link SingleWriter}): a count per
 * bucket, the sum, and the largest value of each recent period for the {@code _max} gauge.
 *
 * <p>The {@code _max} follows Micrometer's {@code TimeWindowMax} as {@code PrometheusMeterRegistry} configures it
 * (expiry = the step, 1 minute; 3 buffers): the largest value recorded in the current minute and the two before,
 * 0 once nothing was recorded for that long. Minutes here start on the epoch's, not on the meter's creation.
 */
final class HistogramSeries {

    /** Length of one {@code _max} period: {@code PrometheusConfig.DEFAULT.step()}. */
    static final long PERIOD_MILLIS = 60_000;
    /** How many periods the {@code _max} spans: {@code DistributionStatisticConfig.DEFAULT}'s buffer length. */
    private static final int PERIODS = 3;
    /** Slots for periods' maxima: a power of two, so a period's slot is a mask; more than {@link #PERIODS}. */
    private static final int SLOTS = 4;

    final Labels labels;
    final long createdMillis;
    private final long[] bounds;
    /** Per bucket, values up to its bound and above the one before; the last counts values above every bound. */
    private final long[] counts;
    /** [0] the sum of the values; then per slot: the period it holds, and the largest value of that period. */
    private final long[] totals = new long[1 + 2 * SLOTS];

    HistogramSeries(long[] bounds, Labels labels, long createdMillis) {
        this.bounds = bounds;
        this.counts = new long[bounds.length + 1];
        this.labels = labels;
        this.createdMillis = createdMillis;
        for (int s = 0; s < SLOTS; s++) {
            totals[1 + 2 * s] = Long.MIN_VALUE; // no period yet
        }
    }

    /** The {@code _max} period {@code epochMillis} falls in. */
    static long period(long epochMillis) {
        return Math.floorDiv(epochMillis, PERIOD_MILLIS);
    }

    /**
     * Counts {@code value} (in the family's unit) recorded during {@code period}; only from the series' one writer
     * thread. Negative values are dropped, as Micrometer drops them.
     */
    void record(long value, long period) {
        if (value < 0) {
            return;
        }
        long[] b = bounds;
        int i = 0;
        while (i < b.length && value > b[i]) { // most values (cache hits, small messages) stop at the first bounds
            i++;
        }
        counts[i]++;
        long[] t = totals;
        t[0] += value;
        int slot = 1 + 2 * ((int) period & (SLOTS - 1));
        if (t[slot] != period) {
            t[slot + 1] = value;
            SingleWriter.publish(t, slot, period); // once a minute: a scrape seeing the period sees its maximum
        } else if (value > t[slot + 1]) {
            t[slot + 1] = value;
        }
    }

    /** Copies the bucket counts into {@code out} (length: bounds + 1) and returns the sum; from any thread. */
    long read(long[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = SingleWriter.read(counts, i);
        }
        return SingleWriter.read(totals, 0);
    }

    /** The largest value recorded in period {@code now} or the {@link #PERIODS} - 1 before it; from any thread. */
    long max(long now) {
        long max = 0;
        for (int s = 0; s < SLOTS; s++) {
            int slot = 1 + 2 * s;
            long period = SingleWriter.readAcquire(totals, slot);
            // no upper limit: event time may run a little ahead of the scraping thread's clock
            if (period != Long.MIN_VALUE && period > now - PERIODS) {
                max = Math.max(max, SingleWriter.read(totals, slot + 1));
            }
        }
        return max;
    }
}
