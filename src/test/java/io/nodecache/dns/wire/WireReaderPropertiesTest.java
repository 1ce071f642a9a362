package io.nodecache.dns.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nodecache.dns.wire.QueryView.Verdict;
import io.nodecache.dns.wire.WirePackets.Mutation;
import io.nodecache.dns.wire.WirePackets.Query;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The hand-written wire reader against dnsjava, on generated queries and on every way a packet goes bad: it reads
 * valid queries exactly as dnsjava does, and for anything else it gives a verdict (drop, FORMERR, NOTIMP, OK) and
 * nothing else: no exception, no endless loop, no read outside the packet.
 */
class WireReaderPropertiesTest {

    private static final ExecutorService BOUNDED = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wire-property");
        t.setDaemon(true);
        return t;
    });

    @AfterContainer
    static void stop() {
        BOUNDED.shutdownNow();
    }

    @Provide
    Arbitrary<Query> queries() {
        return WirePackets.queries();
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        return WirePackets.mutations().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<byte[]> headerish() {
        // Random bytes behind a header that claims one question, so the reader gets past the first checks.
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300).map(tail -> {
            byte[] b = WirePackets.concat(new byte[12], tail);
            b[0] = (byte) tail.length;
            b[5] = 1;
            return b;
        });
    }

    @Property(tries = 3000)
    void validQueriesReadAsDnsjavaReadsThem(@ForAll("queries") Query q) throws IOException {
        byte[] wire = q.wire();
        QueryView v = new QueryView();
        assertEquals(Verdict.OK, v.parse(wire, wire.length), q.toString());

        Message m = new Message(wire);
        assertEquals(m.getQuestion().getName(), Name.fromString(v.qname()), "name as text, read back");
        assertEquals(q.name(), m.getQuestion().getName());
        assertEquals(q.qtype(), v.qtype());
        assertEquals(q.qclass(), v.qclass());
        assertEquals(q.id(), v.id());
        assertEquals(q.rd(), v.recursionDesired());
        assertEquals(q.cd(), v.checkingDisabled());
        assertEquals(q.ednsSize() >= 0, v.edns());
        if (q.ednsSize() >= 0) {
            assertEquals(Math.max(512, q.ednsSize()), v.udpSize());
            assertEquals(q.dnssecOk(), v.dnssecOk());
        } else {
            assertEquals(512, v.udpSize());
        }
        assertEquals(q.qnameWire().length, v.qnameLength());
        assertEquals(wire.length - (q.ednsSize() >= 0 ? 11 : 0), v.questionEnd());

        // Case-insensitive identity (RFC 4343): the same name in lower case hashes and compares equal.
        int hash = v.qnameHash();
        byte[] lower = wire.clone();
        for (int i = 12; i < v.qnameEnd(); i++) {
            lower[i] = (byte) Wire.lower(lower[i] & 0xFF);
        }
        QueryView lv = new QueryView();
        assertEquals(Verdict.OK, lv.parse(lower, lower.length));
        assertEquals(hash, lv.qnameHash());
        assertThat(v.qnameEqualsIgnoreCase(lower, 12, lv.qnameLength())).isTrue();
    }

    @Property(tries = 3000)
    void arbitraryBytesGetAVerdictAndNothingElse(@ForAll @Size(max = 600) byte[] packet) throws Exception {
        checked(packet);
    }

    @Property(tries = 3000)
    void randomTailsBehindAHeaderGetAVerdictAndNothingElse(@ForAll("headerish") byte[] packet) throws Exception {
        checked(packet);
    }

    @Property(tries = 5000)
    void mutatedQueriesGetAVerdictAndNothingElse(@ForAll("queries") Query q, @ForAll("mutations") List<Mutation> ms)
            throws Exception {
        checked(WirePackets.mutate(q.wire(), ms));
    }

    @Property(tries = 1000)
    void brokenEdnsIsAFormErr(@ForAll("queries") Query generated, @ForAll @IntRange(min = 0, max = 4) int kind) {
        Query q = new Query(generated.qnameWire(), generated.qtype(), generated.qclass(), generated.id(),
                generated.rd(), generated.cd(), -1, false);
        byte[] bad = WirePackets.badOpt(q.wire(), kind);
        assertEquals(Verdict.FORMERR, new QueryView().parse(bad, bad.length), "kind " + kind);
    }

    @Property(tries = 1000)
    void aCompressionPointerInTheQuestionIsAFormErrNeverALoop(@ForAll("queries") Query q,
            @ForAll @IntRange(min = 0, max = 0x3FFF) int target) throws Exception {
        byte[] wire = q.wire();
        // Replace the question name's first label with a pointer; at 12 it points at itself.
        byte[] bad = WirePackets.concat(Arrays.copyOf(wire, 12),
                WirePackets.concat(new byte[] {(byte) (0xC0 | target >>> 8), (byte) target},
                        Arrays.copyOfRange(wire, 12 + q.qnameWire().length, wire.length)));
        assertEquals(Verdict.FORMERR, checked(bad));
    }

    @Property(tries = 500)
    void recordCountsBeyondTheDataEndTheWalk(@ForAll("queries") Query q, @ForAll @IntRange(min = 1, max = 65535)
            int count) throws Exception {
        byte[] wire = q.wire();
        Wire.putU16(wire, 10, count);
        Verdict v = checked(wire);
        // One OPT really is there; a count above one promises records that are not.
        assertEquals(q.ednsSize() >= 0 && count == 1 ? Verdict.OK : Verdict.FORMERR, v);
    }

    /** Reads {@code packet} on a bounded thread (a loop fails the test instead of hanging it) and checks it. */
    private static Verdict checked(byte[] packet) throws Exception {
        Future<Verdict> f = BOUNDED.submit(() -> check(packet));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("the reader did not finish on " + Arrays.toString(packet));
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError("threw on " + Arrays.toString(packet), e.getCause());
        }
    }

    private static Verdict check(byte[] packet) throws IOException {
        QueryView v = new QueryView();
        Verdict verdict = v.parse(packet, packet.length);
        switch (verdict) {
            case DROP -> assertThat(packet.length < 12 || (Wire.flags(packet) & Wire.FLAG_QR) != 0)
                    .as("only short packets and responses are dropped").isTrue();
            case NOTIMP -> assertThat(Wire.opcode(Wire.flags(packet))).isNotZero();
            case FORMERR, OK -> {
                assertThat(Wire.opcode(Wire.flags(packet))).isZero();
                assertThat(Wire.flags(packet) & Wire.FLAG_QR).isZero();
            }
        }
        if (verdict == Verdict.OK) {
            assertThat(v.questionEnd()).isLessThanOrEqualTo(packet.length);
            assertThat(v.qnameLength()).isBetween(1, 255);
            assertEquals(1, Wire.qdcount(packet));
            // What dnsjava reads from the header and question alone must be what we read.
            byte[] question = Arrays.copyOf(packet, v.questionEnd());
            Wire.putU16(question, 6, 0);
            Wire.putU16(question, 8, 0);
            Wire.putU16(question, 10, 0);
            Message m = new Message(question);
            assertEquals(m.getQuestion().getName(), Name.fromString(v.qname()));
            assertEquals(m.getQuestion().getType(), v.qtype());
            assertEquals(m.getQuestion().getDClass(), v.qclass());
            // Zone matching walks the name's labels: never past it.
            Names.isSubdomain(packet, 12, v.qnameEnd(), Names.toWire("cluster.local."));
            Names.isSubdomain(packet, 12, v.qnameEnd(), new byte[] {0});
        }
        if (verdict != Verdict.DROP) {
            // The error answer is a message dnsjava reads, for this client, with the question if it was readable.
            byte[] out = new byte[packet.length + 64];
            int n = Responses.error(v, Rcode.FORMERR, out);
            Message answer = new Message(Arrays.copyOf(out, n));
            assertEquals(Wire.id(packet), answer.getHeader().getID());
            assertEquals(Rcode.FORMERR, answer.getRcode());
            assertEquals(verdict == Verdict.OK || v.questionEnd() > 0 ? 1 : 0, answer.getHeader().getCount(0));
        }
        // The record walker the cache uses on responses ends on any input too.
        RecordWalker w = new RecordWalker();
        int records = 0;
        if (w.reset(packet, packet.length)) {
            while (w.next()) {
                records++;
                assertThat(w.recordEnd()).isLessThanOrEqualTo(packet.length);
            }
        }
        assertThat(records).isLessThanOrEqualTo(65535 * 3);
        return verdict;
    }
}
