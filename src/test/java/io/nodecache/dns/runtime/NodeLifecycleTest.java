package io.nodecache.dns.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.PillarValues;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Routing, reload, loop detection and health over real sockets. */
class NodeLifecycleTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void longestZoneSuffixPicksTheServerBlock() throws Exception {
        try (TestUpstream cluster = TestUpstream.builder()
                        .withRecord("web.default.svc.cluster.local.", Type.A, 30, "10.96.1.1").start();
                TestUpstream outside = TestUpstream.builder()
                        .withRecord("www.example.org.", Type.A, 300, "192.0.2.80")
                        .withRecord("web.default.svc.cluster.local.", Type.A, 30, "192.0.2.99").start();
                NodeHarness node = NodeHarness.start("""
                        cluster.local:0 {
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d
                        }
                        .:0 {
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d
                        }
                        """.formatted(cluster.port(), outside.port()), clock)) {
            assertEquals("10.96.1.1", firstAnswer(node.query("web.default.svc.cluster.local.", Type.A)));
            assertEquals("192.0.2.80", firstAnswer(node.query("www.example.org.", Type.A)));
            assertEquals(0, outside.queriesFor("web.default.svc.cluster.local.", Type.A));
        }
    }

    @Test
    void failsOverToTheSecondUpstreamWhenTheFirstIsSilent() throws Exception {
        try (TestUpstream dead = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.1").start();
                TestUpstream alive = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.2").start();
                NodeHarness node = NodeHarness.start("""
                        .:0 {
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d 127.0.0.1:%d {
                                policy sequential
                            }
                        }
                        """.formatted(dead.port(), alive.port()), clock)) {
            dead.silent(true);
            assertEquals("192.0.2.2", firstAnswer(node.query("a.test.", Type.A)));
            assertEquals(1, dead.queriesFor("a.test.", Type.A));
        }
    }

    @Test
    void goodReloadSwapsConfigurationWithoutDroppingQueries(@TempDir Path dir) throws Exception {
        try (TestUpstream first = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.1").start();
                TestUpstream second = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.2").start()) {
            int port = freePort();
            Path corefile = dir.resolve("Corefile");
            String v1 = corefileOn(port, first.port());
            Files.writeString(corefile, v1);
            try (NodeHarness node = NodeHarness.start(v1, clock);
                    CorefileReloader reloader = new CorefileReloader(corefile, v1,
                            (text, src) -> CorefileParser.parse(text, src, PillarValues.none()), node.runtime(),
                            node.logStream())) {
                assertEquals("192.0.2.1", firstAnswer(node.query("a.test.", Type.A)));
                AtomicBoolean done = new AtomicBoolean();
                AtomicInteger answered = new AtomicInteger();
                AtomicInteger failed = new AtomicInteger();
                Thread load = new Thread(() -> {
                    while (!done.get()) {
                        try {
                            node.query("a.test.", Type.A);
                            answered.incrementAndGet();
                        } catch (IOException e) {
                            failed.incrementAndGet();
                        }
                    }
                });
                load.start();
                Thread.sleep(200);
                Files.writeString(corefile, corefileOn(port, second.port()));
                assertTrue(reloader.check());
                Thread.sleep(200);
                done.set(true);
                load.join();

                assertEquals("192.0.2.2", firstAnswer(node.query("a.test.", Type.A)));
                assertEquals(0, failed.get(), "queries dropped during reload");
                assertTrue(answered.get() > 10, "load ran: " + answered.get());
                assertEquals(0, reloader.failures());
            }
        }
    }

    @Test
    void badReloadIsCountedAndTheLastGoodConfigurationKeepsServing(@TempDir Path dir) throws Exception {
        try (TestUpstream up = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.1").start()) {
            int port = freePort();
            Path corefile = dir.resolve("Corefile");
            String good = corefileOn(port, up.port());
            Files.writeString(corefile, good);
            try (NodeHarness node = NodeHarness.start(good, clock);
                    CorefileReloader reloader = new CorefileReloader(corefile, good,
                            (text, src) -> CorefileParser.parse(text, src, PillarValues.none()), node.runtime(),
                            node.logStream())) {
                Files.writeString(corefile, good.replace("    bind 127.0.0.1\n", "    bind 127.0.0.1\n    cache 30 {\n"
                        + "        sucess 10\n    }\n"));
                assertFalse(reloader.check());

                assertEquals(1, reloader.failures());
                assertTrue(node.log().contains("[ERROR] Restart failed: " + corefile + ":4:"), node.log());
                assertEquals("192.0.2.1", firstAnswer(node.query("a.test.", Type.A)));
                assertFalse(reloader.check(), "an unchanged bad file is reported once");
                assertEquals(1, reloader.failures());
            }
        }
    }

    @Test
    void forwardingLoopIsDetected() throws Exception {
        int port = freePort();
        try (NodeHarness node = NodeHarness.start("""
                .:%d {
                    loop
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                }
                """.formatted(port, port), clock)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (node.loops().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, node.loops().size());
            assertTrue(node.loops().get(0).matches("Loop \\(127\\.0\\.0\\.1 -> \\.\\) detected for zone \"\\.\", see "
                    + "https://coredns\\.io/plugins/loop#troubleshooting\\. Query: \"HINFO \\d+\\.\\d+\\.\""),
                    node.loops().get(0));
        }
    }

    @Test
    void noLoopIsReportedWhenTheUpstreamAnswers() throws Exception {
        try (TestUpstream up = TestUpstream.builder().withSoa("test.", 60, 60).start();
                NodeHarness node = NodeHarness.start("""
                        test:0 {
                            loop
                            bind 127.0.0.1
                            forward . 127.0.0.1:%d
                        }
                        """.formatted(up.port()), clock)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (up.received().stream().noneMatch(r -> r.type() == Type.HINFO) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(300);
            assertTrue(up.received().stream().anyMatch(r -> r.type() == Type.HINFO), "the probe went upstream");
            assertTrue(node.loops().isEmpty());
        }
    }

    @Test
    void healthSaysOkAndReadinessWaitsForAnUpstream() throws Exception {
        try (TestUpstream up = TestUpstream.builder().withSoa("test.", 60, 60).start()) {
            up.silent(true);
            try (NodeHarness node = NodeHarness.start("""
                    test:0 {
                        bind 127.0.0.1
                        health 127.0.0.1:0
                        forward . 127.0.0.1:%d
                    }
                    """.formatted(up.port()), clock)) {
                InetSocketAddress health = node.runtime().healthAddresses().get(0);
                assertEquals("200 OK", get(health, "/health"));
                assertEquals("503 no upstream has answered a health probe yet", get(health, "/ready"));
                up.silent(false);
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!node.runtime().readiness().ready() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals("200 OK", get(health, "/ready"));
            }
        }
    }

    @Test
    void listensOnEveryBindAddress() throws Exception {
        try (TestUpstream up = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.1").start();
                NodeHarness node = NodeHarness.start("""
                        .:%d {
                            bind 127.0.0.1 127.0.0.2
                            forward . 127.0.0.1:%d
                        }
                        """.formatted(freePort(), up.port()), clock)) {
            assertEquals(2, node.runtime().addresses().size());
            for (InetSocketAddress a : node.runtime().addresses()) {
                org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(a);
                r.setTimeout(Duration.ofSeconds(2));
                Message m = r.send(Message.newQuery(org.xbill.DNS.Record.newRecord(
                        org.xbill.DNS.Name.fromString("a.test."), Type.A, org.xbill.DNS.DClass.IN)));
                assertEquals("192.0.2.1", firstAnswer(m));
            }
        }
    }

    @Test
    void idleTcpConnectionIsClosed() throws Exception {
        RuntimeOptions quickIdle = new RuntimeOptions(2, true, Duration.ofMillis(300), 64, Duration.ofMillis(300),
                Duration.ofMillis(1500), Duration.ofSeconds(5));
        try (TestUpstream up = TestUpstream.builder().withSoa("test.", 60, 60).start();
                NodeHarness node = NodeHarness.start(".:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:%d\n}\n"
                        .formatted(up.port()), clock, quickIdle);
                java.net.Socket s = new java.net.Socket(node.dns().getAddress(), node.dns().getPort())) {
            s.setSoTimeout(3000);
            long start = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "server closed the idle connection");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
        }
    }

    private static String get(InetSocketAddress a, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + a.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static String corefileOn(int port, int upstreamPort) {
        return """
                .:%d {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                }
                """.formatted(port, upstreamPort);
    }

    static int freePort() throws IOException {
        return io.nodecache.testing.FreePorts.udpAndTcp();
    }

    private static String firstAnswer(Message m) {
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        return m.getSection(Section.ANSWER).get(0).rdataToString();
    }
}
