package io.nodecache.dns.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.PillarValues;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.RawDnsClient;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A reload that fails in its second server block (a line that does not parse, a DNS or health port that cannot
 * be bound) changes nothing: over real packets both old blocks still answer from the old upstreams, the first
 * block's change is not half-applied, nothing the new file named is left bound, and the failure is logged with
 * the line or address and counted once.
 */
class FailedReloadKeepsTheOldConfigurationTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private TestUpstream oldUpstream;
    private TestUpstream newUpstream;
    private int portA;
    private int portB;
    private Path corefile;
    private NodeHarness node;
    private CorefileReloader reloader;

    @BeforeEach
    void start(@TempDir Path dir) throws IOException {
        oldUpstream = TestUpstream.builder().withRecord("x.a.test.", Type.A, 30, "192.0.2.1")
                .withRecord("x.b.test.", Type.A, 30, "192.0.2.2").start();
        newUpstream = TestUpstream.builder().withRecord("x.a.test.", Type.A, 30, "198.51.100.1")
                .withRecord("x.c.test.", Type.A, 30, "198.51.100.3").start();
        portA = FreePorts.udpAndTcp();
        portB = FreePorts.udpAndTcp();
        String good = """
                a.test:%d {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                }
                b.test:%d {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                }
                """.formatted(portA, oldUpstream.port(), portB, oldUpstream.port());
        corefile = dir.resolve("Corefile");
        Files.writeString(corefile, good);
        node = NodeHarness.start(good, new MutableClock());
        reloader = new CorefileReloader(corefile, good,
                (text, src) -> CorefileParser.parse(text, src, PillarValues.none()), node.runtime(), node.logStream());
        assertOldConfigurationServes();
    }

    @AfterEach
    void stop() {
        reloader.close();
        node.close();
        oldUpstream.close();
        newUpstream.close();
    }

    /** The new first block: a.test and a new zone c.test on a new upstream, with a health server on a new port. */
    private String newFirstBlock(int health) {
        return """
                a.test:%d c.test:%d {
                    bind 127.0.0.1
                    health 127.0.0.1:%d
                    forward . 127.0.0.1:%d
                }
                """.formatted(portA, portA, health, newUpstream.port());
    }

    @Test
    void aSecondBlockThatDoesNotParse() throws Exception {
        int health = FreePorts.udpAndTcp();
        Files.writeString(corefile, newFirstBlock(health) + """
                b.test:%d {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d {
                        policy fastest
                    }
                }
                """.formatted(portB, newUpstream.port()));

        assertFalse(reloader.check());
        assertEquals(1, reloader.failures(), "counted once");

        assertThat(node.log()).contains("[ERROR] Restart failed: " + corefile + ":9: forward policy: unknown policy");
        assertOldConfigurationServes();
        assertFree(health);
    }

    @Test
    void aSecondBlockWhoseNewDnsPortIsTaken() throws Exception {
        int health = FreePorts.udpAndTcp();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Files.writeString(corefile, newFirstBlock(health) + """
                    b.test:%d {
                        bind 127.0.0.1
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(taken.getLocalPort(), newUpstream.port()));

            assertFalse(reloader.check());
        assertEquals(1, reloader.failures(), "counted once");

            assertThat(node.log()).containsPattern("\\[ERROR] Restart failed: cannot bind UDP [^ ]*127.0.0.1:"
                    + taken.getLocalPort());
            assertOldConfigurationServes();
            assertFree(health);
            assertEquals(List.of(new InetSocketAddress(LOOPBACK, portA), new InetSocketAddress(LOOPBACK, portB)),
                    node.runtime().addresses());
        }
    }

    /** Regression: the new first block's health server stayed bound when the second's could not be. */
    @Test
    void aSecondBlockWhoseHealthPortIsTaken() throws Exception {
        int health = FreePorts.udpAndTcp();
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            Files.writeString(corefile, newFirstBlock(health) + """
                    b.test:%d {
                        bind 127.0.0.1
                        health 127.0.0.1:%d
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(portB, taken.getLocalPort(), newUpstream.port()));

            assertFalse(reloader.check());
        assertEquals(1, reloader.failures(), "counted once");

            assertThat(node.log()).containsPattern("\\[ERROR] Restart failed: cannot listen on [^ ]*127.0.0.1:"
                    + taken.getLocalPort());
            assertOldConfigurationServes();
            assertFree(health);
            assertThat(node.runtime().healthAddresses()).isEmpty();
        }
    }

    private void assertOldConfigurationServes() throws IOException {
        assertEquals("192.0.2.1", answer(portA, "x.a.test."), "block a still goes to the old upstream");
        assertEquals("192.0.2.2", answer(portB, "x.b.test."), "block b still serves");
        Message c = RawDnsClient.udp(new InetSocketAddress(LOOPBACK, portA), RawDnsClient.query("x.c.test.", Type.A, 0),
                Duration.ofSeconds(3));
        assertEquals(Rcode.REFUSED, c.getRcode(), "the new zone was not half-applied");
        assertEquals(0, newUpstream.queries(), "nothing went to the new file's upstream");
        assertThat(node.runtime().config().blocks()).hasSize(2);
    }

    /** The address record's data, the same over UDP and TCP. */
    private static String answer(int port, String name) throws IOException {
        InetSocketAddress dns = new InetSocketAddress(LOOPBACK, port);
        Message udp = RawDnsClient.udp(dns, RawDnsClient.query(name, Type.A, 0), Duration.ofSeconds(3));
        Message tcp = RawDnsClient.tcp(dns, RawDnsClient.query(name, Type.A, 0), Duration.ofSeconds(3));
        assertEquals(Rcode.NOERROR, udp.getRcode(), udp.toString());
        assertEquals(Rcode.NOERROR, tcp.getRcode(), tcp.toString());
        String data = udp.getSection(Section.ANSWER).get(0).rdataToString();
        assertEquals(data, tcp.getSection(Section.ANSWER).get(0).rdataToString());
        return data;
    }

    private static void assertFree(int port) throws IOException {
        try (ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK)) {
            assertThat(tcp.getLocalPort()).isEqualTo(port);
        }
    }
}
