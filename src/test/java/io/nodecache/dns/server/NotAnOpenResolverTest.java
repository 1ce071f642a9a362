package io.nodecache.dns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nodecache.testing.FreePorts;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.RawDnsClient;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A node answers only where it was told to listen and only for the zones its blocks serve: a {@code bind} address
 * is the only one listened on (another loopback address of the same host gets no answer over UDP and a refused
 * connection over TCP), a block without {@code bind} listens on the given default addresses when host networking
 * supplies them ({@link io.nodecache.corefile.NodeConfig#withDefaultBinds}), and a name outside every block is
 * REFUSED without a query upstream.
 */
class NotAnOpenResolverTest {

    private static final Duration SHORT = Duration.ofMillis(700);
    private TestUpstream upstream;
    private NodeHarness node;
    private int port;

    @BeforeEach
    void start() throws IOException {
        upstream = TestUpstream.builder().withRecord("a.cluster.local.", Type.A, 30, "192.0.2.1")
                .withRecord("www.example.org.", Type.A, 30, "192.0.2.9").withSoa("cluster.local.", 60, 5).start();
        port = FreePorts.udpAndTcp();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        upstream.close();
    }

    private String block(String bind) {
        return """
                cluster.local:%d {
                    %s
                    forward . 127.0.0.1:%d
                }
                """.formatted(port, bind, upstream.port());
    }

    @Test
    void listensOnTheBindAddressAndNowhereElse() throws Exception {
        node = NodeHarness.start(block("bind 127.0.0.2"), new MutableClock());

        assertEquals(List.of(new InetSocketAddress("127.0.0.2", port)), node.runtime().addresses());
        assertAnswersOn("127.0.0.2");
        assertSilentOn("127.0.0.1");
        assertSilentOn("127.0.0.3");
    }

    @Test
    void aBlockWithoutBindTakesTheDefaultAddressesHostNetworkingGives() throws Exception {
        node = NodeHarness.start(block("bind 127.0.0.2"), new MutableClock());
        // As DnsLifecycle loads a Corefile with setupiptables/setupinterface: the local IPs stand in for "every
        // address", here 127.0.0.4 only.
        node.runtime().apply(node.parse(block("errors")).withDefaultBinds(List.of(InetAddress.getByName("127.0.0.4"))));

        assertEquals(List.of(new InetSocketAddress("127.0.0.4", port)), node.runtime().addresses());
        assertAnswersOn("127.0.0.4");
        assertSilentOn("127.0.0.1");
        assertSilentOn("127.0.0.2");
    }

    @Test
    void withoutHostNetworkingABlockWithoutBindListensEverywhereAsCoreDns() throws Exception {
        node = NodeHarness.start(block("errors"), new MutableClock());

        assertThat(node.runtime().addresses()).singleElement()
                .satisfies(a -> assertThat(a.getAddress().isAnyLocalAddress()).isTrue());
    }

    @Test
    void aNameNoBlockServesIsRefusedAndNeverForwarded() throws Exception {
        node = NodeHarness.start(block("bind 127.0.0.2"), new MutableClock());
        InetSocketAddress dns = new InetSocketAddress("127.0.0.2", port);

        Message udp = RawDnsClient.udp(dns, RawDnsClient.query("www.example.org.", Type.A, 1232), SHORT);
        Message tcp = RawDnsClient.tcp(dns, RawDnsClient.query("www.example.org.", Type.A, 0), SHORT);

        assertEquals(Rcode.REFUSED, udp.getRcode());
        assertEquals(Rcode.REFUSED, tcp.getRcode());
        assertThat(udp.getSection(org.xbill.DNS.Section.ANSWER)).isEmpty();
        assertEquals(0, upstream.queriesFor("www.example.org.", Type.A), "a refused name is never asked upstream");
        assertEquals(2, node.runtime().server().counters().refused());
    }

    private void assertAnswersOn(String address) throws IOException {
        InetSocketAddress dns = new InetSocketAddress(address, port);
        assertEquals(Rcode.NOERROR, RawDnsClient.udp(dns, RawDnsClient.query("a.cluster.local.", Type.A, 0),
                Duration.ofSeconds(3)).getRcode());
        assertEquals(Rcode.NOERROR, RawDnsClient.tcp(dns, RawDnsClient.query("a.cluster.local.", Type.A, 0),
                Duration.ofSeconds(3)).getRcode());
    }

    private void assertSilentOn(String address) {
        InetSocketAddress dns = new InetSocketAddress(address, port);
        assertThrows(SocketTimeoutException.class,
                () -> RawDnsClient.udp(dns, RawDnsClient.query("a.cluster.local.", Type.A, 0), SHORT),
                "UDP on " + address);
        assertThrows(ConnectException.class,
                () -> RawDnsClient.tcp(dns, RawDnsClient.query("a.cluster.local.", Type.A, 0), SHORT),
                "TCP on " + address);
    }
}
