package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Two upstreams behind a real node, the first one failing: every client query is answered by the second, the
 * health checks ({@code . IN NS} every {@code health_check}) mark the first down after {@code max_fails} and up again
 * once it answers, and queries go back to it; for each policy. No cache, so every query reaches an upstream.
 */
class FailoverTest {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(8);
    private static final long SLACK_MILLIS = 1_000;
    /** Far above what the health checks need (max_fails 2, health_check 0.5 s, 0.3 s per check): a bound, not a goal. */
    private static final Duration HEALTH_BOUND = Duration.ofSeconds(10);

    private final MutableClock clock = new MutableClock();
    private final RecordingListener listener = new RecordingListener();
    private FaultyUpstream first;
    private FaultyUpstream second;
    private NodeHarness node;
    private int names;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    private void start(String policy) {
        first = FaultyUpstream.start("192.0.2.1", 30);
        second = FaultyUpstream.start("192.0.2.2", 30);
        node = NodeHarness.start("""
                .:0 {
                    bind 127.0.0.1
                    forward . %s %s {
                        policy %s
                    }
                }
                """.formatted(first.hostPort(), second.hostPort(), policy), clock, NodeHarness.testOptions(),
                listener);
    }

    private Forwarder forwarder() {
        return node.runtime().forwarders().get(0);
    }

    private boolean firstHealthy() {
        return forwarder().upstreams().get(0).healthy();
    }

    /** Asks a fresh name; returns the answering address. */
    private String ask() throws IOException {
        Message m = RawDnsClient.udp(node.dns(), RawDnsClient.query("n" + names++ + ".example.", Type.A, 1232),
                CLIENT_TIMEOUT);
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        List<String> a = m.getSection(Section.ANSWER).stream()
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
        assertEquals(1, a.size(), m.toString());
        return a.get(0);
    }

    /** Client queries (not health checks) the upstream received. */
    private static long clientQueries(FaultyUpstream u) {
        return u.seen().stream().filter(s -> s.type() == Type.A).count();
    }

    private static long waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < HEALTH_BOUND.toNanos(), what + " within " + HEALTH_BOUND);
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("sequential", "blackhole"),
                arguments("sequential", "port-closed"),
                arguments("round_robin", "blackhole"),
                arguments("round_robin", "port-closed"),
                arguments("random", "blackhole"),
                arguments("random", "port-closed"));
    }

    @ParameterizedTest(name = "policy {0}, first upstream {1}")
    @MethodSource("cases")
    void failsOverToTheHealthyUpstreamAndReturnsWhenTheFirstRecovers(String policy, String fault) throws Exception {
        start(policy);
        if (policy.equals("sequential")) {
            assertEquals("192.0.2.1", ask(), "sequential: the first upstream answers while it is well");
        }
        if (fault.equals("blackhole")) {
            first.fault(Fault.BLACKHOLE);
        } else {
            first.down();
        }
        long broken = System.nanoTime();
        long slowest = 0;
        // Until the health checks mark it down, a query that tries the first upstream first pays one attempt.
        while (firstHealthy()) {
            long start = System.nanoTime();
            assertEquals("192.0.2.2", ask(), "answered by the healthy upstream");
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            assertTrue(System.nanoTime() - broken < HEALTH_BOUND.toNanos(), "marked down in time");
        }
        long downAfter = (System.nanoTime() - broken) / 1_000_000;
        long toFirstBefore = clientQueries(first);
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertEquals("192.0.2.2", ask());
        }
        long twentyMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(toFirstBefore, clientQueries(first), "a down upstream gets no client queries");
        assertTrue(slowest <= NodeHarness.testOptions().readTimeout().toMillis() + SLACK_MILLIS,
                "one failed attempt at most before failing over: " + slowest + " ms");

        // It recovers: the health checks see it, and queries go to it again.
        first.fault(Fault.NONE).up();
        long recovered = System.nanoTime();
        long healthyAfter = waitFor(this::firstHealthy, "marked up");
        long firstAnswer;
        while (true) {
            if (ask().equals("192.0.2.1")) {
                firstAnswer = (System.nanoTime() - recovered) / 1_000_000;
                break;
            }
            assertTrue(System.nanoTime() - recovered < HEALTH_BOUND.toNanos(), "queries return to the first");
        }
        System.out.printf("[failover] policy %-11s first %-11s: marked down after %4d ms (slowest failover "
                        + "answer %3d ms, 20 queries after down in %3d ms); after recovery marked up in %4d ms, "
                        + "first answer from it after %4d ms%n", policy, fault, downAfter, slowest, twentyMillis,
                healthyAfter, firstAnswer);
        assertTrue(listener.healthChanges.contains(new RecordingListener.HealthChange(first.address(), false)));
        assertTrue(listener.healthChanges.contains(new RecordingListener.HealthChange(first.address(), true)));
        if (policy.equals("sequential")) {
            for (int i = 0; i < 5; i++) {
                assertEquals("192.0.2.1", ask(), "sequential prefers the first again");
            }
        }
    }

    @Test
    void flappingFirstUpstreamNeverCostsAClientAnAnswer() throws Exception {
        start("sequential");
        first.flap(Duration.ofMillis(250));
        int fromFirst = 0;
        int fromSecond = 0;
        long slowest = 0;
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            String a = ask(); // NOERROR from one or the other, asserted inside
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            if (a.equals("192.0.2.1")) {
                fromFirst++;
            } else {
                fromSecond++;
            }
        }
        first.flap(null);
        System.out.printf("[failover] first upstream flapping every 250 ms for 3 s: %d answers from it, %d from the "
                + "second, no SERVFAIL, slowest %d ms%n", fromFirst, fromSecond, slowest);
        assertTrue(fromSecond > 0, "the second covered for the first");
        assertTrue(slowest <= NodeHarness.testOptions().deadline().toMillis() + SLACK_MILLIS);
    }

    @Test
    void flappingOnlyUpstreamGivesRightAnswersOrServfailInTime() throws Exception {
        FaultyUpstream only = FaultyUpstream.start("192.0.2.1", 30);
        first = only;
        node = NodeHarness.start("""
                .:0 {
                    bind 127.0.0.1
                    forward . %s
                }
                """.formatted(only.hostPort()), clock, NodeHarness.testOptions(), listener);
        only.flap(Duration.ofMillis(200));
        int ok = 0;
        int servfail = 0;
        long slowest = 0;
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() < end) {
            long start = System.nanoTime();
            Message m = RawDnsClient.udp(node.dns(), RawDnsClient.query("f" + names++ + ".example.", Type.A, 1232),
                    CLIENT_TIMEOUT);
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            if (m.getRcode() == Rcode.SERVFAIL) {
                servfail++;
                assertTrue(m.getSection(Section.ANSWER).isEmpty());
            } else {
                assertEquals(Rcode.NOERROR, m.getRcode());
                assertEquals("192.0.2.1", ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress()
                        .getHostAddress());
                ok++;
            }
        }
        only.flap(null);
        System.out.printf("[failover] only upstream flapping every 200 ms for 3 s: %d answers, %d SERVFAIL, slowest "
                + "%d ms%n", ok, servfail, slowest);
        assertTrue(ok > 0, "it answered while up");
        assertTrue(slowest <= NodeHarness.testOptions().deadline().toMillis() + SLACK_MILLIS);
    }
}
