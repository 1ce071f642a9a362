package io.nodecache.metrics;

import io.micrometer.core.instrument.util.TimeUtils;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A Prometheus histogram with fixed buckets, plus its {@code _max} gauge, whose series are {@link HistogramSeries}
 * of plain longs: collected straight from the registry under Micrometer, and exposed exactly as the Micrometer
 * {@code Timer} or {@code DistributionSummary} with the same buckets ({@code serviceLevelObjectives}) was.
 *
 * <p>Micrometer's meters cost the dispatcher thread more than the rest of its work: striped adders, a clock read
 * and CAS loops for the decaying max, per record. A series here is a few plain stores.
 */
final class HistogramFamily implements MultiCollector {

    private final String name;
    private final String help;
    private final boolean seconds;
    private final long[] bounds;
    /** The {@code le} values, {@code +Inf} last, as Micrometer writes them. */
    private final double[] upperBounds;
    private final LongSupplier clock;
    private final List<HistogramSeries> series = new CopyOnWriteArrayList<>();

    private HistogramFamily(String name, String help, boolean seconds, long[] bounds, LongSupplier clock) {
        this.name = name;
        this.help = help;
        this.seconds = seconds;
        this.bounds = bounds;
        this.clock = clock;
        this.upperBounds = new double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            upperBounds[i] = scale(bounds[i]);
        }
        upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
    }

    /**
     * A timer's histogram: records nanoseconds, exposes seconds ({@code name} ends in {@code _seconds}).
     *
     * @param clock epoch milliseconds, to age the {@code _max} at scrape time
     */
    static HistogramFamily seconds(String name, String help, long[] boundNanos, LongSupplier clock) {
        return new HistogramFamily(name, help, true, boundNanos.clone(), clock);
    }

    /** A distribution summary's histogram: records and exposes the values as they are (bytes). */
    static HistogramFamily plain(String name, String help, long[] bounds, LongSupplier clock) {
        return new HistogramFamily(name, help, false, bounds.clone(), clock);
    }

    /**
     * A new series with these labels (a name and a value each, in pairs), exposed from now on. Call once per label
     * set, off the hot path: it allocates.
     */
    HistogramSeries add(long createdMillis, String... labelPairs) {
        HistogramSeries s = new HistogramSeries(bounds, labels(labelPairs), createdMillis);
        series.add(s);
        return s;
    }

    private static Labels labels(String[] pairs) {
        String[] names = new String[pairs.length / 2];
        String[] values = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = pairs[2 * i];
            values[i] = pairs[2 * i + 1];
        }
        return Labels.of(names, values);
    }

    /** Micrometer's own conversion, so the exposed doubles are the very ones it wrote. */
    private double scale(long value) {
        return seconds ? TimeUtils.nanosToUnit(value, TimeUnit.SECONDS) : value;
    }

    @Override
    public MetricSnapshots collect() {
        if (series.isEmpty()) {
            return new MetricSnapshots(); // as Micrometer, which writes a family only once it has a meter
        }
        long period = HistogramSeries.period(clock.getAsLong());
        List<HistogramDataPointSnapshot> histograms = new ArrayList<>(series.size());
        List<GaugeDataPointSnapshot> maxima = new ArrayList<>(series.size());
        for (HistogramSeries s : series) {
            long[] counts = new long[upperBounds.length];
            long sum = s.read(counts);
            histograms.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(upperBounds, counts),
                    scale(sum), s.labels, Exemplars.EMPTY, s.createdMillis));
            maxima.add(new GaugeDataPointSnapshot(scale(s.max(period)), s.labels, null));
        }
        List<MetricSnapshot> out = List.of(
                new HistogramSnapshot(new MetricMetadata(name, help, null), histograms),
                new GaugeSnapshot(new MetricMetadata(name + "_max", help, null), maxima));
        return new MetricSnapshots(out);
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(name, name + "_max");
    }
}
