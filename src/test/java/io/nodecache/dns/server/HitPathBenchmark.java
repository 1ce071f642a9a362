package io.nodecache.dns.server;

import io.nodecache.corefile.CacheConfig;
import io.nodecache.dns.cache.CacheListener;
import io.nodecache.dns.cache.CacheStage;
import io.nodecache.dns.event.QueryEventRing;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The per-packet work of a cache hit after the socket: parse, route, look up, patch, shape, publish the event.
 * Run with {@code bench/jmh.sh HitPath -prof gc} to see time and bytes allocated per hit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HitPathBenchmark {

    @Param({"1", "1000"})
    int names;

    private byte[][] packets;
    private int next;
    private Exchange exchange;
    private QueryHandler router;
    private final ServerCounters counters = new ServerCounters();
    private final InetSocketAddress client = new InetSocketAddress("127.0.0.1", 40000);
    int sent;

    @Setup
    public void setup() throws Exception {
        CacheConfig config = new CacheConfig(new CacheConfig.StoreConfig(20000, Duration.ofHours(1),
                Duration.ofSeconds(5)), new CacheConfig.StoreConfig(20000, Duration.ofMinutes(30),
                Duration.ofSeconds(5)), Optional.empty(), Optional.empty(), Duration.ofSeconds(5), false);
        QueryHandler upstream = ex -> {
            try {
                Message q = new Message(java.util.Arrays.copyOf(ex.request(), ex.requestLength()));
                Message r = new Message(q.getHeader().getID());
                r.getHeader().setFlag(Flags.QR);
                r.getHeader().setFlag(Flags.AA);
                r.addRecord(q.getQuestion(), Section.QUESTION);
                r.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 30,
                        java.net.InetAddress.getByName("10.96.0.1")), Section.ANSWER);
                byte[] wire = r.toWire();
                ex.respond(wire, wire.length);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        CacheStage cache = new CacheStage(config, upstream, Clock.systemUTC(), CacheListener.NONE);
        router = new Router(Map.of("cluster.local.", cache), counters);
        QueryEventRing ring = new QueryEventRing(1 << 16, Clock.systemUTC());
        exchange = Exchange.reusable(Transport.UDP, (ex, buf, len) -> sent += len, ring);
        packets = new byte[names][];
        for (int i = 0; i < names; i++) {
            Message q = Message.newQuery(Record.newRecord(
                    Name.fromString("svc-" + i + ".ns-" + (i % 7) + ".svc.cluster.local."), Type.A, DClass.IN));
            packets[i] = q.toWire();
            // fill the cache through the real miss path
            Dispatch.dispatch(exchange.reset(packets[i], packets[i].length, client, System.nanoTime()), exchange,
                    router, counters);
        }
    }

    @Benchmark
    public int hit() {
        byte[] p = packets[next];
        next = next + 1 == packets.length ? 0 : next + 1;
        Dispatch.dispatch(exchange.reset(p, p.length, client, System.nanoTime()), exchange, router, counters);
        return sent;
    }
}
