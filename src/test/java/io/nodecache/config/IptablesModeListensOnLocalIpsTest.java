package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nodecache.NodecacheApplication;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.RawDnsClient;
import io.nodecache.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Not an open resolver on the host network: with node-cache's {@code setupinterface}/{@code setupiptables} on, a
 * Corefile block without {@code bind} listens on the {@code localip} addresses only, where CoreDNS would take
 * 0.0.0.0 and answer anyone who reaches the node. The networking commands run in a network namespace of the
 * test's own, as in {@link NodeNetworkingTest}, so the host is not touched; needs root and iptables, as CI has.
 */
class IptablesModeListensOnLocalIpsTest {

    static final String IP = "127.0.0.78";

    @Test
    void aBlockWithoutBindListensOnTheLocalIpsOnly(@TempDir Path dir) throws Exception {
        String netns = "nc-bind-" + Long.toString(ProcessHandle.current().pid() % 100_000, 36);
        sh("ip", "netns", "add", netns);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ConfigurableApplicationContext node = null;
        try (TestUpstream upstream = TestUpstream.builder().withRecord("a.example.", Type.A, 30, "192.0.2.1").start()) {
            sh("ip", "-n", netns, "link", "set", "lo", "up");
            System.setProperty("nodecache.netif-prefix", "ip netns exec " + netns);
            System.setProperty("nodecache.state-dir", dir.toString());
            int port = FreePorts.udpAndTcp();
            Path corefile = dir.resolve("Corefile");
            Files.writeString(corefile, "example:" + port + " {\n    forward . 127.0.0.1:" + upstream.port() + "\n}\n");
            System.setOut(new PrintStream(new TeeStream(stdout, captured), true, StandardCharsets.UTF_8));
            node = new SpringApplicationBuilder(NodecacheApplication.class).run("--server.port=0",
                    "--nodecache.conf=" + corefile, "--nodecache.embedded-upstream=false",
                    "--nodecache.demo.enabled=false", "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(),
                    "--localip=" + IP, "--setupinterface=true", "--setupiptables=true");

            InetSocketAddress local = new InetSocketAddress(IP, port);
            assertEquals(List.of(local), node.getBean(NodeRuntime.class).addresses());
            assertEquals(Rcode.NOERROR, RawDnsClient.udp(local, RawDnsClient.query("a.example.", Type.A, 0),
                    Duration.ofSeconds(3)).getRcode());
            assertThrows(SocketTimeoutException.class, () -> RawDnsClient.udp(new InetSocketAddress("127.0.0.1", port),
                    RawDnsClient.query("a.example.", Type.A, 0), Duration.ofMillis(700)), "nothing on 127.0.0.1");
            assertThat(captured.toString(StandardCharsets.UTF_8))
                    .contains("blocks without bind [" + corefile + ":1] listen on the local IPs [/" + IP + "] only");
        } finally {
            if (node != null) {
                node.close();
            }
            System.setOut(stdout);
            System.clearProperty("nodecache.netif-prefix");
            System.clearProperty("nodecache.state-dir");
            sh("ip", "netns", "del", netns);
        }
    }

    /** Writes to both streams: the node's log goes to stdout, which the test wants to read too. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    private static String sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + ": " + out);
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
