package io.nodecache.dns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nodecache.dns.wire.QueryView.Verdict;
import io.nodecache.dns.wire.Wire;
import io.nodecache.dns.wire.WirePackets;
import io.nodecache.dns.wire.WirePackets.Mutation;
import io.nodecache.dns.wire.WirePackets.Query;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * How a packet becomes a verdict and the verdict an outcome ({@link Exchange#reset}, {@link Dispatch}): for any
 * bytes, on either transport, exactly one of the documented outcomes happens — dropped and counted, or one answer
 * (FORMERR, NOTIMP, REFUSED, or the block's answer shaped for this client) that dnsjava reads, with the client's ID —
 * and nothing escapes. The block here answers every query it gets with an A record, through the same shaping
 * ({@link Responses#shape}) a cache hit or an upstream answer takes.
 */
class DispatchPropertiesTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5300);

    @Provide
    Arbitrary<Query> queries() {
        return WirePackets.queries();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return WirePackets.mutations().list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 2000)
    void anyBytesEndInOneDocumentedOutcome(@ForAll @Size(max = 600) byte[] packet, @ForAll Transport transport)
            throws IOException {
        outcome(packet, transport);
    }

    @Property(tries = 4000)
    void mutatedQueriesEndInOneDocumentedOutcome(@ForAll("queries") Query q, @ForAll("mutations") List<Mutation> ms,
            @ForAll Transport transport) throws IOException {
        outcome(WirePackets.mutate(q.wire(), ms), transport);
    }

    @Property(tries = 2000)
    void validQueriesInTheZoneAreAnsweredForThisClient(@ForAll("queries") Query q, @ForAll Transport transport)
            throws IOException {
        byte[] wire = q.wire();
        Sent sent = outcome(wire, transport);
        assertThat(sent.bytes).isNotNull();
        Message answer = new Message(sent.bytes);
        Message query = new Message(wire);
        assertEquals(query.getQuestion(), answer.getQuestion());
        assertEquals(Rcode.NOERROR, answer.getRcode());
        if (!answer.getHeader().getFlag(org.xbill.DNS.Flags.TC)) {
            assertEquals(1, answer.getSection(Section.ANSWER).size());
        }
        assertEquals(q.ednsSize() >= 0, answer.getOPT() != null, "an OPT back exactly when the client sent one");
    }

    private record Sent(byte[] bytes, int count) {}

    private static Sent outcome(byte[] packet, Transport transport) throws IOException {
        ServerCounters counters = new ServerCounters();
        List<byte[]> sent = new ArrayList<>();
        Responder responder = (ex, bytes, len) -> sent.add(Arrays.copyOf(bytes, len));
        // The root zone: every readable query reaches the block; a second router with no zone refuses everything.
        QueryHandler block = ex -> {
            try {
                byte[] question = Arrays.copyOf(ex.request(), ex.query().questionEnd());
                Wire.putU16(question, 6, 0);
                Wire.putU16(question, 8, 0);
                Wire.putU16(question, 10, 0);
                Message m = new Message(question);
                Message r = new Message(m.getHeader().getID());
                r.getHeader().setFlag(org.xbill.DNS.Flags.QR);
                r.addRecord(m.getQuestion(), Section.QUESTION);
                r.addRecord(new ARecord(m.getQuestion().getName(), m.getQuestion().getDClass(), 30,
                        java.net.InetAddress.getByName("192.0.2.1")), Section.ANSWER);
                byte[] w = r.toWire();
                ex.respond(w, w.length);
            } catch (IOException e) {
                throw new AssertionError("the view said OK but dnsjava cannot read the question", e);
            }
        };
        Router router = new Router(Map.of(".", block), counters);
        Exchange ex = transport == Transport.UDP
                ? Exchange.reusable(Transport.UDP, responder, null) : null;
        Verdict verdict;
        if (ex != null) {
            verdict = ex.reset(packet, packet.length, CLIENT, System.nanoTime());
        } else {
            ex = Exchange.of(packet, packet.length, CLIENT, Transport.TCP, responder, null);
            verdict = ex.verdict();
        }
        boolean answered = Dispatch.dispatch(verdict, ex, router, counters);

        assertEquals(verdict != Verdict.DROP, answered);
        assertEquals(answered ? 1 : 0, sent.size(), "one answer or none");
        assertEquals(answered ? 0 : 1, counters.malformedDropped(transport), "a drop is counted on its transport");
        assertEquals(0, counters.malformedDropped(transport == Transport.UDP ? Transport.TCP : Transport.UDP));
        assertEquals(0, counters.handlerErrors(), "no stage threw");
        if (!answered) {
            return new Sent(null, 0);
        }
        byte[] a = sent.get(0);
        Message m = new Message(a);
        assertEquals(Wire.id(packet), m.getHeader().getID());
        assertThat(m.getHeader().getFlag(org.xbill.DNS.Flags.QR)).isTrue();
        int expected = switch (verdict) {
            case FORMERR -> Rcode.FORMERR;
            case NOTIMP -> Rcode.NOTIMP;
            default -> Rcode.NOERROR;
        };
        assertEquals(expected, m.getRcode());
        assertEquals(verdict == Verdict.FORMERR ? 1 : 0, counters.formErr(transport));
        assertEquals(verdict == Verdict.NOTIMP ? 1 : 0, counters.notImp());
        if (transport == Transport.UDP) {
            assertThat(a.length).isLessThanOrEqualTo(Math.max(512, ex.query().udpSize()));
        }
        return new Sent(a, 1);
    }
}
