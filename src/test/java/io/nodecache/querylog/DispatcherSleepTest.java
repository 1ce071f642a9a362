package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.QueryEventRing;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.Transport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * An idle dispatcher sleeps on the ring instead of polling it, and the first event after the quiet still reaches
 * the listeners (the writer wakes it).
 */
class DispatcherSleepTest {

    @Test
    @Timeout(60)
    void idleDispatcherSleepsOnTheRingAndTheNextEventStillArrives() throws Exception {
        QueryEventRing ring = new QueryEventRing(1 << 10, Clock.systemUTC());
        LinkedBlockingQueue<QueryEvent> seen = new LinkedBlockingQueue<>();
        try (QueryEventDispatcher dispatcher = new QueryEventDispatcher(ring)) {
            dispatcher.subscribe(new QueryEventListener() {
                @Override
                public boolean wants(io.nodecache.dns.event.RawQueryEvent event) {
                    return true;
                }

                @Override
                public void onEvent(QueryEvent e) {
                    seen.add(e);
                }
            });
            dispatcher.start();
            Exchange ex = query("svc.ns.svc.cluster.local.");
            byte[] answer = Arrays.copyOf(ex.request(), ex.requestLength());
            answer[2] |= (byte) 0x80;

            for (int round = 0; round < 2; round++) {
                // Quiet for longer than the dispatcher polls before it goes to sleep.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!asleepOnRing(dispatcher) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(asleepOnRing(dispatcher), "the idle dispatcher parks on the ring, round " + round);

                ring.publish(ex, answer, answer.length, 10_000);
                QueryEvent e = seen.poll(10, TimeUnit.SECONDS);
                assertTrue(e != null, "the first event after the quiet is delivered, round " + round);
                assertEquals("svc.ns.svc.cluster.local.", e.qname());
            }
            // counted just after the listeners saw it
            for (int i = 0; i < 100 && dispatcher.delivered() < 2; i++) {
                Thread.sleep(50);
            }
            assertEquals(2, dispatcher.delivered());
        }
    }

    private static boolean asleepOnRing(QueryEventDispatcher dispatcher) {
        ThreadInfo info = ManagementFactory.getThreadMXBean().getThreadInfo(dispatcher.threadId());
        return info != null && info.getThreadState() == Thread.State.TIMED_WAITING
                && QueryEventRing.class.getName().equals(info.getLockName() == null ? null
                        : info.getLockName().replaceAll("@.*$", ""));
    }

    private static Exchange query(String name) throws Exception {
        byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
        return Exchange.of(wire, wire.length, new InetSocketAddress("10.0.0.1", 40000), Transport.UDP,
                Responder.NONE, null);
    }
}
