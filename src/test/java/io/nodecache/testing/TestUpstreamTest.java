package io.nodecache.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import io.nodecache.dns.authority.Transport;

class TestUpstreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestUpstream upstream;

    @BeforeEach
    void start() {
        upstream = TestUpstream.builder()
                .withSoa("example.", 300, 5)
                .withRecord("a.example.", Type.A, 30, "192.0.2.1")
                .withRecord("b.test.", Type.A, 30, "192.0.2.2")
                .start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    private Message udp(String name, int type) throws IOException {
        return RawDnsClient.udp(upstream.address(), RawDnsClient.query(name, type, 0), TIMEOUT);
    }

    @Test
    void answersFromRecordsAndCountsPerTransport() throws IOException {
        SimpleResolver resolver = new SimpleResolver(upstream.address());
        resolver.setTimeout(TIMEOUT);
        Message answer = resolver.send(RawDnsClient.query("a.example.", Type.A, 0));
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertEquals("192.0.2.1", ((ARecord) answer.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());

        resolver.setTCP(true);
        resolver.send(RawDnsClient.query("A.Example.", Type.A, 0));

        assertEquals(2, upstream.queries());
        assertEquals(1, upstream.udpQueries());
        assertEquals(1, upstream.tcpQueries());
        assertEquals(2, upstream.queriesFor("a.example", Type.A));
        assertEquals(0, upstream.queriesFor("a.example", Type.AAAA));
        List<TestUpstream.Received> received = upstream.received();
        assertEquals(Transport.UDP, received.get(0).transport());
        assertEquals(Transport.TCP, received.get(1).transport());
        assertEquals("A.Example.", received.get(1).name().toString());
        assertTrue(upstream.tcpConnections() >= 1);

        upstream.reset();
        assertEquals(0, upstream.queries());
        assertEquals(0, upstream.tcpConnections());
        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void recordWithoutDeclaredZoneGetsTopLevelZone() throws IOException {
        Message answer = udp("b.test.", Type.A);
        assertEquals(1, answer.getSection(Section.ANSWER).size());
        assertEquals(Rcode.NXDOMAIN, udp("missing.test.", Type.A).getRcode());
        assertEquals(Rcode.REFUSED, udp("elsewhere.invalid.", Type.A).getRcode());
    }

    @Test
    void negativeAnswerCarriesSoaWithChosenMinimum() throws IOException {
        Message answer = udp("missing.example.", Type.A);
        assertEquals(Rcode.NXDOMAIN, answer.getRcode());
        SOARecord soa = (SOARecord) answer.getSection(Section.AUTHORITY).get(0);
        assertEquals(5, soa.getTTL());
        assertEquals(5, soa.getMinimum());
    }

    @Test
    void recordsAddedAtRuntimeAreServedAtOnce() throws IOException {
        upstream.addRecord("new.example.", Type.A, 30, "192.0.2.9");
        upstream.addRecord("x.elsewhere.", Type.A, 30, "192.0.2.10");
        assertEquals(1, udp("new.example.", Type.A).getSection(Section.ANSWER).size());
        assertEquals(1, udp("x.elsewhere.", Type.A).getSection(Section.ANSWER).size());
        upstream.removeRecords("new.example.", Type.A);
        assertEquals(Rcode.NXDOMAIN, udp("new.example.", Type.A).getRcode());
    }

    @Test
    void delayHoldsTheAnswerBack() throws IOException {
        upstream.delay(Duration.ofMillis(300));
        long start = System.nanoTime();
        udp("a.example.", Type.A);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        upstream.delay(Duration.ZERO);
        start = System.nanoTime();
        udp("a.example.", Type.A);
        assertTrue(System.nanoTime() - start < Duration.ofMillis(300).toNanos());
    }

    @Test
    void delayedAnswersDoNotQueueBehindEachOther() throws Exception {
        upstream.delay(Duration.ofMillis(400));
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            long start = System.nanoTime();
            List<java.util.concurrent.Future<Message>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(clients.submit(() -> udp("a.example.", Type.A)));
            }
            for (java.util.concurrent.Future<Message> answer : answers) {
                assertEquals(Rcode.NOERROR, answer.get().getRcode());
            }
            // Ten answers held 400 ms each, yet all back well before 10 x 400 ms: the delay holds no thread.
            assertTrue(System.nanoTime() - start < Duration.ofMillis(1500).toNanos());
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void silentAnswersNothingButCounts() throws IOException {
        upstream.silent(true);
        Message query = RawDnsClient.query("a.example.", Type.A, 0);
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.udp(upstream.address(), query, Duration.ofMillis(300)));
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.tcp(upstream.address(), query, Duration.ofMillis(300)));
        assertEquals(2, upstream.queries());
        upstream.silent(false);
        assertEquals(Rcode.NOERROR, udp("a.example.", Type.A).getRcode());
    }

    @Test
    void truncateSetsTcOverUdpOnlyAndTcpAnswersInFull() throws IOException {
        upstream.truncate(true);
        Message overUdp = udp("a.example.", Type.A);
        assertTrue(overUdp.getHeader().getFlag(Flags.TC));
        assertTrue(overUdp.getSection(Section.ANSWER).isEmpty());

        Message overTcp = RawDnsClient.tcp(upstream.address(), RawDnsClient.query("a.example.", Type.A, 0), TIMEOUT);
        assertFalse(overTcp.getHeader().getFlag(Flags.TC));
        assertEquals(1, overTcp.getSection(Section.ANSWER).size());
    }

    @Test
    void lieAnswersForAnotherName() throws IOException {
        upstream.lie(true);
        Message answer = udp("a.example.", Type.A);
        assertEquals(Name.fromString("spoof.a.example."), answer.getQuestion().getName());
    }

    @Test
    void wrongIdAnswersWithAnotherId() throws IOException {
        upstream.wrongId(true);
        Message query = RawDnsClient.query("a.example.", Type.A, 0);
        Message answer = RawDnsClient.udp(upstream.address(), query, TIMEOUT);
        assertEquals((query.getHeader().getID() + 1) & 0xFFFF, answer.getHeader().getID());
    }

    @Test
    void servfailAndForcedRcodeAnswerEmpty() throws IOException {
        upstream.servfail(true);
        Message answer = udp("a.example.", Type.A);
        assertEquals(Rcode.SERVFAIL, answer.getRcode());
        assertTrue(answer.getSection(Section.ANSWER).isEmpty());

        upstream.servfail(false).rcode(Rcode.REFUSED);
        assertEquals(Rcode.REFUSED, udp("a.example.", Type.A).getRcode());

        upstream.behaveNormally();
        assertEquals(Rcode.NOERROR, udp("a.example.", Type.A).getRcode());
        assertThrows(IllegalArgumentException.class, () -> upstream.rcode(16));
    }

    @Test
    void tcpConnectionReuseIsVisible() throws IOException {
        SimpleResolver resolver = new SimpleResolver(upstream.address());
        resolver.setTCP(true);
        resolver.setTimeout(TIMEOUT);
        resolver.send(RawDnsClient.query("a.example.", Type.A, 0));
        RawDnsClient.tcp(upstream.address(), RawDnsClient.query("a.example.", Type.A, 0), TIMEOUT);
        RawDnsClient.tcp(upstream.address(), RawDnsClient.query("a.example.", Type.A, 0), TIMEOUT);
        // Each RawDnsClient.tcp call opens its own connection.
        assertTrue(upstream.tcpConnections() >= 3);
        assertEquals(3, upstream.tcpQueries());
    }

    @Test
    void builderTakesRecordObjects() throws IOException {
        Record record = new ARecord(Name.fromString("c.example."), org.xbill.DNS.DClass.IN, 30,
                java.net.InetAddress.getByName("192.0.2.3"));
        try (TestUpstream other = TestUpstream.builder().withSoa("example.", 60, 60).withRecord(record).start()) {
            Message answer = RawDnsClient.udp(other.address(), RawDnsClient.query("c.example.", Type.A, 0), TIMEOUT);
            assertEquals(record, answer.getSection(Section.ANSWER).get(0));
        }
    }
}
