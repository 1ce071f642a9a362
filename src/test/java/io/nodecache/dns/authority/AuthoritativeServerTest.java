package io.nodecache.dns.authority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Zone;

import io.nodecache.testing.RawDnsClient;

class AuthoritativeServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private AuthoritativeServer server;

    /** example. plus a name with 40 A records: about 700 bytes, too big for 512. */
    static Zone zoneWithBigAnswer() {
        StringBuilder text = new StringBuilder("""
                @ 300 IN SOA ns.example. hostmaster.example. 1 7200 1800 86400 60
                @ 300 IN NS ns.example.
                a 30 IN A 192.0.2.1
                """);
        for (int i = 1; i <= 40; i++) {
            text.append("big 30 IN A 198.51.100.").append(i).append('\n');
        }
        return ZoneAnswererTest.zone("example.", text.toString());
    }

    @BeforeEach
    void start() throws IOException {
        server = new AuthoritativeServer(LOOPBACK_ANY_PORT, new ZoneAnswerer(List.of(zoneWithBigAnswer()))).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private SimpleResolver resolver(boolean tcp) {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTCP(tcp);
        resolver.setTimeout(TIMEOUT);
        return resolver;
    }

    @Test
    void bindsAPortForBothTransports() {
        assertNotEquals(0, server.port());
        assertEquals(server.port(), server.address().getPort());
    }

    @Test
    void answersOverUdp() throws IOException {
        Message answer = resolver(false).send(ZoneAnswererTest.query("a.example.", Type.A));
        assertEquals(Rcode.NOERROR, answer.getRcode());
        assertTrue(answer.getHeader().getFlag(Flags.AA));
        assertEquals(1, answer.getSection(Section.ANSWER).size());
    }

    @Test
    void answersOverTcpInFull() throws IOException {
        Message answer = resolver(true).send(ZoneAnswererTest.query("big.example.", Type.A));
        assertFalse(answer.getHeader().getFlag(Flags.TC));
        assertEquals(40, answer.getSection(Section.ANSWER).size());
        assertEquals(1, server.tcpConnections());
    }

    @Test
    void servesSeveralQueriesOnOneTcpConnection() throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < 3; i++) {
                byte[] wire = ZoneAnswererTest.query("a.example.", Type.A).toWire();
                out.writeShort(wire.length);
                out.write(wire);
            }
            out.flush();
            for (int i = 0; i < 3; i++) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                assertEquals(Rcode.NOERROR, new Message(answer).getRcode());
            }
        }
        assertEquals(1, server.tcpConnections());
    }

    @Test
    void answerTooBigForUdpIsTruncated() throws IOException {
        Message plain = RawDnsClient.udp(server.address(), RawDnsClient.query("big.example.", Type.A, 0), TIMEOUT);
        assertTrue(plain.getHeader().getFlag(Flags.TC));
        assertTrue(plain.getSection(Section.ANSWER).isEmpty());
        assertTrue(plain.toWire().length <= 512);
    }

    @Test
    void truncationFollowsTheQueryEdnsSize() throws IOException {
        Message small = RawDnsClient.udp(server.address(), RawDnsClient.query("big.example.", Type.A, 600), TIMEOUT);
        assertTrue(small.getHeader().getFlag(Flags.TC));
        assertTrue(small.getOPT() != null, "OPT kept in a truncated answer");

        Message large = RawDnsClient.udp(server.address(), RawDnsClient.query("big.example.", Type.A, 1232), TIMEOUT);
        assertFalse(large.getHeader().getFlag(Flags.TC));
        assertEquals(40, large.getSection(Section.ANSWER).size());
    }

    @Test
    void simpleResolverRetriesTruncatedAnswerOverTcp() throws IOException {
        SimpleResolver resolver = resolver(false);
        resolver.setEDNS(-1); // no EDNS: the 512-byte limit applies and the answer does not fit
        Message answer = resolver.send(ZoneAnswererTest.query("big.example.", Type.A));
        assertEquals(40, answer.getSection(Section.ANSWER).size());
        assertEquals(1, server.tcpConnections());
    }

    @Test
    void malformedPacketsAreCountedAndServingGoesOn() throws IOException {
        InetSocketAddress address = server.address();
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.udpRaw(address, new byte[] {1, 2, 3}, Duration.ofMillis(200)));
        byte[] garbage = ZoneAnswererTest.query("a.example.", Type.A).toWire();
        garbage[5] = 9; // QDCOUNT 9 with one question present: the parse runs off the end.
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.udpRaw(address, garbage, Duration.ofMillis(200)));
        // A response sent to us is dropped too, or two servers could bounce it for ever.
        Message response = ZoneAnswererTest.query("a.example.", Type.A);
        response.getHeader().setFlag(Flags.QR);
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.udpRaw(address, response.toWire(), Duration.ofMillis(200)));
        // And garbage on TCP, framed correctly, is dropped without closing the connection.
        Message overTcp;
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(2);
            out.write(new byte[] {0, 1});
            byte[] wire = ZoneAnswererTest.query("a.example.", Type.A).toWire();
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            overTcp = new Message(answer);
        }

        assertEquals(4, server.malformedCount());
        assertEquals(Rcode.NOERROR, overTcp.getRcode());
        assertEquals(Rcode.NOERROR, resolver(false).send(ZoneAnswererTest.query("a.example.", Type.A)).getRcode());
    }

    @Test
    void failingHandlerGivesServfail() throws IOException {
        try (AuthoritativeServer failing = new AuthoritativeServer(LOOPBACK_ANY_PORT,
                (query, transport) -> CompletableFuture.failedFuture(new IllegalStateException("boom"))).start()) {
            Message answer = RawDnsClient.udp(failing.address(), RawDnsClient.query("a.example.", Type.A, 0), TIMEOUT);
            assertEquals(Rcode.SERVFAIL, answer.getRcode());
        }
    }

    @Test
    void fixedPortInUseFailsToStart() {
        AuthoritativeServer clash = new AuthoritativeServer(server.address(), new ZoneAnswerer(List.of()));
        assertThrows(IOException.class, clash::start);
        clash.close();
    }

    @Test
    void closeReleasesThePortBeforeReturning() throws IOException {
        InetSocketAddress address = server.address();
        server.close();
        try (AuthoritativeServer again = new AuthoritativeServer(address, new ZoneAnswerer(List.of()))) {
            again.start();
            assertEquals(address.getPort(), again.port());
        }
    }
}
