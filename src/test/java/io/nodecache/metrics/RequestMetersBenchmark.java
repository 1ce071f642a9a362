package io.nodecache.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link RequestMeters} costs the dispatcher thread per event, over a node-like mix: 80 % cache hits of
 * 20-200 µs, 20 % forwarded misses of 1-30 ms, A and AAAA with a few other types, some NXDOMAIN, some TCP, IPv4
 * and IPv6 clients, two zones. Forked with C1 only, as the node runs. Run with
 * {@code bench/jmh.sh RequestMeters -prof gc} for time and bytes allocated per event.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"})
public class RequestMetersBenchmark {

    private static final int EVENTS = 1 << 12;

    private TestEvent[] events;
    private int next;
    private RequestMeters meters;

    @Setup
    public void setup() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        InetAddress v4 = InetAddress.getByName("10.244.0.7");
        InetAddress v6 = InetAddress.getByName("fd00::7");
        int[] types = {1, 1, 1, 28, 28, 28, 33, 12, 16, 65};
        long now = System.currentTimeMillis();
        events = new TestEvent[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
            TestEvent e = new TestEvent(rnd.nextInt(10) == 0 ? v6 : v4);
            e.epochMillis = now + i;
            e.qtype = types[rnd.nextInt(types.length)];
            e.zone = rnd.nextInt(4) == 0 ? "." : "cluster.local.";
            e.transport = rnd.nextInt(50) == 0 ? Transport.TCP : Transport.UDP;
            e.requestSize = 30 + rnd.nextInt(60);
            e.dnssecOk = rnd.nextInt(20) == 0;
            if (rnd.nextInt(5) == 0) {
                e.outcome = CacheOutcome.MISS;
                e.forwarded = true;
                e.durationNanos = 1_000_000 + rnd.nextLong(29_000_000);
            } else {
                e.outcome = CacheOutcome.HIT;
                e.durationNanos = 20_000 + rnd.nextLong(180_000);
            }
            e.rcode = rnd.nextInt(10) == 0 ? 3 : 0;
            e.responseSize = 60 + rnd.nextInt(500);
            events[i] = e;
        }
        meters = new RequestMeters(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        meters.route(Map.of("cluster.local.", "dns://:53", ".", "dns://:53"), "dns://:53");
        for (TestEvent e : events) {
            meters.onRaw(e); // every series registered before measuring, as on a node that has run a while
        }
    }

    @Benchmark
    public void onRaw() {
        meters.onRaw(events[next]);
        next = (next + 1) & (EVENTS - 1);
    }
}
