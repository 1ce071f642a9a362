package io.nodecache.dns.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

class ZoneAnswererTest {

    private static final ZoneAnswerer ANSWERER = new ZoneAnswerer(List.of(testZone(), nestedZone()));
    private static final ZoneAnswerer DEMO = new ZoneAnswerer(DemoZones.all());

    /** example. with SOA TTL 300 and MINIMUM 60, so negative answers must show TTL 60 (RFC 2308 §3). */
    static Zone testZone() {
        return zone("example.", """
                @ 300 IN SOA ns.example. hostmaster.example. 1 7200 1800 86400 60
                @ 300 IN NS ns.example.
                ns 300 IN A 192.0.2.53
                a 30 IN A 192.0.2.1
                a 30 IN A 192.0.2.2
                alias 30 IN CNAME a.example.
                chain 30 IN CNAME alias.example.
                dangling 30 IN CNAME nothing.example.
                out 30 IN CNAME target.elsewhere.
                loop1 30 IN CNAME loop2.example.
                loop2 30 IN CNAME loop1.example.
                mail 30 IN MX 10 a.example.
                _http._tcp.web 30 IN SRV 0 100 80 a.example.
                sub 300 IN NS ns.sub.example.
                ns.sub 300 IN A 192.0.2.54
                inner 30 IN CNAME x.nested.example.
                """);
    }

    /** nested.example., a zone inside example. on the same server: the deepest origin must answer. */
    static Zone nestedZone() {
        return zone("nested.example.", """
                @ 120 IN SOA ns.example. hostmaster.example. 1 7200 1800 86400 10
                @ 120 IN NS ns.example.
                x 30 IN A 192.0.2.99
                """);
    }

