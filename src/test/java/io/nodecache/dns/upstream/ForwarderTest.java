package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.corefile.ForwardConfig.Policy;
import io.nodecache.dns.authority.Transport;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.TestUpstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The forwarder against real upstreams on 127.0.0.1, as CoreDNS's forward tests run against {@code dnstest}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ForwarderTest {

    private static final int CLIENT_ID = 4242;
    private static final Duration SHORT = Duration.ofMillis(150);
    private static final Duration DEADLINE = Duration.ofSeconds(2);

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    // ---- fixtures -----------------------------------------------------------------------------------------------

    private TestUpstream upstream() {
        return upstream(b -> b);
    }

    private TestUpstream upstream(UnaryOperator<TestUpstream.Builder> customize) {
        TestUpstream upstream = customize.apply(TestUpstream.builder()
                .withRecord("a.example.", Type.A, 30, "192.0.2.1")
                .withSoa("example.", 60, 5)).start();
        closeAfter.add(upstream);
        return upstream;
    }

    private Forwarder forwarder(ForwardConfigs config) {
        return forwarder(config, SHORT, DEADLINE);
    }

    private Forwarder forwarder(ForwardConfigs config, Duration readTimeout, Duration deadline) {
        Forwarder forwarder = new Forwarder(config.build(), listener, readTimeout, deadline);
        closeAfter.add(0, forwarder);
        return forwarder;
    }

    private static byte[] query(String name) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            m.getHeader().setID(CLIENT_ID);
            return m.toWire();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static CompletableFuture<ForwardAnswer> send(Forwarder forwarder, boolean clientOverTcp) {
        byte[] q = query("a.example.");
        return forwarder.forward(q, q.length, clientOverTcp);
    }

    private static ForwardAnswer ask(Forwarder forwarder) throws Exception {
        return send(forwarder, false).get(5, TimeUnit.SECONDS);
    }

    private static Message parse(ForwardAnswer answer) throws Exception {
        return new Message(answer.wire());
    }

    private static Throwable failure(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static void assertAnswered(ForwardAnswer answer) throws Exception {
        Message reply = parse(answer);
        assertEquals(CLIENT_ID, reply.getHeader().getID(), "client's ID restored");
        assertEquals(Rcode.NOERROR, reply.getHeader().getRcode());
        ARecord a = (ARecord) reply.getSection(Section.ANSWER).get(0);
        assertEquals(InetAddress.getByName("192.0.2.1"), a.getAddress());
    }

    // ---- policies -----------------------------------------------------------------------------------------------

    static Stream<Arguments> policies() {
        return Stream.of(
                Arguments.of(Policy.SEQUENTIAL, new int[] {60, 0, 0}, new int[] {60, 0, 0}),
                Arguments.of(Policy.ROUND_ROBIN, new int[] {20, 20, 20}, new int[] {20, 20, 20}),
                Arguments.of(Policy.RANDOM, new int[] {5, 5, 5}, new int[] {40, 40, 40}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void policyDecidesWhichUpstreamAnswers(Policy policy, int[] min, int[] max) throws Exception {
        TestUpstream[] ups = {upstream(), upstream(), upstream()};
        Forwarder forwarder = forwarder(
                ForwardConfigs.to(ups[0].address(), ups[1].address(), ups[2].address()).policy(policy));
        for (int i = 0; i < 60; i++) {
            assertAnswered(ask(forwarder));
        }
        for (int i = 0; i < 3; i++) {
            long n = ups[i].queries();
            assertTrue(n >= min[i] && n <= max[i], policy + ": upstream " + i + " got " + n);
        }
    }

    // ---- failover and SERVFAIL ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "force_tcp={0}")
    @ValueSource(booleans = {false, true})
    void silentFirstUpstreamFailsOverToTheSecond(boolean forceTcp) throws Exception {
        TestUpstream silent = upstream().silent(true);
        TestUpstream good = upstream();
        ForwardConfigs config = ForwardConfigs.to(silent.address(), good.address()).policy(Policy.SEQUENTIAL);
        Forwarder forwarder = forwarder(forceTcp ? config.forceTcp() : config);

        long start = System.nanoTime();
        ForwardAnswer answer = ask(forwarder);
        long took = System.nanoTime() - start;

        assertAnswered(answer);
        assertEquals(good.address(), answer.upstream());
        assertEquals(forceTcp, answer.overTcp());
        assertTrue(took >= SHORT.toNanos() && took < DEADLINE.toNanos(), "took " + took / 1_000_000 + " ms");
        assertEquals(List.of(silent.address()), listener.failures);
        assertEquals(1, silent.queriesFor("a.example.", Type.A));
    }

    /**
     * Regression: an upstream that refuses at once (ICMP port unreachable) was retried in a tight loop until the
     * deadline, thousands of sockets for one query; CoreDNS stops after two failed attempts per upstream.
     */
    @Test
    void refusingUpstreamsAreTriedTwiceEachNotUntilTheDeadline() throws Exception {
        InetSocketAddress closedA = new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.udpAndTcp());
        InetSocketAddress closedB = new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.udpAndTcp());
        Forwarder forwarder = forwarder(ForwardConfigs.to(closedA, closedB).policy(Policy.SEQUENTIAL).maxFails(0),
                SHORT, Duration.ofSeconds(30));
        Throwable error = failure(send(forwarder, false));
        assertTrue(error instanceof UpstreamFailedException, error.toString());
        assertEquals(List.of(closedA, closedB, closedA, closedB), listener.failures);
    }

    @Test
    void allSilentFailsWithUpstreamFailedAtTheDeadline() throws Exception {
        TestUpstream a = upstream().silent(true);
        TestUpstream b = upstream().silent(true);
        Forwarder forwarder = forwarder(ForwardConfigs.to(a.address(), b.address()).maxFails(0),
                Duration.ofMillis(100), Duration.ofMillis(450));

        long start = System.nanoTime();
        Throwable cause = failure(send(forwarder, false));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertInstanceOf(UpstreamFailedException.class, cause);
        assertInstanceOf(SocketTimeoutException.class, cause.getCause());
        assertTrue(took >= 400 && took < 1500, "took " + took + " ms");
        // round and round until the deadline: 100 ms per attempt, the last one cut short by the deadline
        long attempts = a.queriesFor("a.example.", Type.A) + b.queriesFor("a.example.", Type.A);
        assertTrue(attempts >= 4 && attempts <= 5, attempts + " attempts");
    }

    // ---- health checks ------------------------------------------------------------------------------------------

    @Test
    void upstreamGoesDownAfterMaxFailsFailedChecksAndComesBack() throws Exception {
        TestUpstream up = upstream().silent(true);
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()).maxFails(2).healthCheck(Duration.ofMillis(30)),
                Duration.ofMillis(60), Duration.ofMillis(60));
        assertTrue(forwarder.anyHealthy());

        assertInstanceOf(UpstreamFailedException.class, failure(send(forwarder, false)));
        // The upstream is marked down just before the listener hears of it: wait for both.
        await("down", () -> !forwarder.anyHealthy() && !listener.healthChanges.isEmpty());
        UpstreamStatus down = forwarder.upstreams().get(0);
        assertFalse(down.healthy());
        assertTrue(down.consecutiveFails() > 2, "fails " + down.consecutiveFails());
        assertEquals(List.of(new RecordingListener.HealthChange(up.address(), false)), listener.healthChanges);
        assertTrue(listener.healthcheckFailures.get() >= 3);

        up.silent(false);
        await("up again", () -> forwarder.anyHealthy() && listener.healthChanges.size() >= 2);
        assertEquals(0, forwarder.upstreams().get(0).consecutiveFails());
        assertEquals(new RecordingListener.HealthChange(up.address(), true), listener.healthChanges.get(1));

        // the checks were ". IN NS" with RD, over the upstream's transport (UDP here)
        TestUpstream.Received check = up.received().stream().filter(r -> r.type() == Type.NS).findFirst().orElseThrow();
        assertEquals(Name.root, check.name());
        assertTrue(check.message().getHeader().getFlag(Flags.RD));
        assertEquals(Transport.UDP, check.transport());

        // and checking stops once healthy
        long checks = up.queriesFor(".", Type.NS);
        Thread.sleep(150);
        assertEquals(checks, up.queriesFor(".", Type.NS));
    }

    @Test
    void maxFailsZeroNeverChecksNorMarksDown() throws Exception {
        TestUpstream up = upstream().silent(true);
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()).maxFails(0).healthCheck(Duration.ofMillis(20)),
                Duration.ofMillis(50), Duration.ofMillis(120));
        assertInstanceOf(UpstreamFailedException.class, failure(send(forwarder, false)));
        Thread.sleep(150);
        assertEquals(0, up.queriesFor(".", Type.NS));
        assertTrue(forwarder.anyHealthy());
        assertTrue(forwarder.upstreams().get(0).healthy());
    }

    @Test
    void whenAllAreDownOneIsPickedAtRandomAnyway() throws Exception {
        TestUpstream a = upstream().silent(true);
        TestUpstream b = upstream().silent(true);
        Forwarder forwarder = forwarder(ForwardConfigs.to(a.address(), b.address())
                        .policy(Policy.SEQUENTIAL).maxFails(1).healthCheck(Duration.ofMillis(20)),
                Duration.ofMillis(40), Duration.ofSeconds(3));
        assertInstanceOf(UpstreamFailedException.class, failure(send(forwarder, false)));
        await("all down", () -> !forwarder.anyHealthy());
        a.reset();
        b.reset();
        int broken = listener.broken.get();

        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            assertInstanceOf(UpstreamFailedException.class, failure(send(forwarder, false)));
            // one random attempt, then SERVFAIL: no going round until the deadline
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        }
        long toA = a.queriesFor("a.example.", Type.A);
        long toB = b.queriesFor("a.example.", Type.A);
        assertEquals(20, toA + toB);
        assertTrue(toA > 0 && toB > 0, "random, not sequential: " + toA + "/" + toB);
        assertEquals(20, listener.broken.get() - broken);
    }

    @Test
    void probeReportsWhetherTheUpstreamAnswers() throws Exception {
        TestUpstream good = upstream().rcode(Rcode.REFUSED); // any reply is healthy
        TestUpstream silent = upstream().silent(true);
        Forwarder forwarder = forwarder(ForwardConfigs.to(good.address(), silent.address()),
                Duration.ofMillis(500), DEADLINE);
        assertTrue(forwarder.probe(good.address()).get(5, TimeUnit.SECONDS));
        assertFalse(forwarder.probe(silent.address()).get(5, TimeUnit.SECONDS));
        assertEquals(1, good.queriesFor(".", Type.NS));
    }

    @Test
    void probeUsesTcpWithForceTcp() throws Exception {
        TestUpstream up = upstream();
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()).forceTcp());
        assertTrue(forwarder.probe(up.address()).get(5, TimeUnit.SECONDS));
        assertEquals(1, up.tcpQueries());
        assertEquals(0, up.udpQueries());
    }

    // ---- transports ---------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "force_tcp={0} prefer_udp={1} client over TCP={2} -> TCP {3}")
    @CsvSource(textBlock = """
            false, false, false, false
            false, false, true,  true
            false, true,  true,  false
            true,  false, false, true
            true,  true,  true,  true
            """)
    void transportFollowsForceTcpPreferUdpAndTheClient(boolean forceTcp, boolean preferUdp, boolean clientOverTcp,
                                                       boolean expectTcp) throws Exception {
        TestUpstream up = upstream();
        ForwardConfigs config = ForwardConfigs.to(up.address());
        if (forceTcp) {
            config.forceTcp();
        }
        if (preferUdp) {
            config.preferUdp();
        }
        ForwardAnswer answer = send(forwarder(config), clientOverTcp).get(5, TimeUnit.SECONDS);
        assertAnswered(answer);
        assertEquals(expectTcp, answer.overTcp());
        assertEquals(expectTcp ? 1 : 0, up.tcpQueries());
        assertEquals(expectTcp ? 0 : 1, up.udpQueries());
    }

    @ParameterizedTest(name = "prefer_udp={0}")
    @ValueSource(booleans = {false, true})
    void truncatedUdpAnswerIsRetriedOverTcpOnlyWithPreferUdp(boolean preferUdp) throws Exception {
        TestUpstream up = upstream().truncate(true);
        ForwardConfigs config = ForwardConfigs.to(up.address());
        ForwardAnswer answer = ask(forwarder(preferUdp ? config.preferUdp() : config));
        if (preferUdp) {
            assertAnswered(answer);
            assertTrue(answer.overTcp());
            assertFalse(answer.truncated());
            assertEquals(1, up.tcpQueries());
        } else { // returned as is: the client retries over TCP itself
            assertTrue(answer.truncated());
            assertFalse(answer.overTcp());
            assertEquals(CLIENT_ID, parse(answer).getHeader().getID());
            assertEquals(0, up.tcpQueries());
        }
        assertEquals(1, up.udpQueries());
    }

    @Test
    void everyUpstreamQueryCarriesAFreshRandomId() throws Exception {
        TestUpstream up = upstream();
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()));
        for (int i = 0; i < 20; i++) {
            assertAnswered(ask(forwarder));
        }
        Set<Integer> ids = new HashSet<>();
        long sameAsClient = 0;
        for (TestUpstream.Received received : up.received()) {
            int id = received.message().getHeader().getID();
            ids.add(id);
            sameAsClient += id == CLIENT_ID ? 1 : 0;
        }
        assertTrue(ids.size() >= 19, "distinct IDs: " + ids.size()); // a birthday collision is allowed, not more
        assertTrue(sameAsClient <= 1);
    }

    @Test
    void tcpConnectionIsReusedAndPipelinedThenClosedAfterExpire() throws Exception {
        TestUpstream up = upstream();
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()).forceTcp().expire(Duration.ofMillis(300)),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        for (int i = 0; i < 3; i++) {
            assertAnswered(ask(forwarder));
        }
        up.delay(Duration.ofMillis(200));
        List<CompletableFuture<ForwardAnswer>> concurrent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            concurrent.add(send(forwarder, false));
        }
        for (CompletableFuture<ForwardAnswer> f : concurrent) {
            assertAnswered(f.get(5, TimeUnit.SECONDS));
        }
        assertTrue(System.nanoTime() - start < Duration.ofMillis(800).toNanos(), "pipelined, not one by one");
        assertEquals(8, up.tcpQueries());
        assertEquals(1, up.tcpConnections());

        up.delay(Duration.ZERO);
        Thread.sleep(450); // past expire: the idle connection is closed
        assertAnswered(ask(forwarder));
        assertEquals(2, up.tcpConnections());
    }

    @Test
    void tcpConnectionClosedByTheUpstreamIsReplacedWithoutAFailure() throws Exception {
        TestUpstream up = upstream(b -> b.tcpIdleTimeout(Duration.ofMillis(100)));
        Forwarder forwarder = forwarder(ForwardConfigs.to(up.address()).forceTcp());
        assertAnswered(ask(forwarder));
        Thread.sleep(250); // the upstream closes the idle connection; ours (expire 10 s) still holds it
        assertAnswered(ask(forwarder));
        assertEquals(2, up.tcpConnections());
        assertEquals(List.of(), listener.failures);
    }

    // ---- replies that do not match ------------------------------------------------------------------------------

    static Stream<Arguments> lies() {
        return Stream.of(
                Arguments.of("wrong question over UDP", (UnaryOperator<TestUpstream>) u -> u.lie(true), false),
                Arguments.of("wrong ID over UDP", (UnaryOperator<TestUpstream>) u -> u.wrongId(true), false),
                Arguments.of("wrong question over TCP", (UnaryOperator<TestUpstream>) u -> u.lie(true), true),
                Arguments.of("wrong ID over TCP", (UnaryOperator<TestUpstream>) u -> u.wrongId(true), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lies")
    void lyingUpstreamIsDroppedCountedAndFailedOver(String name, UnaryOperator<TestUpstream> lie, boolean tcp)
            throws Exception {
        TestUpstream liar = lie.apply(upstream());
        TestUpstream honest = upstream();
        ForwardConfigs config = ForwardConfigs.to(liar.address(), honest.address())
                .policy(Policy.SEQUENTIAL).maxFails(0); // no health checks: they would be lied to as well
        ForwardAnswer answer = ask(forwarder(tcp ? config.forceTcp() : config));
        assertAnswered(answer);
        assertEquals(honest.address(), answer.upstream());
        assertEquals(1, listener.mismatches.get());
        assertEquals(List.of(liar.address()), listener.failures);
    }

    @Test
    void spoofedRepliesAreDroppedAndTheRealOneIsStillUsed() throws Exception {
        SpoofingResponder spoofer = new SpoofingResponder();
        closeAfter.add(spoofer);
        Forwarder forwarder = forwarder(ForwardConfigs.to(spoofer.address()));
        ForwardAnswer answer = ask(forwarder);
        Message reply = parse(answer);
        assertEquals(CLIENT_ID, reply.getHeader().getID());
        assertEquals(Name.fromString("a.example."), reply.getQuestion().getName());
        assertEquals(2, listener.mismatches.get());
        assertEquals(List.of(), listener.failures);
    }

    // ---- limits and bookkeeping ---------------------------------------------------------------------------------

    @Test
    void maxConcurrentRefusesBeyondTheLimitAtOnce() throws Exception {
        TestUpstream slow = upstream().delay(Duration.ofMillis(300));
        Forwarder forwarder = forwarder(ForwardConfigs.to(slow.address()).maxConcurrent(2),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        CompletableFuture<ForwardAnswer> first = send(forwarder, false);
        CompletableFuture<ForwardAnswer> second = send(forwarder, false);
        CompletableFuture<ForwardAnswer> third = send(forwarder, false);

        assertTrue(third.isCompletedExceptionally(), "rejected without waiting");
        assertInstanceOf(MaxConcurrentExceededException.class, failure(third));
        assertEquals(1, listener.rejected.get());
        assertAnswered(first.get(5, TimeUnit.SECONDS));
        assertAnswered(second.get(5, TimeUnit.SECONDS));

        await("slots released", () -> forwarder.inFlight() == 0);
        assertAnswered(ask(forwarder));
        assertEquals(3, slow.queries());
        assertEquals(2, forwarder.peakInFlight(), "the peak reached the cap and the rejected third never counted");
    }

    @Test
    void peakInFlightIsTheMostAtOnceNotTheTotal() throws Exception {
        TestUpstream slow = upstream().delay(Duration.ofMillis(300));
        Forwarder forwarder = forwarder(ForwardConfigs.to(slow.address()).maxConcurrent(10),
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        List<CompletableFuture<ForwardAnswer>> three = List.of(send(forwarder, false), send(forwarder, false),
                send(forwarder, false));
        assertEquals(3, forwarder.inFlight());
        for (CompletableFuture<ForwardAnswer> f : three) {
            assertAnswered(f.get(5, TimeUnit.SECONDS));
        }
        await("slots released", () -> forwarder.inFlight() == 0);
        assertAnswered(ask(forwarder)); // one at a time now: the peak stays where the three took it
        assertAnswered(ask(forwarder));
        assertEquals(3, forwarder.peakInFlight());
        assertEquals(0, listener.rejected.get());
    }

    @Test
    void upstreamsReportsCountersPerUpstream() throws Exception {
        TestUpstream silent = upstream().silent(true);
        TestUpstream good = upstream();
        Forwarder forwarder = forwarder(ForwardConfigs.to(silent.address(), good.address())
                .policy(Policy.SEQUENTIAL).maxFails(0));
        assertAnswered(ask(forwarder));
        assertAnswered(ask(forwarder));

        List<UpstreamStatus> status = forwarder.upstreams();
        assertEquals(silent.address(), status.get(0).address());
        assertEquals(2, status.get(0).queries());
        assertEquals(2, status.get(0).failures());
        assertEquals(0, status.get(0).lastRttNanos());
        assertEquals(2, status.get(1).queries());
        assertEquals(0, status.get(1).failures());
        assertNotEquals(0, status.get(1).lastRttNanos());
    }

    @Test
    void closeFailsWhatIsInFlight() throws Exception {
        TestUpstream silent = upstream().silent(true);
        Forwarder forwarder = new Forwarder(ForwardConfigs.to(silent.address()).build(), listener,
                Duration.ofSeconds(2), Duration.ofSeconds(5));
        CompletableFuture<ForwardAnswer> pending = send(forwarder, false);
        await("sent", () -> silent.queries() == 1);
        forwarder.close();
        assertInstanceOf(UpstreamFailedException.class, failure(pending));
        assertInstanceOf(IllegalStateException.class, failure(send(forwarder, false)));
    }
}
