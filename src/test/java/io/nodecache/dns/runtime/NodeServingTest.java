package io.nodecache.dns.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.TestUpstream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The node over real sockets: a real loopback upstream, real dnsjava clients, the Corefile as node-local-dns has it;
 * once with each UDP transport (Netty epoll, plain NIO).
 */
@ParameterizedClass(name = "epoll={0}")
@ValueSource(booleans = {true, false})
class NodeServingTest {

    @Parameter
    boolean epoll;

    private final MutableClock clock = new MutableClock();
    private TestUpstream upstream;
    private NodeHarness node;

    @BeforeEach
    void start() {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        for (int i = 1; i <= 60; i++) {
            upstream.addRecord("big.default.svc.cluster.local.", Type.A, 30, "10.244.9." + i);
        }
        node = NodeHarness.start("""
                cluster.local:0 {
                    errors
                    log
                    cache {
                        success 9984 30
                        denial 9984 5
                    }
                    bind 127.0.0.1
                    forward . %s
                }
                """.formatted(hostPort(upstream)), clock, NodeHarness.testOptions().withEpoll(epoll));
    }

    @AfterEach
    void stop() {
        node.close();
        upstream.close();
    }

    static String hostPort(TestUpstream u) {
        return "127.0.0.1:" + u.port();
    }

    @Test
    void secondAnswerComesFromTheCacheWithTheTtlCountedDown() throws Exception {
        Message first = node.query("kubernetes.default.svc.cluster.local.", Type.A);
        clock.advance(Duration.ofSeconds(7));
        Message second = node.query("kubernetes.default.svc.cluster.local.", Type.A);

        assertEquals(Rcode.NOERROR, first.getRcode());
        assertEquals("10.96.0.1", first.getSection(Section.ANSWER).get(0).rdataToString());
        assertEquals(30, first.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(23, second.getSection(Section.ANSWER).get(0).getTTL());
        assertTrue(second.getHeader().getFlag(Flags.AA), "cached answers carry AA as CoreDNS's");
        assertEquals(1, upstream.queriesFor("kubernetes.default.svc.cluster.local.", Type.A));
        List<QueryEvent> events = node.events(2);
        assertEquals(CacheOutcome.MISS, events.get(0).outcome());
        assertEquals(CacheOutcome.HIT, events.get(1).outcome());
        assertEquals("127.0.0.1:" + upstream.port(), events.get(0).upstream());
        assertNull(events.get(1).upstream());
    }

    @Test
    void nxdomainIsCachedWithTheSoaTtl() throws Exception {
        Message first = node.query("nope.default.svc.cluster.local.", Type.A);
        Message again = node.query("nope.default.svc.cluster.local.", Type.A);

        assertEquals(Rcode.NXDOMAIN, first.getRcode());
        assertEquals(Rcode.NXDOMAIN, again.getRcode());
        Record soa = again.getSection(Section.AUTHORITY).get(0);
        assertEquals(Type.SOA, soa.getType());
        assertEquals(5, soa.getTTL());
        assertEquals(1, upstream.queriesFor("nope.default.svc.cluster.local.", Type.A));
    }

    @Test
    void answerKeepsTheCaseTheClientAskedIn() throws Exception {
        String asked = "KuBeRnEtEs.DeFaUlT.svc.CLUSTER.local.";
        Message miss = node.query(asked, Type.A);
        Message hit = node.query(asked, Type.A);
        Message lower = node.query(asked.toLowerCase(), Type.A);

        for (Message m : List.of(miss, hit)) {
            assertEquals(asked, m.getQuestion().getName().toString());
            assertEquals(asked, m.getSection(Section.ANSWER).get(0).getName().toString());
        }
        assertEquals(asked.toLowerCase(), lower.getQuestion().getName().toString());
        assertEquals(1, upstream.queriesFor("kubernetes.default.svc.cluster.local.", Type.A));
    }

    @Test
    void bigAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        Message noEdns = Message.newQuery(Record.newRecord(Name.fromString("big.default.svc.cluster.local."), Type.A,
                DClass.IN));
        Message udp = new Message(rawUdp(noEdns.toWire()));
        Message tcp = node.queryTcp("big.default.svc.cluster.local.", Type.A);

        assertTrue(udp.getHeader().getFlag(Flags.TC));
        assertTrue(udp.getSection(Section.ANSWER).isEmpty());
        assertFalse(tcp.getHeader().getFlag(Flags.TC));
        assertEquals(60, tcp.getSection(Section.ANSWER).size());
        // dnsjava's resolver retries over TCP on TC, as a stub resolver does.
        assertEquals(60, node.query("big.default.svc.cluster.local.", Type.A).getSection(Section.ANSWER).size());
    }

