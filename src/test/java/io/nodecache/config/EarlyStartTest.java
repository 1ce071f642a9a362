package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.dns.runtime.NodeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** main's path: the DNS node starts before Spring, and Spring keeps it, or rebuilds it when its config differs. */
@ExtendWith(OutputCaptureExtension.class)
class EarlyStartTest {

    private static final String COREFILE = """
            cluster.local:0 {
                cache 30
                bind 127.0.0.1
                forward . __PILLAR__CLUSTER__DNS__
            }
            """;

    @Test
    void theNodeStartedByMainIsTheOneSpringServes(@TempDir Path dir, CapturedOutput output) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), COREFILE);
        // The test classpath's config/application.properties sets nodecache.upstream-servers: say the same here,
        // or Spring's view would differ from main's and the node be rebuilt (the next test shows that).
        try (ConfigurableApplicationContext ctx = NodecacheApplication.run(new String[] {
                "--conf=" + corefile, "--server.port=0", "--nodecache.demo.enabled=false",
                "--nodecache.embedded-upstream=true",
                "--nodecache.upstream-servers=127.0.0.1:9"})) {
            NodeRuntime runtime = ctx.getBean(NodeRuntime.class);
            assertEquals(Rcode.NOERROR, ask(runtime, "kubernetes.default.svc.cluster.local.").getRcode());
            assertFalse(output.getOut().contains("restarting the DNS node"), output.getOut());
        }
    }

    @Test
    void aSettingOnlySpringSeesRebuildsTheNode(@TempDir Path dir, CapturedOutput output) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), COREFILE);
        Path props = Files.writeString(dir.resolve("extra.properties"), "nodecache.query-log-size=77\n");
        try (ConfigurableApplicationContext ctx = NodecacheApplication.run(new String[] {
                "--conf=" + corefile, "--server.port=0", "--nodecache.demo.enabled=false",
                "--nodecache.embedded-upstream=true",
                "--spring.config.additional-location=" + props})) {
            assertEquals(77, ctx.getBean(NodeProperties.class).queryLogSize());
            assertTrue(output.getOut().contains("restarting the DNS node"), output.getOut());
            assertEquals(Rcode.NOERROR,
                    ask(ctx.getBean(NodeRuntime.class), "kubernetes.default.svc.cluster.local.").getRcode());
        }
    }

    @Test
    void earlyPropertiesReadTheFormsADaemonSetUses() {
        Properties system = new Properties();
        system.setProperty("nodecache.read-timeout", "700ms");
        NodeProperties p = EarlyProperties.read(new String[] {"--localip=169.254.20.10,10.96.0.10",
                "--nodecache.upstream-servers=10.0.0.2, 10.0.0.3", "--setupiptables=false", "--syncinterval=30s",
                "--nodecache.udp-threads=3", "positional"},
                Map.of("NODECACHE_DNS_DOMAIN", "corp.local", "NODECACHE_QUERYLOGSIZE", "500", "PATH", "/bin"),
                system);
        assertEquals("169.254.20.10,10.96.0.10", p.localip());
        assertEquals(List.of("10.0.0.2", "10.0.0.3"), p.upstreamServers());
        assertEquals("corp.local", p.dnsDomain());
        assertEquals(500, p.queryLogSize());
        assertEquals(3, p.udpThreads());
        assertEquals(Duration.ofMillis(700), p.readTimeout());
        assertEquals(Duration.ofSeconds(30), p.syncinterval());
        assertEquals("", p.conf(), "defaults as NodeProperties has them");
        assertTrue(p.embeddedUpstreamEnabled(), "no conf: the embedded default, with its demo upstream");
        assertNotSame(null, p.deadline());
    }

    private static Message ask(NodeRuntime runtime, String name) throws Exception {
        SimpleResolver r = new SimpleResolver(runtime.addresses().get(0));
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)));
    }
}
