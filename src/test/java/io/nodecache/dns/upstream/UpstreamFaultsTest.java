package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.nodecache.testing.FaultyUpstream;
import io.nodecache.testing.FaultyUpstream.Fault;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.RawDnsClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real node (client → node → upstream over loopback UDP and TCP) in front of an upstream that is dead, slow,
 * lying or broken: the client gets SERVFAIL within the node's deadline (or a stale answer under {@code serve_stale}),
 * and nothing the upstream got wrong is cached or answers another name later.
 *
 * <p>The node runs with {@link NodeHarness#testOptions()}: 300 ms per attempt, 1.5 s for the whole query (CoreDNS:
 * 2 s and 5 s; {@link #blackholeWithTheShippedTimeoutsFailsWithinFiveSeconds} runs with those).
 */
class UpstreamFaultsTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(8);
    /** Scheduling slack on a loaded two-core machine; a deadline bound, not a speed claim. */
    private static final long SLACK_MILLIS = 1_000;

    private final MutableClock clock = new MutableClock();
    private final RecordingListener listener = new RecordingListener();
    private FaultyUpstream upstream;
    private NodeHarness node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String cache) {
        start(cache, NodeHarness.testOptions());
    }

    private void start(String cache, io.nodecache.dns.runtime.RuntimeOptions options) {
        upstream = FaultyUpstream.start("192.0.2.1", 30);
        node = NodeHarness.start("""
                .:0 {
                    bind 127.0.0.1
                    %s
                    forward . %s
                }
                """.formatted(cache, upstream.hostPort()), clock, options, listener);
    }

    private static final String CACHE = """
            cache {
                    success 1000 30
                    denial 1000 30
                }""";

    /** Over UDP, or over TCP when {@link #overTcp} (the node then asks its upstream over TCP too). */
    private boolean overTcp;

    private Message ask(String name) throws IOException {
        Message query = RawDnsClient.query(name, Type.A, 1232);
        return overTcp ? RawDnsClient.tcp(node.dns(), query, CLIENT_TIMEOUT)
                : RawDnsClient.udp(node.dns(), query, CLIENT_TIMEOUT);
    }

    private record Timed(Message reply, long millis) {}

    private Timed timed(String name) throws IOException {
        long start = System.nanoTime();
        Message m = ask(name);
        return new Timed(m, (System.nanoTime() - start) / 1_000_000);
    }

    private static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                arguments("blackhole (never answers)", (Consumer<FaultyUpstream>) u -> u.fault(Fault.BLACKHOLE), false),
                arguments("port closed (UDP: ICMP unreachable, TCP: RST)", (Consumer<FaultyUpstream>) FaultyUpstream::down, false),
                arguments("slow 2.5 s (beyond the deadline)",
                        (Consumer<FaultyUpstream>) u -> u.delay(Duration.ofMillis(2_500)), false),
                arguments("slow 1.2 s (beyond the attempt timeout, within the deadline)",
                        (Consumer<FaultyUpstream>) u -> u.delay(Duration.ofMillis(1_200)), false),
                arguments("wrong ID", (Consumer<FaultyUpstream>) u -> u.fault(Fault.WRONG_ID), true),
                arguments("wrong question name", (Consumer<FaultyUpstream>) u -> u.fault(Fault.WRONG_NAME), true),
                arguments("wrong question type", (Consumer<FaultyUpstream>) u -> u.fault(Fault.WRONG_TYPE), true),
                arguments("wrong question class", (Consumer<FaultyUpstream>) u -> u.fault(Fault.WRONG_CLASS), true),
                arguments("garbage bytes behind the right ID", (Consumer<FaultyUpstream>) u -> u.fault(Fault.GARBAGE),
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void faultyUpstreamGetsServfailWithinTheDeadlineAndNothingCached(String fault, Consumer<FaultyUpstream> breakIt,
            boolean repliesDropped) throws Exception {
        servfailWithinTheDeadlineAndNothingCached("UDP " + fault, breakIt, repliesDropped);
    }

    static Stream<Arguments> tcpFaults() {
        return faults().filter(a -> !((String) a.get()[0]).startsWith("slow"));
    }

    @ParameterizedTest(name = "over TCP: {0}")
    @MethodSource("tcpFaults")
    void faultyUpstreamOverTcpGetsServfailWithinTheDeadlineAndNothingCached(String fault,
            Consumer<FaultyUpstream> breakIt, boolean repliesDropped) throws Exception {
        overTcp = true;
        servfailWithinTheDeadlineAndNothingCached("TCP " + fault, breakIt, repliesDropped);
    }

    private void servfailWithinTheDeadlineAndNothingCached(String fault, Consumer<FaultyUpstream> breakIt,
            boolean repliesDropped) throws Exception {
        start(CACHE);
        breakIt.accept(upstream);
        long deadline = NodeHarness.testOptions().deadline().toMillis();
        for (int i = 0; i < 2; i++) { // the second query meets an upstream the health checks may have marked down
            Timed t = timed("fault" + i + ".example.");
            System.out.printf("[faults] %-62s query %d: %s in %4d ms (deadline %d ms), attempts so far %d, "
                            + "dropped replies %d%n", fault, i + 1, Rcode.string(t.reply().getRcode()), t.millis(),
                    deadline, listener.failures.size(), listener.mismatches.get());
            assertEquals(Rcode.SERVFAIL, t.reply().getRcode(), fault);
            assertTrue(t.millis() <= deadline + SLACK_MILLIS, fault + ": " + t.millis() + " ms");
            assertTrue(addresses(t.reply()).isEmpty());
        }
        // CoreDNS's default cap: two attempts per upstream for one query (forward's max_connect_attempts).
        assertTrue(listener.failures.size() <= 2 * 2, "attempts for two queries: " + listener.failures.size());
        if (repliesDropped) {
            assertTrue(listener.mismatches.get() >= 1, "the bad replies were dropped and counted");
        }
        assertEquals(0, listener.answers.get(), "no reply was taken as an answer");

        // Nothing was cached: once the upstream behaves, the same names go to it and get its real answer.
        upstream.fault(Fault.NONE).delay(Duration.ZERO).up();
        upstream.clearSeen();
        for (int i = 0; i < 2; i++) {
            Message m = ask("fault" + i + ".example.");
            assertEquals(Rcode.NOERROR, m.getRcode(), fault);
            assertEquals(List.of("192.0.2.1"), addresses(m));
        }
        assertEquals(1, upstream.queriesFor("fault0.example."), "fault0 was asked again, not served from cache");
        assertEquals(1, upstream.queriesFor("fault1.example."));
        ask("fault0.example.");
        assertEquals(1, upstream.queriesFor("fault0.example."), "the real answer is cached");
    }

    @Test
    void slowButWithinTheAttemptTimeoutIsAnsweredAndCached() throws Exception {
        start(CACHE);
        upstream.delay(Duration.ofMillis(150));
        Timed t = timed("slow.example.");
        System.out.printf("[faults] slow 150 ms (attempt timeout 300 ms): %s in %d ms%n",
                Rcode.string(t.reply().getRcode()), t.millis());
        assertEquals(Rcode.NOERROR, t.reply().getRcode());
        assertEquals(List.of("192.0.2.1"), addresses(t.reply()));
        ask("slow.example.");
        assertEquals(1, upstream.queriesFor("slow.example."));
    }

    @Test
    void blackholeWithTheShippedTimeoutsFailsWithinFiveSeconds() throws Exception {
        io.nodecache.dns.runtime.RuntimeOptions shipped = io.nodecache.dns.runtime.RuntimeOptions.defaults();
        start(CACHE, new io.nodecache.dns.runtime.RuntimeOptions(2, true, shipped.tcp(), shipped.readTimeout(),
                shipped.deadline(), Duration.ofSeconds(5)));
        upstream.fault(Fault.BLACKHOLE);
        Timed t = timed("hole.example.");
        System.out.printf("[faults] blackhole, shipped timeouts (%d ms per attempt, %d ms deadline): %s in %d ms, "
                        + "%d attempts%n", shipped.readTimeout().toMillis(), shipped.deadline().toMillis(),
                Rcode.string(t.reply().getRcode()), t.millis(), upstream.queriesFor("hole.example."));
        assertEquals(Rcode.SERVFAIL, t.reply().getRcode());
        assertTrue(t.millis() <= shipped.deadline().toMillis() + SLACK_MILLIS, t.millis() + " ms");
        assertTrue(t.millis() >= shipped.readTimeout().toMillis(), "it waited for at least one attempt");
    }

    @Test
    void truncatedAnswerReachesTheClientWithTcAndIsNeverCached() throws Exception {
        start(CACHE);
        upstream.fault(Fault.TRUNCATED);
        for (int i = 0; i < 2; i++) {
            Message m = ask("tc.example.");
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertTrue(m.getHeader().getFlag(Flags.TC), "CoreDNS passes TC on (no prefer_udp): the client retries");
        }
        assertEquals(2, upstream.queriesFor("tc.example."), "the truncated answer was not cached");
        assertTrue(upstream.seen().stream().noneMatch(FaultyUpstream.Seen::tcp), "no TCP retry by the node");
        upstream.clearSeen();
        // The client's retry over TCP goes upstream over TCP and gets the whole answer, which is cached.
        Message full = RawDnsClient.tcp(node.dns(), RawDnsClient.query("tc.example.", Type.A, 1232), CLIENT_TIMEOUT);
        assertFalse(full.getHeader().getFlag(Flags.TC));
        assertEquals(List.of("192.0.2.1"), addresses(full));
        assertEquals(1, upstream.seen().stream().filter(FaultyUpstream.Seen::tcp).count());
        Message cached = ask("tc.example.");
        assertFalse(cached.getHeader().getFlag(Flags.TC));
        assertEquals(1, upstream.queriesFor("tc.example."), "the TCP answer serves the next UDP query");
    }

    @Test
    void truncatedAnswerIsRetriedOverTcpByTheNodeWithPreferUdp() throws Exception {
        upstream = FaultyUpstream.start("192.0.2.1", 30);
        node = NodeHarness.start("""
                .:0 {
                    bind 127.0.0.1
                    %s
                    forward . %s {
                        prefer_udp
                    }
                }
                """.formatted(CACHE, upstream.hostPort()), clock, NodeHarness.testOptions(), listener);
        upstream.fault(Fault.TRUNCATED);
        Message m = ask("tc.example.");
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(List.of("192.0.2.1"), addresses(m));
        assertEquals(List.of(false, true), upstream.seen().stream().filter(s -> s.name().equals("tc.example."))
                .map(FaultyUpstream.Seen::tcp).toList());
    }

    @Test
    void recordsForAnotherNameNeverAnswerThatName() throws Exception {
        start(CACHE);
        upstream.fault(Fault.POISON);
        Message first = ask("bait.example.");
        assertEquals(Rcode.NOERROR, first.getRcode());
        assertTrue(addresses(first).contains("192.0.2.1"));
        upstream.fault(Fault.NONE);
        for (int i = 0; i < 2; i++) {
            Message victim = ask(FaultyUpstream.POISON_NAME);
            assertEquals(List.of("192.0.2.1"), addresses(victim), "the upstream's own answer for the other name");
            assertFalse(addresses(victim).contains(FaultyUpstream.POISON_ADDRESS));
            Message ns = ask("ns." + FaultyUpstream.POISON_NAME);
            assertFalse(addresses(ns).contains(FaultyUpstream.POISON_ADDRESS));
        }
        assertEquals(1, upstream.queriesFor(FaultyUpstream.POISON_NAME), "the other name went to the upstream");
        assertEquals(1, upstream.queriesFor("ns." + FaultyUpstream.POISON_NAME));
        // The bait's own entry answers with the TTL of its own record, not the 86 400 s of the slipped-in one.
        Message again = ask("bait.example.");
        assertEquals(1, upstream.queriesFor("bait.example."));
        for (Record r : again.getSection(Section.ANSWER)) {
            assertTrue(r.getTTL() <= 30, r.toString());
        }
    }

    @Test
    void servfailFromTheUpstreamIsCachedOnlyForTheServfailTtl() throws Exception {
        start(CACHE); // servfail defaults to 5 s, as CoreDNS's
        upstream.fault(Fault.SERVFAIL);
        assertEquals(Rcode.SERVFAIL, ask("sf.example.").getRcode());
        assertEquals(Rcode.SERVFAIL, ask("sf.example.").getRcode());
        assertEquals(1, upstream.queriesFor("sf.example."), "the upstream's SERVFAIL is cached for 5 s");
        upstream.fault(Fault.NONE);
        clock.advance(Duration.ofSeconds(6));
        Message m = ask("sf.example.");
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(2, upstream.queriesFor("sf.example."), "and not a second longer");
    }

    @ParameterizedTest(name = "serve_stale {0}")
    @MethodSource("staleModes")
    void expiredEntryIsServedStaleWhenTheUpstreamFails(String mode, Consumer<FaultyUpstream> breakIt)
            throws Exception {
        String[] parts = mode.split(" ");
        start("""
                cache {
                        success 1000 30
                        serve_stale 1h %s
                    }""".formatted(parts[0]));
        assertEquals(List.of("192.0.2.1"), addresses(ask("stale.example.")));
        clock.advance(Duration.ofSeconds(60)); // the 30 s entry is 30 s past its expiry
        breakIt.accept(upstream);
        long deadline = NodeHarness.testOptions().deadline().toMillis();
        Timed t = timed("stale.example.");
        System.out.printf("[faults] serve_stale %-22s: %s %s TTL %d in %d ms%n", mode,
                Rcode.string(t.reply().getRcode()), addresses(t.reply()),
                t.reply().getSection(Section.ANSWER).get(0).getTTL(), t.millis());
        assertEquals(Rcode.NOERROR, t.reply().getRcode());
        assertEquals(List.of("192.0.2.1"), addresses(t.reply()));
        assertEquals(0, t.reply().getSection(Section.ANSWER).get(0).getTTL(), "stale answers carry TTL 0");
        assertTrue(t.millis() <= deadline + SLACK_MILLIS, t.millis() + " ms");
    }

    static Stream<Arguments> staleModes() {
        return Stream.of(
                arguments("immediate blackhole", (Consumer<FaultyUpstream>) u -> u.fault(Fault.BLACKHOLE)),
                arguments("immediate port-closed", (Consumer<FaultyUpstream>) FaultyUpstream::down),
                arguments("verify blackhole", (Consumer<FaultyUpstream>) u -> u.fault(Fault.BLACKHOLE)),
                arguments("verify port-closed", (Consumer<FaultyUpstream>) FaultyUpstream::down),
                arguments("verify wrong-ID", (Consumer<FaultyUpstream>) u -> u.fault(Fault.WRONG_ID)),
                arguments("verify garbage", (Consumer<FaultyUpstream>) u -> u.fault(Fault.GARBAGE)));
    }
}
