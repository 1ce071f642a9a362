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

    @Test
    void aSlotReadInPlaceShowsWhatTheBuiltEventShows() throws Exception {
        String[][] cases = {
            {"Www.Example.", "10.1.2.3"},
            {"odd\\.label.with\\ space.example.", "10.1.2.3"},
            {"\\000\\255.example.", "192.168.0.1"},
            {"v6.example.", "2001:db8::7"},
            {".", "127.0.0.1"}};
        for (String[] c : cases) {
            long seq = ring.head();
            Exchange ex = exchange(c[0], Rcode.NOERROR, new InetSocketAddress(c[1], 40000));
            byte[] answer = answerFor(ex);
            ring.publish(ex, answer, answer.length, 1234);
            QueryEvent built = ring.read(seq);
            byte[] line = new byte[2048];
            byte[] address = new byte[16];
            ring.visit(seq, raw -> {
                assertEquals(built.qname(), new String(line, 0, raw.writeQname(line, 0),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
                assertEquals(built.qname(), raw.qname());
                assertEquals(built.clientAddress(), raw.clientAddress());
                assertEquals(built.clientPort(), raw.clientPort());
                assertEquals(seq, raw.sequence());
                int n = raw.clientAddressBytes(address);
                assertEquals(java.util.Arrays.toString(built.clientAddress().getAddress()),
                        java.util.Arrays.toString(java.util.Arrays.copyOf(address, n)));
            });
        }
    }

    @Test
    void anIpv4ClientIsReadBackAsTheSameCachedObject() throws Exception {
        long seq = ring.head();
        publish("a.example.", Rcode.NOERROR);
        publish("b.example.", Rcode.NOERROR);
        java.net.InetAddress[] seen = new java.net.InetAddress[2];
        ring.visit(seq, raw -> seen[0] = raw.clientAddress());
        ring.visit(seq + 1, raw -> seen[1] = raw.clientAddress());
        assertEquals("127.0.0.1", seen[0].getHostAddress());
        assertSame(seen[0], seen[1]);
    }

    private void publish(String name, int rcode) {
        Exchange ex = exchange(name, rcode);
        byte[] answer = answerFor(ex);
        ring.publish(ex, answer, answer.length, 1000);
    }

    private static Exchange exchange(String name, int rcode) {
        return exchange(name, rcode, new InetSocketAddress("127.0.0.1", 5353));
    }

    private static Exchange exchange(String name, int rcode, InetSocketAddress client) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            q.getHeader().setRcode(rcode);
            byte[] wire = q.toWire();
            return Exchange.of(wire, wire.length, client, Transport.UDP,
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
