package io.nodecache.metrics;

/**
 * The {@code _max} period (see {@link HistogramSeries}) of the latest time seen, recomputed when a period ends
 * rather than divided out for every value; for one thread at a time. Time going backwards keeps the later period.
 */
final class MaxPeriod {

    private long period;
    private long end = Long.MIN_VALUE;

    long at(long epochMillis) {
        if (epochMillis >= end) {
            period = HistogramSeries.period(epochMillis);
            end = (period + 1) * HistogramSeries.PERIOD_MILLIS;
        }
        return period;
    }
}
