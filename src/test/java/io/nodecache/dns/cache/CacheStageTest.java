package io.nodecache.dns.cache;

import static io.nodecache.dns.cache.CacheHarness.a;
import static io.nodecache.dns.cache.CacheHarness.config;
import static io.nodecache.dns.cache.CacheHarness.edns;
import static io.nodecache.dns.cache.CacheHarness.negative;
import static io.nodecache.dns.cache.CacheHarness.query;
import static io.nodecache.dns.cache.CacheHarness.reply;
import static io.nodecache.dns.cache.CacheHarness.withFlag;
import static io.nodecache.dns.cache.CacheHarness.withId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.cache.CacheHarness.Answer;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class CacheStageTest {

    @Test
    void ttlCountsDownWhileServingAndExpires() {
        CacheHarness h = new CacheHarness();
        Answer miss = h.ask(query("www.example."));
        assertEquals(CacheOutcome.MISS, miss.outcome());
        assertEquals(30, miss.ttl());

        h.clock.advanceSeconds(10);
        Answer hit = h.ask(query("www.example."));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(20, hit.ttl());
        assertEquals(1, h.upstream.calls);

        h.clock.advance(Duration.ofMillis(19_999));
        assertEquals(1, h.ask(query("www.example.")).ttl(), "whole seconds elapsed are subtracted");

        h.clock.advance(Duration.ofMillis(1));
        assertEquals(CacheOutcome.MISS, h.ask(query("www.example.")).outcome(), "TTL 0 is expired");
        assertEquals(2, h.upstream.calls);
        assertEquals(2, h.cache.hits(StoreType.SUCCESS), "two hits counted");
    }

    static Stream<Arguments> clamping() {
        return Stream.of(
                // store, upstream TTL, configured max, configured min, expected stored TTL
                Arguments.of(StoreType.SUCCESS, 2, 3600, 5, 5),
                Arguments.of(StoreType.SUCCESS, 7200, 3600, 5, 3600),
                Arguments.of(StoreType.SUCCESS, 100, 60, 5, 60),
                Arguments.of(StoreType.SUCCESS, 7200, 86400, 5, 3600), // MinimalTTL starts at 1 h, as CoreDNS's
                Arguments.of(StoreType.SUCCESS, 100, 30, 60, 30), // the cap wins over the floor
                Arguments.of(StoreType.DENIAL, 1, 1800, 5, 5),
                Arguments.of(StoreType.DENIAL, 4000, 1800, 5, 1800),
                Arguments.of(StoreType.DENIAL, 60, 300, 10, 60));
    }

    @ParameterizedTest
    @MethodSource
    void clamping(StoreType store, long upstreamTtl, long max, long min, long expected) {
        CacheHarness.ConfigBuilder c = config();
        if (store == StoreType.SUCCESS) {
            c.success(100, max, min);
        } else {
            c.denial(100, max, min);
        }
        CacheHarness h = new CacheHarness(c.build());
        h.upstream.answer = store == StoreType.SUCCESS
                ? q -> a(q, upstreamTtl, "192.0.2.1")
                : q -> negative(q, Rcode.NXDOMAIN, upstreamTtl);
        assertEquals(expected, h.ask(query("a.example.")).ttl(), "miss answered with the stored TTL");
        assertEquals(1, h.cache.entries(store));
        Answer hit = h.ask(query("a.example."));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(expected, hit.ttl());
    }

    static Stream<Arguments> denials() {
        return Stream.of(
                Arguments.of("NXDOMAIN", Rcode.NXDOMAIN),
                Arguments.of("NODATA", Rcode.NOERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void denials(String kind, int rcode) {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> negative(q, rcode, 120);
        h.ask(query("nope.example.", Type.AAAA));
        h.clock.advanceSeconds(20);
        Answer hit = h.ask(query("nope.example.", Type.AAAA));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(rcode, hit.rcode());
        assertEquals(100, hit.ttl(), "the SOA's TTL, counted down");
        assertEquals(Type.SOA, hit.msg().getSection(Section.AUTHORITY).get(0).getType());
        assertEquals(1, h.cache.entries(StoreType.DENIAL));
        assertEquals(0, h.cache.entries(StoreType.SUCCESS));
        assertEquals(1, h.cache.hits(StoreType.DENIAL));
        assertEquals(1, h.upstream.calls);
    }

    @Test
    void servfailIsCachedForServfailTtlThenExpires() {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> reply(q, Rcode.SERVFAIL);
        assertEquals(Rcode.SERVFAIL, h.ask(query("broken.example.")).rcode());
        h.clock.advanceSeconds(4);
        Answer hit = h.ask(query("broken.example."));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(Rcode.SERVFAIL, hit.rcode());
        assertEquals(1, h.cache.entries(StoreType.DENIAL));
        h.clock.advanceSeconds(1);
        assertEquals(CacheOutcome.MISS, h.ask(query("broken.example.")).outcome());
        assertEquals(2, h.upstream.calls);
    }

    @Test
    void servfailZeroIsNotCached() {
        CacheHarness h = new CacheHarness(config().servfail(0).build());
        h.upstream.answer = q -> reply(q, Rcode.SERVFAIL);
        h.ask(query("broken.example."));
        assertEquals(CacheOutcome.MISS, h.ask(query("broken.example.")).outcome());
        assertEquals(2, h.upstream.calls);
        assertEquals(0, h.cache.entries(StoreType.DENIAL));
    }

    static Stream<Arguments> neverCached() {
        return Stream.of(
                Arguments.of("truncated", (Function<Message, Message>) q -> {
                    Message r = a(q, 300, "192.0.2.1");
                    r.getHeader().setFlag(Flags.TC);
                    return r;
                }),
                Arguments.of("REFUSED", (Function<Message, Message>) q -> reply(q, Rcode.REFUSED)),
                Arguments.of("FORMERR", (Function<Message, Message>) q -> reply(q, Rcode.FORMERR)),
                Arguments.of("NOTIMP", (Function<Message, Message>) q -> reply(q, Rcode.NOTIMP)),
                Arguments.of("NXDOMAIN without SOA", (Function<Message, Message>) q -> reply(q, Rcode.NXDOMAIN)),
                Arguments.of("opcode NOTIFY", (Function<Message, Message>) q -> {
                    Message r = a(q, 300, "192.0.2.1");
                    r.getHeader().setOpcode(Opcode.NOTIFY);
                    return r;
                }),
                Arguments.of("opcode STATUS", (Function<Message, Message>) q -> {
                    Message r = a(q, 300, "192.0.2.1");
                    r.getHeader().setOpcode(Opcode.STATUS);
                    return r;
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void neverCached(String name, Function<Message, Message> upstream) {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = upstream;
        assertNotNull(h.ask(query("x.example.")));
        assertEquals(CacheOutcome.MISS, h.ask(query("x.example.")).outcome());
        assertEquals(2, h.upstream.calls);
        assertEquals(0, h.cache.entries(StoreType.SUCCESS) + h.cache.entries(StoreType.DENIAL));
        assertEquals(0, h.cache.drops());
    }

    @Test
    void responseForAnotherQuestionIsDroppedAndCounted() {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> a(query("evil.example."), 300, "203.0.113.66");
        Answer answer = h.ask(query("www.example."));
        assertEquals(Rcode.SERVFAIL, answer.rcode(), "the exchange refuses to pass on another question's answer");
        assertEquals(1, h.cache.drops());
        assertTrue(h.events.contains("drop"));
        assertEquals(0, h.cache.entries(StoreType.SUCCESS));
        h.ask(query("www.example."));
        assertEquals(2, h.upstream.calls);
    }

    @Test
    void answerKeepsTheClientsQuestionCaseAndId() {
        CacheHarness h = new CacheHarness();
        h.ask(withId(query("www.example."), 1));
        Answer hit = h.ask(withId(query("WwW.ExAmPle."), 0xBEEF));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(0xBEEF, hit.msg().getHeader().getID());
        assertEquals("WwW.ExAmPle.", hit.msg().getQuestion().getName().toString());
        assertEquals("192.0.2.1", ((org.xbill.DNS.ARecord) hit.answer(0)).getAddress().getHostAddress());
        assertEquals(1, h.upstream.calls);
    }

    @Test
    void hitsAreAuthoritativeMissesAreNot() {
        CacheHarness h = new CacheHarness();
        Answer miss = h.ask(query("www.example."));
        assertFalse(miss.flag(Flags.AA));
        Answer hit = h.ask(query("www.example."));
        assertTrue(hit.flag(Flags.AA), "CoreDNS sets AA on every cached answer");
        assertTrue(hit.flag(Flags.QR));
        assertTrue(hit.flag(Flags.RD));
        assertTrue(hit.flag(Flags.RA));
    }

    @Test
    void doAndCdBitsKeySeparateEntries() {
        CacheHarness h = new CacheHarness();
        Message[] variants = {
            query("www.example."),
            edns(query("www.example."), 1232, true),
            withFlag(query("www.example."), Flags.CD),
            withFlag(edns(query("www.example."), 1232, true), Flags.CD)
        };
        for (Message m : variants) {
            assertEquals(CacheOutcome.MISS, h.ask(m).outcome());
        }
        assertEquals(4, h.cache.entries(StoreType.SUCCESS));
        // EDNS without DO shares the entry of plain queries.
        assertEquals(CacheOutcome.HIT, h.ask(edns(query("www.example."), 1232, false)).outcome());
        for (Message m : variants) {
            Answer hit = h.ask(m);
            assertEquals(CacheOutcome.HIT, hit.outcome());
            assertEquals(m.getHeader().getFlag(Flags.CD), hit.flag(Flags.CD), "CD echoed from the query");
        }
        assertEquals(4, h.upstream.calls);
    }

    @Test
    void optIsAppendedOnlyForEdnsClients() {
        CacheHarness h = new CacheHarness();
        h.ask(edns(query("www.example."), 1232, false)); // upstream answers with its own OPT (4096)
        Answer plain = h.ask(query("www.example."));
        assertEquals(CacheOutcome.HIT, plain.outcome());
        assertNull(plain.msg().getOPT());
        assertEquals(0, plain.msg().getSection(Section.ADDITIONAL).size());

        Answer withEdns = h.ask(edns(query("www.example."), 1400, true));
        Answer again = h.ask(edns(query("www.example."), 1400, false));
        assertEquals(CacheOutcome.HIT, again.outcome());
        assertNotNull(again.msg().getOPT());
        assertEquals(1232, again.msg().getOPT().getPayloadSize(), "our OPT, not the upstream's");
        assertEquals(1, again.msg().getSection(Section.ADDITIONAL).size());
        assertEquals(CacheOutcome.MISS, withEdns.outcome(), "DO=1 is its own entry");
        assertTrue((withEdns.msg().getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0);
    }

    @Test
    void bigAnswersAreTruncatedTo512ForClientsWithoutEdns() {
        CacheHarness h = new CacheHarness();
        String[] ips = new String[40];
        for (int i = 0; i < ips.length; i++) {
            ips[i] = "192.0.2." + (i + 1);
        }
        h.upstream.answer = q -> a(q, 300, ips);
        h.ask(query("big.example."), Transport.TCP);
        Answer udp = h.ask(query("big.example."));
        assertEquals(CacheOutcome.HIT, udp.outcome());
        assertTrue(udp.flag(Flags.TC));
        assertTrue(udp.length() <= 512);
        assertEquals(0, udp.msg().getSection(Section.ANSWER).size());
        assertEquals("big.example.", udp.msg().getQuestion().getName().toString());

        Answer tcp = h.ask(query("big.example."), Transport.TCP);
        assertFalse(tcp.flag(Flags.TC));
        assertEquals(40, tcp.msg().getSection(Section.ANSWER).size());
        Answer edns = h.ask(edns(query("big.example."), 4096, false));
        assertFalse(edns.flag(Flags.TC));
        assertEquals(40, edns.msg().getSection(Section.ANSWER).size());
        assertEquals(1, h.upstream.calls);
    }

    @Test
    void fullStoreEvictsRandomEntries() {
        CacheHarness h = new CacheHarness(config().success(4, 3600, 5).build());
        for (int i = 0; i < 10; i++) {
            h.ask(query("n" + i + ".example."));
            assertTrue(h.cache.entries(StoreType.SUCCESS) <= 4);
        }
        assertEquals(4, h.cache.entries(StoreType.SUCCESS));
        assertEquals(6, h.cache.evictions(StoreType.SUCCESS));
        assertEquals(6, h.events.stream().filter("eviction:success"::equals).count());
        h.upstream.park = true; // misses now store nothing, so asking does not evict
        int hits = 0;
        for (int i = 0; i < 10; i++) {
            Answer answer = h.ask(query("n" + i + ".example."));
            if (answer != null && answer.outcome() == CacheOutcome.HIT) {
                hits++;
            }
        }
        assertEquals(4, hits, "the survivors are still served");
    }

    @Test
    void replacingAnEntryDoesNotEvict() {
        CacheHarness h = new CacheHarness(config().success(2, 3600, 5).build());
        h.ask(query("a.example."));
        h.ask(query("b.example."));
        h.clock.advanceSeconds(31);
        h.ask(query("a.example."));
        assertEquals(0, h.cache.evictions(StoreType.SUCCESS));
        assertEquals(2, h.cache.entries(StoreType.SUCCESS));
    }

    @Test
    void prefetchStartsExactlyWhenDue() {
        // prefetch 2 1m 10%: two hits without a one-minute gap, and at most ceil(10% of 100) = 10 s left.
        CacheHarness h = new CacheHarness(config().prefetch(2, Duration.ofMinutes(1), 10).build());
        h.upstream.answer = q -> a(q, 100, "192.0.2.1");
        h.ask(query("pop.example."));
        h.clock.advanceSeconds(50);
        assertEquals(CacheOutcome.HIT, h.ask(query("pop.example.")).outcome(), "1 hit, 50 s left");
        h.clock.advanceSeconds(39);
        assertEquals(CacheOutcome.HIT, h.ask(query("pop.example.")).outcome(), "2 hits, 11 s left");
        assertEquals(1, h.upstream.calls);
        h.clock.advanceSeconds(1);
        Answer due = h.ask(query("pop.example."));
        assertEquals(CacheOutcome.PREFETCH, due.outcome());
        assertEquals(10, due.ttl(), "the client gets the old entry");
        assertEquals(2, h.upstream.calls);
        assertEquals(1, h.cache.prefetches());

        h.clock.advanceSeconds(1);
        Answer after = h.ask(query("pop.example."));
        assertEquals(CacheOutcome.HIT, after.outcome());
        assertEquals(99, after.ttl(), "the refreshed entry");
        assertEquals(2, h.upstream.calls);
    }

    @Test
    void prefetchNeedsHitsWithoutGaps() {
        CacheHarness h = new CacheHarness(config().prefetch(2, Duration.ofMinutes(1), 10).build());
        h.upstream.answer = q -> a(q, 3600, "192.0.2.1");
        h.ask(query("pop.example."));
        h.clock.advanceSeconds(3300);
        h.ask(query("pop.example."));
        h.clock.advanceSeconds(200); // 100 s left, under the 360 s threshold, but the gap restarts the count
        assertEquals(CacheOutcome.HIT, h.ask(query("pop.example.")).outcome());
        h.clock.advanceSeconds(10);
        assertEquals(CacheOutcome.PREFETCH, h.ask(query("pop.example.")).outcome());
        assertEquals(2, h.upstream.calls);
    }

    @Test
    void onlyOneBackgroundRefreshPerEntry() {
        CacheHarness h = new CacheHarness(config().prefetch(1, Duration.ofMinutes(1), 50).build());
        h.upstream.answer = q -> a(q, 10, "192.0.2.1");
        h.ask(query("pop.example."));
        h.clock.advanceSeconds(6);
        h.upstream.park = true;
        assertEquals(CacheOutcome.PREFETCH, h.ask(query("pop.example.")).outcome());
        assertEquals(CacheOutcome.HIT, h.ask(query("pop.example.")).outcome(), "refresh already in flight");
        assertEquals(2, h.upstream.calls);
        h.upstream.answer = q -> a(q, 10, "192.0.2.2");
        h.upstream.releaseParked();
        Answer fresh = h.ask(query("pop.example."));
        assertEquals("192.0.2.2", ((org.xbill.DNS.ARecord) fresh.answer(0)).getAddress().getHostAddress());
        assertEquals(10, fresh.ttl());
    }

    @Test
    void failedRefreshAllowsTheNextOne() {
        CacheHarness h = new CacheHarness(config().prefetch(1, Duration.ofMinutes(1), 50).build());
        h.upstream.answer = q -> a(q, 10, "192.0.2.1");
        h.ask(query("pop.example."));
        h.clock.advanceSeconds(6);
        h.upstream.answer = q -> null;
        assertEquals(CacheOutcome.PREFETCH, h.ask(query("pop.example.")).outcome());
        assertEquals(CacheOutcome.PREFETCH, h.ask(query("pop.example.")).outcome());
        assertEquals(3, h.upstream.calls);
    }

    @Test
    void serveStaleImmediateAnswersTtlZeroAndRefreshesOnce() {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofHours(1), false).build());
        h.ask(query("www.example."));
        h.clock.advanceSeconds(40);
        h.upstream.park = true;
        Answer stale = h.ask(query("www.example."));
        assertEquals(CacheOutcome.STALE, stale.outcome());
        assertEquals(0, stale.ttl());
        assertEquals("192.0.2.1", ((org.xbill.DNS.ARecord) stale.answer(0)).getAddress().getHostAddress());
        assertEquals(CacheOutcome.STALE, h.ask(query("www.example.")).outcome());
        assertEquals(2, h.upstream.calls, "one background refresh for two stale answers");
        assertEquals(2, h.cache.servedStale());
        assertEquals(1, h.cache.prefetches());

        h.upstream.answer = q -> a(q, 30, "192.0.2.9");
        h.upstream.releaseParked();
        Answer fresh = h.ask(query("www.example."));
        assertEquals(CacheOutcome.HIT, fresh.outcome());
        assertEquals(30, fresh.ttl());
        assertEquals("192.0.2.9", ((org.xbill.DNS.ARecord) fresh.answer(0)).getAddress().getHostAddress());
    }

    @Test
    void serveStaleEndsAfterItsDuration() {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofSeconds(60), false).build());
        h.ask(query("www.example."));
        h.clock.advanceSeconds(30 + 59);
        h.upstream.answer = q -> null; // the background refresh fails
        assertEquals(CacheOutcome.STALE, h.ask(query("www.example.")).outcome());
        h.clock.advanceSeconds(1);
        assertEquals(CacheOutcome.MISS, h.ask(query("www.example.")).outcome());
    }

    @Test
    void serveStaleVerifyPrefersAFreshAnswer() {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofHours(1), true).build());
        h.ask(query("www.example."));
        h.clock.advanceSeconds(40);
        h.upstream.answer = q -> a(q, 60, "192.0.2.9");
        Answer fresh = h.ask(query("www.example."));
        assertEquals(CacheOutcome.MISS, fresh.outcome());
        assertEquals(60, fresh.ttl());
        assertEquals("192.0.2.9", ((org.xbill.DNS.ARecord) fresh.answer(0)).getAddress().getHostAddress());
        assertEquals(0, h.cache.servedStale());
        assertEquals(CacheOutcome.HIT, h.ask(query("www.example.")).outcome(), "and stores it");
        assertEquals(2, h.upstream.calls);
    }

    static Stream<Arguments> serveStaleVerifyFallsBackToStale() {
        return Stream.of(
                Arguments.of("no answer", (Function<Message, Message>) q -> null),
                Arguments.of("SERVFAIL", (Function<Message, Message>) q -> reply(q, Rcode.SERVFAIL)),
                Arguments.of("REFUSED", (Function<Message, Message>) q -> reply(q, Rcode.REFUSED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void serveStaleVerifyFallsBackToStale(String name, Function<Message, Message> failure) {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofHours(1), true).build());
        h.ask(withId(query("www.example."), 7));
        h.clock.advanceSeconds(40);
        h.upstream.answer = failure;
        Answer stale = h.ask(withId(query("WWW.example."), 8));
        assertEquals(CacheOutcome.STALE, stale.outcome());
        assertEquals(Rcode.NOERROR, stale.rcode());
        assertEquals(0, stale.ttl());
        assertEquals(8, stale.msg().getHeader().getID());
        assertEquals("WWW.example.", stale.msg().getQuestion().getName().toString());
        assertEquals(1, h.cache.servedStale());
        assertEquals(2, h.upstream.calls);
        assertEquals(0, h.cache.entries(StoreType.DENIAL), "the failure is not stored");
    }

    @Test
    void keepTtlServesTheStoredTtl() {
        CacheHarness h = new CacheHarness(config().keepTtl().build());
        h.ask(query("www.example."));
        h.clock.advanceSeconds(10);
        Answer hit = h.ask(query("www.example."));
        assertEquals(CacheOutcome.HIT, hit.outcome());
        assertEquals(30, hit.ttl());
    }

    @Test
    void everyRecordGetsTheEntryTtl() {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> {
            Message r = a(q, 300, "192.0.2.1");
            try {
                r.addRecord(new org.xbill.DNS.ARecord(q.getQuestion().getName(), org.xbill.DNS.DClass.IN, 40,
                        java.net.InetAddress.getByName("192.0.2.2")), Section.ANSWER);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return r;
        };
        assertEquals(40, h.ask(query("two.example.")).answer(0).getTTL(), "misses get the capped TTL too");
        h.clock.advanceSeconds(15);
        Answer hit = h.ask(query("two.example."));
        for (Record r : hit.msg().getSection(Section.ANSWER)) {
            assertEquals(25, r.getTTL());
        }
    }

    @Test
    void adBitOnlyForClientsThatAskForIt() {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> {
            Message r = a(q, 300, "192.0.2.1");
            r.getHeader().setFlag(Flags.AD);
            return r;
        };
        assertFalse(h.ask(query("sec.example.")).flag(Flags.AD), "miss: cleared without DO or AD");
        assertFalse(h.ask(query("sec.example.")).flag(Flags.AD), "hit: cleared without DO or AD");
        assertTrue(h.ask(withFlag(query("sec.example."), Flags.AD)).flag(Flags.AD), "AD in the query (RFC 6840)");
        assertTrue(h.ask(edns(query("sec.example."), 1232, true)).flag(Flags.AD), "DO miss");
        assertTrue(h.ask(edns(query("sec.example."), 1232, true)).flag(Flags.AD), "DO hit");
    }

    @Test
    void emptyNoErrorIsCachedForFiveSeconds() {
        CacheHarness h = new CacheHarness();
        h.upstream.answer = q -> reply(q, Rcode.NOERROR);
        h.ask(query("empty.example."));
        h.clock.advanceSeconds(4);
        assertEquals(CacheOutcome.HIT, h.ask(query("empty.example.")).outcome());
        h.clock.advanceSeconds(1);
        assertEquals(CacheOutcome.MISS, h.ask(query("empty.example.")).outcome());
    }

    @Test
    void listenerAndCountersSeeInsertsHitsAndMisses() {
        CacheHarness h = new CacheHarness();
        h.ask(query("a.example."));
        h.upstream.answer = q -> negative(q, Rcode.NXDOMAIN, 60);
        h.ask(query("b.example."));
        h.ask(query("a.example."));
        h.ask(query("b.example."));
        assertEquals(4, h.cache.requests());
        assertEquals(2, h.cache.misses());
        assertEquals(1, h.cache.hits(StoreType.SUCCESS));
        assertEquals(1, h.cache.hits(StoreType.DENIAL));
        assertEquals(1, h.cache.inserts(StoreType.SUCCESS));
        assertEquals(1, h.cache.inserts(StoreType.DENIAL));
        assertEquals(java.util.List.of("insert:success", "insert:denial"), h.events);
    }

    @Test
    void cachedServfailDoesNotShadowAUsablePositiveEntry() {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofHours(1), false).build());
        h.ask(query("www.example."));
        h.clock.advanceSeconds(40);
        h.upstream.answer = q -> reply(q, Rcode.SERVFAIL);
        assertEquals(CacheOutcome.STALE, h.ask(query("www.example.")).outcome()); // refresh stores the SERVFAIL
        assertEquals(1, h.cache.entries(StoreType.DENIAL));
        Answer answer = h.ask(query("www.example."));
        assertEquals(Rcode.NOERROR, answer.rcode());
        assertEquals(CacheOutcome.STALE, answer.outcome());
    }

    @Test
    void positiveRefreshReplacesADenial() {
        CacheHarness h = new CacheHarness(config().serveStale(Duration.ofHours(1), false).build());
        h.upstream.answer = q -> negative(q, Rcode.NXDOMAIN, 30);
        h.ask(query("new.example."));
        h.clock.advanceSeconds(40);
        h.upstream.answer = q -> a(q, 300, "192.0.2.5");
        assertEquals(Rcode.NXDOMAIN, h.ask(query("new.example.")).rcode(), "stale denial, refreshed behind it");
        assertEquals(0, h.cache.entries(StoreType.DENIAL));
        Answer fresh = h.ask(query("new.example."));
        assertEquals(Rcode.NOERROR, fresh.rcode());
        assertEquals(CacheOutcome.HIT, fresh.outcome());
    }
}
