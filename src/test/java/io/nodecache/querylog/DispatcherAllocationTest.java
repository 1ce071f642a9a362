package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.Transport;
import io.nodecache.searchpath.ChainDetector;
import io.nodecache.searchpath.ChainFeed;
import io.nodecache.stats.EventCounters;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * With query logging on, the dispatcher counts, writes CoreDNS lines and keeps recent rows for cache hits without
 * allocating per event: what logging costs is formatting, not garbage collection.
 */
class DispatcherAllocationTest {

    private static final int EVENTS = 20_000;

    @Test
    @Timeout(60)
    void loggingAHitAllocatesNothingPerEvent() throws Exception {
        QueryEventRing ring = new QueryEventRing(1 << 14, Clock.systemUTC());
        LoggingSwitch logging = new LoggingSwitch(Clock.systemUTC());
        logging.enable(Duration.ofMinutes(15), LoggingSwitch.Format.COREDNS);
        CountingStream stdout = new CountingStream();
        QueryLogBuffer recent = new QueryLogBuffer(10_000, logging);
        EventCounters counters = new EventCounters();
        try (QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring)) {
            dispatcher.subscribe(counters);
            dispatcher.subscribe(new StdoutQueryLog(new PrintStream(stdout, false), logging));
            dispatcher.subscribe(recent);
            dispatcher.start();

            Exchange[] hits = new Exchange[8];
            for (int i = 0; i < hits.length; i++) {
                hits[i] = hit("svc-" + i + ".ns-1.svc.cluster.local.", new InetSocketAddress("10.0.0." + (i + 1), 40000 + i));
            }
            byte[][] answers = Arrays.stream(hits).map(DispatcherAllocationTest::answerFor).toArray(byte[][]::new);
            publish(ring, dispatcher, hits, answers, 60_000);   // warm: classes loaded, code compiled, rows filled

            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = mx.getThreadAllocatedBytes(dispatcher.threadId());
            publish(ring, dispatcher, hits, answers, EVENTS);
            long allocated = mx.getThreadAllocatedBytes(dispatcher.threadId()) - before;

            assertEquals(0, dispatcher.lost(), "the test publishes no faster than the dispatcher reads");
            assertTrue(allocated / (double) EVENTS < 8, allocated + " bytes for " + EVENTS + " logged events");
            for (int i = 0; i < 250 && counters.totals().queries() < 80_000; i++) {
                Thread.sleep(20);   // totals are published when the dispatcher idles
            }
            assertEquals(80_000, counters.totals().queries());
            assertEquals(10_000, recent.size());
            assertTrue(stdout.lines > 0, "lines were written");
        }
    }

    @Test
    @Timeout(60)
    void searchChainsAreFollowedWithNoAllocationPerEvent() throws Exception {
        QueryEventRing ring = new QueryEventRing(1 << 14, Clock.systemUTC());
        ChainDetector chains = new ChainDetector();
        try (QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring)) {
            dispatcher.subscribe(new EventCounters());
            dispatcher.subscribe(new ChainFeed(chains));
            dispatcher.start();

            // What a pod with ndots:5 in namespace default sends for www.example and api.example, A then AAAA.
            String[] suffixes = {".default.svc.cluster.local.", ".svc.cluster.local.", ".cluster.local.", "."};
            java.util.List<Exchange> steps = new java.util.ArrayList<>();
            java.util.List<byte[]> answers = new java.util.ArrayList<>();
            for (String base : new String[] {"www.example", "api.example"}) {
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    for (int i = 0; i < suffixes.length; i++) {
                        Exchange ex = query(base + suffixes[i], type, new InetSocketAddress("10.0.0.9", 40000));
                        steps.add(ex);
                        byte[] answer = answerFor(ex);
                        answer[3] = (byte) ((answer[3] & 0xF0) | (i < 3 ? Rcode.NXDOMAIN : Rcode.NOERROR));
                        answers.add(answer);
                    }
                }
            }
            Exchange[] all = steps.toArray(Exchange[]::new);
            byte[][] replies = answers.toArray(byte[][]::new);
            publish(ring, dispatcher, all, replies, 64_000);

            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long seenBefore = chains.chainsSeen();
            long before = mx.getThreadAllocatedBytes(dispatcher.threadId());
            publish(ring, dispatcher, all, replies, EVENTS);
            long allocated = mx.getThreadAllocatedBytes(dispatcher.threadId()) - before;

            assertEquals(0, dispatcher.lost());
            assertTrue(chains.chainsSeen() - seenBefore >= EVENTS / 4 - 2,
                    (chains.chainsSeen() - seenBefore) + " chains for " + EVENTS + " events");
            assertTrue(allocated / (double) EVENTS < 8, allocated + " bytes for " + EVENTS + " chain events");
        }
    }

    private static Exchange query(String name, int type, InetSocketAddress client) throws Exception {
        byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
        return Exchange.of(wire, wire.length, client, Transport.UDP, Responder.NONE, null);
    }

    private static void publish(QueryEventRing ring, QueryEventDispatcher dispatcher, Exchange[] hits,
            byte[][] answers, int n) throws InterruptedException {
        long start = dispatcher.delivered() + dispatcher.lost();
        for (int i = 0; i < n; i++) {
            int k = i % hits.length;
            ring.publish(hits[k], answers[k], answers[k].length, 20_000);
            if ((i & 1023) == 1023) {
                // Stay well within the ring, so the dispatcher never loses events to this test.
                while (dispatcher.delivered() + dispatcher.lost() < start + i - 4096) {
                    Thread.sleep(0, 100_000);
                }
            }
        }
        while (dispatcher.delivered() + dispatcher.lost() < start + n) {
            Thread.sleep(1);
        }
    }

    private static Exchange hit(String name, InetSocketAddress client) throws Exception {
        byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
        return Exchange.of(wire, wire.length, client, Transport.UDP, Responder.NONE, null);
    }

    private static byte[] answerFor(Exchange ex) {
        byte[] answer = Arrays.copyOf(ex.request(), ex.requestLength());
        answer[2] |= (byte) 0x80;
        return answer;
    }

    private static final class CountingStream extends ByteArrayOutputStream {
        volatile long lines;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    lines++;
                }
            }
        }
    }
}
