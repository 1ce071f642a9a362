package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.NodecacheApplication;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The whole node as node-cache runs in the upstream manifest: a base Corefile and a kube-dns ConfigMap directory
 * rendered into {@code conf}, stub domains served by their own servers, ConfigMap edits applied within the interval
 * by the node's reload, and a broken ConfigMap counted while the last good configuration keeps answering.
 */
class KubeDnsConfigMapEndToEndTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Pattern CONFIGMAP_ERRORS =
            Pattern.compile("(?m)^coredns_nodecache_setup_errors_total\\{errortype=\"configmap\"} (\\S+)$");

    private final AtomicInteger probes = new AtomicInteger();

    @Test
    void stubDomainsAndUpstreamsFollowTheConfigMapAndABrokenOneIsCountedAndIgnored(@TempDir Path dir)
            throws Exception {
        try (TestUpstream nodeUpstream = TestUpstream.builder()
                        .withRecord("www.outside.test.", Type.A, 30, "192.0.2.100").start();
                TestUpstream cmUpstream = TestUpstream.builder()
                        .withRecord("www2.outside.test.", Type.A, 30, "192.0.2.103").start();
                TestUpstream stubA = TestUpstream.builder()
                        .withRecord("www.acme.test.", Type.A, 30, "192.0.2.1").start();
                TestUpstream stubB = TestUpstream.builder()
                        .withRecord("fresh.acme.test.", Type.A, 30, "192.0.2.2").start()) {
            int port = freePort();
            Path base = Files.writeString(dir.resolve("Corefile.base"), """
                    .:%d {
                        errors
                        reload
                        bind __PILLAR__LOCAL__DNS__
                        forward . __PILLAR__UPSTREAM__SERVERS__
                    }
                    """.formatted(port));
            Path cm = Files.createDirectory(dir.resolve("kube-dns"));
            put(cm, "stubDomains", "{\"acme.test\": [\"127.0.0.1:" + stubA.port() + "\"]}");
            Path conf = dir.resolve("Corefile");

            try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(NodecacheApplication.class).run(
                    "--conf=" + conf, "--basecorefile=" + base, "--kubednscm=" + cm, "--localip=127.0.0.1",
                    "--server.port=0", "--nodecache.embedded-upstream=false", "--nodecache.demo.enabled=false",
                    "--nodecache.upstream-servers=127.0.0.1:" + nodeUpstream.port(),
                    "--nodecache.kubednscm-interval=200ms", "--nodecache.reload-interval=200ms")) {
                InetSocketAddress node = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                String metrics = "http://127.0.0.1:" + ctx.getEnvironment().getProperty("local.server.port")
                        + "/actuator/prometheus";

                // At start: the stub domain goes to its server, the rest to the node's own upstream.
                assertThat(Files.readString(conf)).contains("acme.test:" + port + " {");
                assertThat(answer(node, "www.acme.test.")).isEqualTo("192.0.2.1");
                assertThat(answer(node, "www.outside.test.")).isEqualTo("192.0.2.100");
                assertThat(configmapErrors(metrics)).as("exposed without host networking").isEqualTo(0.0);

                put(cm, "upstreamNameservers", "[\"127.0.0.1:" + cmUpstream.port() + "\"]");
                awaitServedBy(node, cmUpstream, "outside.test.");
                assertThat(answer(node, "www2.outside.test.")).isEqualTo("192.0.2.103");

                put(cm, "stubDomains", "{\"acme.test\": [\"127.0.0.1:" + stubB.port() + "\"]}");
                awaitServedBy(node, stubB, "acme.test.");
                assertThat(answer(node, "fresh.acme.test.")).isEqualTo("192.0.2.2");

                String good = Files.readString(conf);
                put(cm, "stubDomains", "{\"acme.test\": [\"127.0.0.1:" + stubA.port() + "\"");
                await(() -> configmapErrors(metrics) == 1.0, "the broken stubDomains counted");

                Thread.sleep(600); // a few more intervals: counted once, nothing written
                assertThat(configmapErrors(metrics)).isEqualTo(1.0);
                assertThat(Files.readString(conf)).isEqualTo(good);
                String probe = probe("acme.test.");
                ask(node, probe);
                assertThat(stubB.queriesFor(probe, Type.A)).as("the last good stub server still answers")
                        .isEqualTo(1);
                assertThat(stubA.queriesFor(probe, Type.A)).isZero();
                assertThat(get(metrics)).contains("coredns_reload_failed_total 0.0");
            }
        }
    }

    /** Probes fresh names (the stub blocks cache) until {@code upstream} receives one. */
    private void awaitServedBy(InetSocketAddress node, TestUpstream upstream, String zone) throws Exception {
        await(() -> {
            String name = probe(zone);
            ask(node, name);
            return upstream.queriesFor(name, Type.A) > 0;
        }, "queries for " + zone + " reach 127.0.0.1:" + upstream.port());
    }

    private String probe(String zone) {
        return "probe" + probes.incrementAndGet() + "." + zone;
    }

    /** Replaces a ConfigMap key as the kubelet does: a whole new file, never a half-written one. */
    private static void put(Path cm, String key, String value) throws IOException {
        Path tmp = Files.writeString(cm.resolve(".." + key + ".tmp"), value);
        Files.move(tmp, cm.resolve(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String answer(InetSocketAddress node, String name) {
        Message m = ask(node, name);
        assertThat(m.getRcode()).as(m.toString()).isEqualTo(Rcode.NOERROR);
        return m.getSection(Section.ANSWER).get(0).rdataToString();
    }

    private static Message ask(InetSocketAddress node, String name) {
        try {
            SimpleResolver r = new SimpleResolver(node);
            r.setTimeout(Duration.ofSeconds(3));
            return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double configmapErrors(String metrics) {
        Matcher m = CONFIGMAP_ERRORS.matcher(get(metrics));
        assertThat(m.find()).as("the configmap series is served").isTrue();
        assertThat(m.group(1)).as("a number, not NaN").isNotEqualTo("NaN");
        return Double.parseDouble(m.group(1));
    }

    private static String get(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WITHIN + ": " + what);
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        return io.nodecache.testing.FreePorts.udpAndTcp();
    }
}
