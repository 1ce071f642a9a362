package io.nodecache.dns.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.Transport;
import io.nodecache.testing.MutableClock;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class QueryEventRingTest {

    private final QueryEventRing ring = new QueryEventRing(8, new MutableClock());

    @Test
    void readsWhatWasPublishedAndNothingBeyond() throws Exception {
        long start = ring.head();
        publish("A.Example.", Rcode.NXDOMAIN);

        QueryEvent e = ring.read(start);
        assertEquals("A.Example.", e.qname());
        assertEquals(Type.A, e.qtype());
        assertEquals(Rcode.NXDOMAIN, e.rcode());
        assertEquals(start, e.sequence());
        assertNull(ring.read(start + 1), "not yet published");
    }

    @Test
    void aReaderLappedByWritersLearnsHowManyItLostAndWhereToResume() throws Exception {
        long start = ring.head();
        for (int i = 0; i < 20; i++) {
            publish("n" + i + ".example.", Rcode.NOERROR);
        }
        QueryEventRing.LostEventsException lost = assertThrows(QueryEventRing.LostEventsException.class,
                () -> ring.read(start));
        assertEquals(13, lost.resumeAt() - start);
        assertEquals(13, lost.lost());
        assertEquals("n13.example.", ring.read(lost.resumeAt()).qname());
    }

    @Test
    void filteredReadsSkipWithoutBuildingTheEvent() throws Exception {
        long start = ring.head();
        publish("a.example.", Rcode.NOERROR);
        assertSame(QueryEventRing.SKIPPED, ring.read(start, zone -> false));
        assertEquals("a.example.", ring.read(start, zone -> true).qname());
    }

    @Test
    void concurrentWritersNeverProduceATornEvent() throws Exception {
        QueryEventRing big = new QueryEventRing(1 << 10, new MutableClock());
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            String name = "writer" + w + ".example.";
            writers[w] = new Thread(() -> {
                Exchange ex = exchange(name, Rcode.NOERROR);
                byte[] answer = answerFor(ex);
                for (int i = 0; i < 200_000; i++) {
                    big.publish(ex, answer, answer.length, i);
                }
            });
        }
        for (Thread t : writers) {
            t.start();
        }
        long cursor = 0;
        AtomicLong seen = new AtomicLong();
        long lostTotal = 0;
        while (cursor < 400_000) {
            try {
                QueryEvent e = big.read(cursor);
                if (e == null) {
                    if (!writers[0].isAlive() && !writers[1].isAlive() && cursor >= big.head()) {
                        break;
                    }
                    continue;
                }
                assertTrue(e.qname().equals("writer0.example.") || e.qname().equals("writer1.example."), e.qname());
                seen.incrementAndGet();
                cursor++;
            } catch (QueryEventRing.LostEventsException lost) {
                lostTotal += lost.lost();
                cursor = lost.resumeAt();
            }
        }
        for (Thread t : writers) {
            t.join();
        }
        assertEquals(400_000, seen.get() + lostTotal);
    }

    private void publish(String name, int rcode) {
        Exchange ex = exchange(name, rcode);
        byte[] answer = answerFor(ex);
        ring.publish(ex, answer, answer.length, 1000);
    }

    private static Exchange exchange(String name, int rcode) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            q.getHeader().setRcode(rcode);
            byte[] wire = q.toWire();
            return Exchange.of(wire, wire.length, new InetSocketAddress("127.0.0.1", 5353), Transport.UDP,
                    Responder.NONE, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query's own bytes with QR set serve as an answer carrying the wanted rcode. */
    private static byte[] answerFor(Exchange ex) {
        byte[] answer = java.util.Arrays.copyOf(ex.request(), ex.requestLength());
        answer[2] |= (byte) 0x80;
        return answer;
    }
}
