package io.nodecache.searchpath;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
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
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The chain detector's cost per answered query on the dispatcher thread, over a node-like stream: 200 clients, 80 %
 * lone cache hits, 20 % steps of ndots:5 chains (3 NXDOMAIN steps + the name as given, A and AAAA each), chains of
 * different clients interleaved, about 20 k queries/s in event time. Run with
 * {@code bench/jmh.sh ChainDetector -prof gc} for time and bytes allocated per event. The node registers no chain
 * listener (chains are read from the recent ring when the page asks), so {@link #mixedStream} has none either;
 * {@link #mixedStreamWithListener} shows what building every chain's {@link SearchChain} for a listener costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChainDetectorBenchmark {

    private static final int EVENTS = 1 << 16;
    private static final int CLIENTS = 200;
    private static final long T0 = 1_767_225_600_000L;

    private QueryEvent[] mixed;
    private QueryEvent[] hits;
    private int next;
    private ChainDetector detector;
    private ChainDetector listened;
    private ChainDetector idle;
    long chains;

    @Setup
    public void setup() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        InetAddress[] clients = new InetAddress[CLIENTS];
        String[] namespaces = {"default", "shop", "web", "kube-system"};
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = InetAddress.getByAddress(new byte[] {10, (byte) 244, (byte) (i / 100), (byte) (i % 100 + 2)});
        }
        String[] lone = new String[500];
        for (int i = 0; i < lone.length; i++) {
            lone[i] = i % 2 == 0 ? "svc-" + i + ".default.svc.cluster.local." : "api" + i + ".example.com.";
        }
        // per client: the chain events still to send, as a queue
        List<List<QueryEvent>> pending = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            pending.add(new ArrayList<>());
        }
        mixed = new QueryEvent[EVENTS];
        hits = new QueryEvent[EVENTS];
        for (int n = 0; n < EVENTS; n++) {
            long t = T0 + n / 20;
            int c = rnd.nextInt(CLIENTS);
            hits[n] = event(n, t, clients[c], lone[rnd.nextInt(lone.length)], Type.A, Rcode.NOERROR);
            if (rnd.nextInt(100) >= 20) {
                mixed[n] = hits[n];
                continue;
            }
            List<QueryEvent> q = pending.get(c);
            if (q.isEmpty()) {
                String base = "ext" + rnd.nextInt(300) + ".example.org";
                String ns = namespaces[c % namespaces.length];
                for (String name : new String[] {base + "." + ns + ".svc.cluster.local.", base + ".svc.cluster.local.",
                        base + ".cluster.local.", base + "."}) {
                    int rcode = name.length() == base.length() + 1 ? Rcode.NOERROR : Rcode.NXDOMAIN;
                    q.add(event(0, 0, clients[c], name, Type.A, rcode));
                    q.add(event(0, 0, clients[c], name, Type.AAAA, rcode));
                }
            }
            QueryEvent s = q.remove(0);
            mixed[n] = event(n, t, s.clientAddress(), s.qname(), s.qtype(), s.rcode());
        }
        detector = new ChainDetector();
        listened = new ChainDetector();
        listened.addListener(chain -> chains++);
        idle = new ChainDetector();
    }

    private static QueryEvent event(long seq, long t, InetAddress client, String qname, int qtype, int rcode) {
        return new QueryEvent(seq, t, client, 40000 + (int) (seq & 0x3fff), (int) seq & 0xffff, qname, qtype, 1,
                Transport.UDP, 40, false, 1232, rcode, 0x8180, 120, 40_000, CacheOutcome.HIT, null, ".");
    }

    /** The node-like mix: per event, lone hits and chain steps together. */
    @Benchmark
    public void mixedStream() {
        detector.onEvent(mixed[next]);
        if (++next == EVENTS) {
            next = 0;
            // event time restarts with the array: close what is open so it does not look like a gap backwards
            detector.tick(Long.MAX_VALUE / 2);
        }
    }

    /** The same stream with a chain listener, which gets each chain as a {@link SearchChain}. */
    @Benchmark
    public void mixedStreamWithListener() {
        listened.onEvent(mixed[next]);
        if (++next == EVENTS) {
            next = 0;
            listened.tick(Long.MAX_VALUE / 2);
        }
    }

    /** Lone hits with no chain open anywhere: the cheapest path. */
    @Benchmark
    public void loneHits() {
        idle.onEvent(hits[next]);
        if (++next == EVENTS) {
            next = 0;
        }
    }
}
