package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.Transport;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The dispatcher's pause between polls follows the event rate: a node at a thousand queries a second wakes it about
 * ten times a second, not fifty, and a rate that would overrun the ring during a long pause shortens it, so nothing
 * is lost.
 */
class DispatcherPauseTest {

    @Test
    @Timeout(60)
    void aSlowSteadyRateIsGatheredIntoFewWakeUps() throws Exception {
        try (Fixture f = new Fixture(1 << 13)) {
            f.publishFor(1, 1, TimeUnit.SECONDS); // settles the pause
            long pausesBefore = f.dispatcher.pauses();
            long published = f.publishFor(1, 3, TimeUnit.SECONDS);
            long pauses = f.dispatcher.pauses() - pausesBefore;
            f.awaitDelivered();
            System.out.printf("%d events in 3 s, %d pauses%n", published, pauses);
            assertTrue(published > 1500, "the publisher kept roughly a thousand a second: " + published);
            // 100 ms pauses: ~30 in 3 s; the old fixed 20 ms poll made 150
            assertTrue(pauses <= 45, "at most ~10 pauses a second at this rate: " + pauses);
            assertEquals(0, f.dispatcher.lost());
        }
    }

    @Test
    @Timeout(60)
    void aFastRateShortensThePauseSoTheSmallRingLosesNothing() throws Exception {
        // 1 024 slots: at 30 events a millisecond a 100 ms pause would overwrite two thirds of them
        try (Fixture f = new Fixture(1 << 10)) {
            f.publishFor(1, 1, TimeUnit.SECONDS); // slow first, so the pause starts long
            long published = f.publishFor(30, 2, TimeUnit.SECONDS);
            f.awaitDelivered();
            System.out.printf("%d events in 2 s, %d lost%n", published, f.dispatcher.lost());
            assertTrue(published > 20_000, "the publisher kept a fast rate: " + published);
            assertEquals(0, f.dispatcher.lost(), "the pause shrank to fit the ring");
        }
    }

    private static final class Fixture implements AutoCloseable {
        final QueryEventRing ring;
        final QueryEventDispatcher dispatcher;
        final AtomicLong seen = new AtomicLong();
        final Exchange ex;
        final byte[] answer;
        long published;

        Fixture(int capacity) throws Exception {
            ring = new QueryEventRing(capacity, Clock.systemUTC());
            dispatcher = new QueryEventDispatcher(ring);
            dispatcher.subscribe(new QueryEventListener() {
                @Override
                public void onRaw(RawQueryEvent event) {
                    seen.incrementAndGet();
                }
            });
            dispatcher.start();
            byte[] wire = Message.newQuery(Record.newRecord(Name.fromString("svc.ns.svc.cluster.local."), Type.A,
                    DClass.IN)).toWire();
            ex = Exchange.of(wire, wire.length, new InetSocketAddress("10.0.0.1", 40000), Transport.UDP,
                    Responder.NONE, null);
            answer = Arrays.copyOf(ex.request(), ex.requestLength());
            answer[2] |= (byte) 0x80;
        }

        /** Publishes {@code perMilli} events about every millisecond for the given time; returns how many. */
        long publishFor(int perMilli, long time, TimeUnit unit) {
            long end = System.nanoTime() + unit.toNanos(time);
            long n = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < perMilli; i++) {
                    ring.publish(ex, answer, answer.length, 10_000);
                }
                n += perMilli;
                LockSupport.parkNanos(1_000_000);
            }
            published += n;
            return n;
        }

        void awaitDelivered() throws InterruptedException {
            for (int i = 0; i < 100 && seen.get() + dispatcher.lost() < published; i++) {
                Thread.sleep(50);
            }
            assertEquals(published, seen.get() + dispatcher.lost(), "every event was seen or counted lost");
        }

        @Override
        public void close() {
            dispatcher.close();
        }
    }
}
