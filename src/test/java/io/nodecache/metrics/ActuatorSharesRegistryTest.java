package io.nodecache.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.testing.TestUpstream;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The whole application from a Corefile with {@code prometheus 127.0.0.1:0}: Boot's Micrometer registry (JVM, web,
 * auth meters) and the node's (CoreDNS meters) write into one Prometheus registry, so {@code /metrics} on the
 * Corefile's address and {@code /actuator/prometheus} show the same series.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"nodecache.demo.enabled=false", "spring.application.name=nodecache-metrics-test"})
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class ActuatorSharesRegistryTest {

    static final TestUpstream UPSTREAM = TestUpstream.builder()
            .withRecord("web.default.svc.cluster.local.", Type.A, 30, "10.0.0.7").start();
    static final Path COREFILE = corefile();

    static {
        // The DNS node starts while Spring reads its environment, before test property sources exist.
        System.setProperty("nodecache.conf", COREFILE.toString());
    }

    private static Path corefile() {
        try {
            Path p = Files.createTempFile("metrics-Corefile", "");
            Files.writeString(p, """
                    cluster.local:0 {
                        cache 30
                        bind 127.0.0.1
                        forward . 127.0.0.1:%d
                        prometheus 127.0.0.1:0
                    }
                    """.formatted(UPSTREAM.port()));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void cleanUp() throws IOException {
        System.clearProperty("nodecache.conf");
        UPSTREAM.close();
        Files.deleteIfExists(COREFILE);
    }

    @LocalServerPort
    int webPort;

    @Autowired
    ApplicationContext context;

    @Autowired
    NodeRuntime runtime;

    @Autowired
    NodeMetrics metrics;

    @Test
    void bootsMetersGoToTheNodesExposition() {
        assertSame(metrics.registry().getPrometheusRegistry(), context.getBean(PrometheusRegistry.class));
        assertSame(metrics.registry().getPrometheusRegistry(),
                context.getBean(PrometheusMeterRegistry.class).getPrometheusRegistry());
        // Boot's filters go on its own registry, never on one already holding the CoreDNS meters.
        assertNotSame(metrics.registry(), context.getBean(MeterRegistry.class));
    }

    @Test
    void startsWithoutMicrometerWarnings(CapturedOutput startUp) {
        assertFalse(startUp.getAll().contains("MeterFilter is being configured after a Meter has been registered"),
                startUp.getAll());
        assertTrue(startUp.getAll().contains("Started"), "the capture saw the context start");
    }

    @Test
    void bothEndpointsShowTheSameCoreDnsSeries() throws Exception {
        InetSocketAddress dns = runtime.addresses().get(0);
        SimpleResolver r = new SimpleResolver(dns);
        r.setTimeout(Duration.ofSeconds(3));
        r.send(Message.newQuery(Record.newRecord(Name.fromString("web.default.svc.cluster.local."), Type.A,
                DClass.IN)));
        String server = "dns://127.0.0.1:" + dns.getPort();

        Exposition node = Exposition.scrapeUntil(
                "http://127.0.0.1:" + metrics.addresses().get(0).getPort() + "/metrics",
                e -> e.value("coredns_dns_requests_total", "server", server) >= 1);
        Exposition actuator = Exposition.scrape("http://127.0.0.1:" + webPort + "/actuator/prometheus");

        for (Exposition m : new Exposition[] {node, actuator}) {
            assertEquals(1, m.value("coredns_dns_requests_total", "server", server, "zone", "cluster.local.",
                    "type", "A", "proto", "udp"), m.text());
            assertEquals(1, m.value("coredns_cache_misses_total", "server", server, "zones", "cluster.local."));
            assertEquals(1, m.value("coredns_forward_requests_total", "to", "127.0.0.1:" + UPSTREAM.port()));
            assertFalse(Double.isNaN(m.value("jvm_memory_used_bytes")), "Boot's JVM binders reach our registry");
        }
    }

    @Test
    void bothEndpointsShowTheSameHistograms() throws Exception {
        InetSocketAddress dns = runtime.addresses().get(0);
        SimpleResolver r = new SimpleResolver(dns);
        r.setTimeout(Duration.ofSeconds(3));
        r.send(Message.newQuery(Record.newRecord(Name.fromString("web.default.svc.cluster.local."), Type.AAAA,
                DClass.IN)));
        String server = "dns://127.0.0.1:" + dns.getPort();

        Exposition node = Exposition.scrapeUntil(
                "http://127.0.0.1:" + metrics.addresses().get(0).getPort() + "/metrics",
                e -> e.value("coredns_dns_request_duration_seconds_count", "server", server, "type", "AAAA") >= 1);
        Exposition actuator = Exposition.scrape("http://127.0.0.1:" + webPort + "/actuator/prometheus");

        // collected from the Prometheus registry under Micrometer, not from meters: both endpoints must still see them
        for (String family : new String[] {"coredns_dns_request_duration_seconds", "coredns_dns_request_size_bytes",
            "coredns_dns_response_size_bytes", "coredns_forward_request_duration_seconds"}) {
            List<String> fromNode = samples(node, family);
            assertFalse(fromNode.isEmpty(), family + " in\n" + node.text());
            assertEquals(fromNode, samples(actuator, family), family);
        }
    }

    /** The sample lines of a histogram family and its {@code _max}, less the {@code _max} values (they may age). */
    private static List<String> samples(Exposition m, String family) {
        return m.text().lines().filter(l -> l.startsWith(family + "_"))
                .map(l -> l.startsWith(family + "_max{") ? l.substring(0, l.lastIndexOf(' ')) : l).toList();
    }
}
