package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nodecache.NodecacheApplication;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A start that fails late, after a first server block's listeners or health server are already bound, stops with
 * an error naming the address that could not be bound and leaves nothing bound behind: every port the Corefile
 * named can be bound again by a plain socket (one without SO_REUSEPORT, which Linux refuses beside any other
 * socket on the port).
 */
class FailedStartReleasesEverythingTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private TestUpstream upstream;

    @BeforeEach
    void upstream() {
        upstream = TestUpstream.builder().start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aSecondBlockWhoseDnsPortIsTakenStopsTheStartAndTheFirstBlockIsReleased(@TempDir Path dir) throws Exception {
        int first = FreePorts.udpAndTcp();
        int health = FreePorts.udpAndTcp();
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            int second = taken.getLocalPort();
            Path corefile = corefile(dir, """
                    a.test:%d {
                        bind 127.0.0.1
                        health 127.0.0.1:%d
                        forward . 127.0.0.1:%d
                    }
                    b.test:%d {
                        bind 127.0.0.1
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(first, health, upstream.port(), second, upstream.port()));

            String messages = failedStart(corefile);

            assertThat(messages).containsPattern("cannot bind UDP [^ ]*127.0.0.1:" + second);
            assertFree(first, true);
            assertFree(health, false);
        }
    }

    /** Regression: the first block's health server stayed up when the second block's could not be bound. */
    @Test
    void aSecondHealthAddressThatIsTakenStopsTheStartAndTheFirstIsReleased(@TempDir Path dir) throws Exception {
        int dnsA = FreePorts.udpAndTcp();
        int dnsB = FreePorts.udpAndTcp();
        int healthA = FreePorts.udpAndTcp();
        try (ServerSocket taken = new ServerSocket(0, 1, LOOPBACK)) {
            Path corefile = corefile(dir, """
                    a.test:%d {
                        bind 127.0.0.1
                        health 127.0.0.1:%d
                        forward . 127.0.0.1:%d
                    }
                    b.test:%d {
                        bind 127.0.0.1
                        health 127.0.0.1:%d
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(dnsA, healthA, upstream.port(), dnsB, taken.getLocalPort(), upstream.port()));

            String messages = failedStart(corefile);

            assertThat(messages).containsPattern("cannot listen on [^ ]*127.0.0.1:" + taken.getLocalPort());
            assertFree(healthA, false);
            assertFree(dnsA, true);
            assertFree(dnsB, true);
        }
    }

    private static Path corefile(Path dir, String text) throws IOException {
        Path corefile = dir.resolve("Corefile");
        Files.writeString(corefile, text);
        return corefile;
    }

    private String failedStart(Path corefile) {
        Throwable failure = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(NodecacheApplication.class)
                .run("--nodecache.conf=" + corefile, "--server.port=0", "--nodecache.embedded-upstream=false",
                        "--nodecache.demo.enabled=false", "--nodecache.upstream-servers=127.0.0.1:" + upstream.port()));
        StringBuilder sb = new StringBuilder();
        for (Throwable c = failure; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** Binds {@code port} on loopback without SO_REUSEPORT (TCP, and UDP if asked): only a free port allows it. */
    private static void assertFree(int port, boolean udpToo) throws IOException {
        try (ServerSocket tcp = new ServerSocket(port, 1, LOOPBACK)) {
            assertThat(tcp.getLocalPort()).isEqualTo(port);
        }
        if (udpToo) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                assertThat(udp.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