    @Test
    void ednsClientGetsItsBufferSizeAndAnOptBack() throws Exception {
        Message big = Message.newQuery(Record.newRecord(Name.fromString("big.default.svc.cluster.local."), Type.A,
                DClass.IN));
        big.addRecord(new OPTRecord(4096, 0, 0, 0), Section.ADDITIONAL);
        Message answer = new Message(rawUdp(big.toWire()));
        Message plain = new Message(rawUdp(Message.newQuery(Record.newRecord(
                Name.fromString("kubernetes.default.svc.cluster.local."), Type.A, DClass.IN)).toWire()));

        assertFalse(answer.getHeader().getFlag(Flags.TC));
        assertEquals(60, answer.getSection(Section.ANSWER).size());
        assertNotNull(answer.getOPT(), "OPT echoed to an EDNS client");
        assertNull(plain.getOPT(), "no OPT for a client without EDNS");
    }

    @Test
    void badPacketsGetFormerrNotimpOrAreDroppedAndCounted() throws Exception {
        Message two = Message.newQuery(Record.newRecord(Name.fromString("a.cluster.local."), Type.A, DClass.IN));
        two.addRecord(Record.newRecord(Name.fromString("b.cluster.local."), Type.A, DClass.IN), Section.QUESTION);
        Message notify = Message.newQuery(Record.newRecord(Name.fromString("cluster.local."), Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);

        assertEquals(Rcode.FORMERR, new Message(rawUdp(two.toWire())).getRcode());
        assertEquals(Rcode.NOTIMP, new Message(rawUdp(notify.toWire())).getRcode());
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, node.dns()));
        }
        // Still serving, and the garbage was counted.
        assertEquals(Rcode.NOERROR, node.query("kubernetes.default.svc.cluster.local.", Type.A).getRcode());
        assertEquals(1, node.runtime().server().counters().malformedDropped());
    }

    @Test
    void namesNoBlockServesAreRefused() throws Exception {
        assertEquals(Rcode.REFUSED, node.query("www.example.org.", Type.A).getRcode());
        assertEquals(0, upstream.queriesFor("www.example.org.", Type.A));
    }

    @Test
    void silentUpstreamGivesServfailAndAnErrorsLine() throws Exception {
        upstream.silent(true);
        Message m = node.query("svc-x.default.svc.cluster.local.", Type.A);

        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertTrue(node.log().contains("[ERROR] plugin/errors: 2 svc-x.default.svc.cluster.local. A: "), node.log());
    }

    @Test
    void tcpConnectionCarriesSeveralQueries() throws Exception {
        try (Socket s = new Socket(node.dns().getAddress(), node.dns().getPort())) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            Set<Integer> sent = new HashSet<>();
            for (String name : List.of("kubernetes.default", "kube-dns.kube-system", "nope.default")) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(name + ".svc.cluster.local."), Type.A,
                        DClass.IN));
                byte[] wire = q.toWire();
                out.writeShort(wire.length);
                out.write(wire);
                sent.add(q.getHeader().getID());
            }
            out.flush();
            Set<Integer> got = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                got.add(new Message(answer).getHeader().getID());
            }
            assertEquals(sent, got);
        }
    }

    @Test
    void logWritesCorednsLinesForBlocksWithLog() throws Exception {
        node.query("kubernetes.default.svc.cluster.local.", Type.A);
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (node.log().lines().noneMatch(l -> l.startsWith("[INFO] ")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String line = node.log().lines().filter(l -> l.startsWith("[INFO] ")).findFirst().orElseThrow();
        assertTrue(line.matches("\\[INFO] 127\\.0\\.0\\.1:\\d+ - \\d+ \"A IN kubernetes\\.default\\.svc\\.cluster\\.local\\."
                + " udp \\d+ false \\d+\" NOERROR qr,aa,rd \\d+ \\d+(\\.\\d+)?s"), line);
    }

    private byte[] rawUdp(byte[] query) throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(query, query.length, node.dns()));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            s.receive(p);
            return java.util.Arrays.copyOf(p.getData(), p.getLength());
        }
    }
}