    static Zone zone(String origin, String text) {
        try {
            return new Zone(Name.fromString(origin), new java.io.ByteArrayInputStream(
                    ("$ORIGIN " + origin + "\n" + text).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message query(String name, int type) {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
            query.getHeader().setFlag(Flags.RD);
            return query;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sections summarised as "TYPE owner" lines, so rows stay readable. */
    static String summary(Message message, int section) {
        return message.getSection(section).stream()
                .filter(r -> r.getType() != Type.OPT)
                .map(r -> Type.string(r.getType()) + " " + r.getName())
                .collect(Collectors.joining(", "));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, qname, qtype, rcode, aa, answer summary, authority summary
                Arguments.of("A hit", "a.example.", Type.A, Rcode.NOERROR, true,
                        "A a.example., A a.example.", ""),
                Arguments.of("CNAME chased inside the zone", "alias.example.", Type.A, Rcode.NOERROR, true,
                        "CNAME alias.example., A a.example., A a.example.", ""),
                Arguments.of("CNAME chain of two", "chain.example.", Type.A, Rcode.NOERROR, true,
                        "CNAME chain.example., CNAME alias.example., A a.example., A a.example.", ""),
                Arguments.of("CNAME asked for itself", "alias.example.", Type.CNAME, Rcode.NOERROR, true,
                        "CNAME alias.example.", ""),
                Arguments.of("CNAME to a missing name is NXDOMAIN (RFC 6604)", "dangling.example.", Type.A,
                        Rcode.NXDOMAIN, true, "CNAME dangling.example.", "SOA example."),
                Arguments.of("CNAME leaving our zones stops there", "out.example.", Type.A, Rcode.NOERROR, true,
                        "CNAME out.example.", ""),
                Arguments.of("CNAME loop ends", "loop1.example.", Type.A, Rcode.NOERROR, true,
                        "CNAME loop1.example., CNAME loop2.example.", ""),
                Arguments.of("CNAME into a nested zone", "inner.example.", Type.A, Rcode.NOERROR, true,
                        "CNAME inner.example., A x.nested.example.", ""),
                Arguments.of("NXDOMAIN", "missing.example.", Type.A, Rcode.NXDOMAIN, true, "", "SOA example."),
                Arguments.of("NODATA", "a.example.", Type.AAAA, Rcode.NOERROR, true, "", "SOA example."),
                Arguments.of("empty non-terminal is NODATA", "_tcp.web.example.", Type.A, Rcode.NOERROR, true,
                        "", "SOA example."),
                Arguments.of("delegation", "host.sub.example.", Type.A, Rcode.NOERROR, false, "",
                        "NS sub.example."),
                Arguments.of("nested zone answers its own names", "missing.nested.example.", Type.A,
                        Rcode.NXDOMAIN, true, "", "SOA nested.example."),
                Arguments.of("outside all zones", "www.elsewhere.", Type.A, Rcode.REFUSED, false, "", ""),
                Arguments.of("zone transfer refused", "example.", Type.AXFR, Rcode.REFUSED, false, "", ""),
                Arguments.of("apex SOA", "example.", Type.SOA, Rcode.NOERROR, true, "SOA example.", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answers(String name, String qname, int qtype, int rcode, boolean aa, String answer, String authority) {
        Message query = query(qname, qtype);
        Message response = ANSWERER.answer(query);

        assertEquals(Rcode.string(rcode), Rcode.string(response.getRcode()));
        assertEquals(aa, response.getHeader().getFlag(Flags.AA), "AA");
        assertTrue(response.getHeader().getFlag(Flags.QR));
        assertTrue(response.getHeader().getFlag(Flags.RD), "RD copied");
        assertEquals(query.getHeader().getID(), response.getHeader().getID());
        assertEquals(query.getQuestion(), response.getQuestion());
        assertEquals(answer, summary(response, Section.ANSWER));
        assertEquals(authority, summary(response, Section.AUTHORITY));
    }

    @Test
    void negativeSoaTtlIsTheLesserOfTtlAndMinimum() {
        SOARecord soa = (SOARecord) ANSWERER.answer(query("missing.example.", Type.A))
                .getSection(Section.AUTHORITY).get(0);
        assertEquals(60, soa.getTTL());
        assertEquals(60, soa.getMinimum());

        // cluster.local.: SOA TTL 5 and MINIMUM 5, as CoreDNS's kubernetes plugin serves it.
        SOARecord cluster = (SOARecord) DEMO.answer(query("nope.default.svc.cluster.local.", Type.A))
                .getSection(Section.AUTHORITY).get(0);
        assertEquals(5, cluster.getTTL());
    }

    @Test
    void questionCaseIsPreserved() {
        Message response = ANSWERER.answer(query("A.ExAmPlE.", Type.A));
        assertEquals("A.ExAmPlE.", response.getQuestion().getName().toString());
        assertEquals(2, response.getSection(Section.ANSWER).size());
    }

    @Test
    void nonQueryOpcodeIsNotImplemented() {
        Message query = query("a.example.", Type.A);
        query.getHeader().setOpcode(Opcode.UPDATE);
        Message response = ANSWERER.answer(query);
        assertEquals(Rcode.NOTIMP, response.getRcode());
        assertEquals(Opcode.UPDATE, response.getHeader().getOpcode());
        assertTrue(response.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void questionCountOtherThanOneIsFormatError() throws IOException {
        Message none = new Message();
        assertEquals(Rcode.FORMERR, ANSWERER.answer(none).getRcode());
        assertNull(ANSWERER.answer(none).getQuestion());

        Message two = query("a.example.", Type.A);
        two.addRecord(Record.newRecord(Name.fromString("alias.example."), Type.A, DClass.IN), Section.QUESTION);
        assertEquals(Rcode.FORMERR, ANSWERER.answer(new Message(two.toWire())).getRcode());
    }

    @Test
    void optIsEchoedWithDoBitOnlyWhenQueryHadOne() {
        Message plain = ANSWERER.answer(query("a.example.", Type.A));
        assertNull(plain.getOPT());

        Message edns = query("a.example.", Type.A);
        edns.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        OPTRecord opt = ANSWERER.answer(edns).getOPT();
        assertEquals(ZoneAnswerer.EDNS_PAYLOAD, opt.getPayloadSize());
        assertEquals(ExtendedFlags.DO, opt.getFlags() & ExtendedFlags.DO);
    }

    @Test
    void unknownEdnsVersionIsBadvers() throws IOException {
        Message query = query("a.example.", Type.A);
        query.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
        Message response = new Message(ANSWERER.answer(query).toWire());
        assertEquals(Rcode.BADVERS, response.getRcode());
        assertTrue(response.getSection(Section.ANSWER).isEmpty());
    }

    @Test
    void delegationCarriesGlue() {
        Message response = ANSWERER.answer(query("host.sub.example.", Type.A));
        assertEquals("A ns.sub.example.", summary(response, Section.ADDITIONAL));
    }

    @Test
    void srvAndMxTargetsGetAddressesInAdditional() {
        assertEquals("A a.example., A a.example.",
                summary(ANSWERER.answer(query("_http._tcp.web.example.", Type.SRV)), Section.ADDITIONAL));
        assertEquals("A a.example., A a.example.",
                summary(ANSWERER.answer(query("mail.example.", Type.MX)), Section.ADDITIONAL));
    }

    @Test
    void classOtherThanInIsRefused() throws IOException {
        Message query = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, DClass.CH));
        Message response = ANSWERER.answer(query);
        assertEquals(Rcode.REFUSED, response.getRcode());
        assertFalse(response.getHeader().getFlag(Flags.AA));
    }
}
