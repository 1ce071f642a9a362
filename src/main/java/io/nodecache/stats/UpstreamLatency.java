package io.nodecache.stats;

import io.nodecache.dns.upstream.ForwardListener;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip times of each upstream in a log-scale histogram (about 19 % wide buckets from 10 µs to ~40 s), so the
 * console can show percentiles without keeping samples.
 */
public final class UpstreamLatency implements ForwardListener {

    private static final int BUCKETS = 80;
    private static final double BASE_MICROS = 10;
    private static final double GROWTH = 1.2;

    private final Map<InetSocketAddress, AtomicLongArray> histograms = new ConcurrentHashMap<>();

    @Override
    public void onAnswer(InetSocketAddress upstream, boolean tcp, int rcode, long rttNanos) {
        histograms.computeIfAbsent(upstream, u -> new AtomicLongArray(BUCKETS)).incrementAndGet(bucket(rttNanos));
    }

    static int bucket(long nanos) {
        double micros = nanos / 1000.0;
        if (micros <= BASE_MICROS) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, Math.ceil(Math.log(micros / BASE_MICROS) / Math.log(GROWTH)));
    }

    static double upperMillis(int bucket) {
        return BASE_MICROS * Math.pow(GROWTH, bucket) / 1000.0;
    }

    /** Percentiles (upper bucket bounds, in ms) of one upstream: keys "p50", "p90", "p99", plus "count". */
    public Map<String, Double> percentiles(InetSocketAddress upstream) {
        Map<String, Double> out = new LinkedHashMap<>();
        AtomicLongArray h = histograms.get(upstream);
        long total = 0;
        long[] counts = new long[BUCKETS];
        if (h != null) {
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] = h.get(i);
                total += counts[i];
            }
        }
        out.put("count", (double) total);
        for (double p : new double[] {0.5, 0.9, 0.99}) {
            out.put("p" + (int) Math.round(p * 100), total == 0 ? 0 : at(counts, total, p));
        }
        return out;
    }

    private static double at(long[] counts, long total, double p) {
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperMillis(i);
            }
        }
        return upperMillis(counts.length - 1);
    }
}
