package io.nodecache.corefile;

import static org.assertj.core.api.Assertions.assertThat;

import io.nodecache.corefile.CacheConfig.StoreConfig;
import io.nodecache.corefile.ForwardConfig.Policy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Corefiles that node-local-dns deployments actually ship parse into what CoreDNS would run. */
class UpstreamCorefilesTest {

    private static final PillarValues PILLARS = new PillarValues(
            List.of("169.254.20.10"), "10.96.0.10", "cluster.local", "10.96.0.11", List.of("8.8.8.8", "1.1.1.1"));

    @Test
    void kubernetesNodelocaldnsManifest() throws Exception {
        NodeConfig config = CorefileParser.parse(Corefiles.resource("nodelocaldns.Corefile"), "nodelocaldns.Corefile",
                PILLARS);

        assertThat(config.source()).isEqualTo("nodelocaldns.Corefile");
        assertThat(config.blocks()).extracting(ServerBlock::zones)
                .containsExactly(List.of("cluster.local."), List.of("in-addr.arpa."), List.of("ip6.arpa."), List.of("."));
        assertThat(config.blocks()).extracting(ServerBlock::line).containsExactly(2, 17, 28, 39);

        ServerBlock cluster = config.blocks().get(0);
        assertThat(cluster.cache()).hasValue(new CacheConfig(
                new StoreConfig(9984, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                new StoreConfig(9984, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                java.util.Optional.empty(), java.util.Optional.empty(), Duration.ofSeconds(5), false));
        assertThat(cluster.health()).hasValue(new InetSocketAddress(ip("169.254.20.10"), 8080));

        for (ServerBlock block : config.blocks()) {
            assertThat(block.port()).isEqualTo(53);
            assertThat(block.errors()).isTrue();
            assertThat(block.loop()).isTrue();
            assertThat(block.log()).isFalse();
            assertThat(block.reload()).hasValue(Duration.ofSeconds(30));
            assertThat(block.binds()).containsExactly(ip("169.254.20.10"), ip("10.96.0.10"));
            assertThat(block.prometheus()).hasValue(new InetSocketAddress(ip("0.0.0.0"), 9253));
            ForwardConfig forward = block.forward().orElseThrow();
            assertThat(forward.from()).isEqualTo(".");
            assertThat(forward.except()).isEmpty();
            assertThat(forward.policy()).isEqualTo(Policy.RANDOM);
            assertThat(forward.maxFails()).isEqualTo(2);
            assertThat(forward.healthCheck()).isEqualTo(Duration.ofMillis(500));
            assertThat(forward.expire()).isEqualTo(Duration.ofSeconds(10));
            assertThat(forward.maxConcurrent()).isZero();
            assertThat(forward.preferUdp()).isFalse();
        }
        for (ServerBlock block : config.blocks().subList(1, 4)) {
            assertThat(block.cache()).hasValue(new CacheConfig(
                    new StoreConfig(9984, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                    new StoreConfig(9984, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                    java.util.Optional.empty(), java.util.Optional.empty(), Duration.ofSeconds(5), false));
            assertThat(block.health()).isEmpty();
        }
        for (ServerBlock block : config.blocks().subList(0, 3)) {
            assertThat(block.forward().orElseThrow().to()).containsExactly(new InetSocketAddress(ip("10.96.0.11"), 53));
            assertThat(block.forward().orElseThrow().forceTcp()).isTrue();
        }
        ForwardConfig root = config.blocks().get(3).forward().orElseThrow();
        assertThat(root.to()).containsExactly(
                new InetSocketAddress(ip("8.8.8.8"), 53), new InetSocketAddress(ip("1.1.1.1"), 53));
        assertThat(root.forceTcp()).isFalse();
    }

    /** With node-cache's iptables-mode flags (-localip LINKLOCAL,KUBEDNS) the service IP is bound once. */
    @Test
    void kubernetesManifestWithIptablesModeLocalIps() throws Exception {
        PillarValues pillars = new PillarValues(PillarValues.splitLocalIp("169.254.20.10,10.96.0.10"), "10.96.0.10",
                "cluster.local", "10.96.0.11", List.of("8.8.8.8"));

        NodeConfig config = CorefileParser.parse(Corefiles.resource("nodelocaldns.Corefile"), "n", pillars);

        assertThat(config.blocks().get(0).binds()).containsExactly(ip("169.254.20.10"), ip("10.96.0.10"));
        assertThat(config.blocks().get(0).health()).hasValue(new InetSocketAddress(ip("169.254.20.10"), 8080));
    }

    @Test
    void ciliumLocalRedirectExample() throws Exception {
        PillarValues pillars = new PillarValues(List.of(), null, null, "10.96.0.11", List.of("192.168.1.1"));

        NodeConfig config = CorefileParser.parse(Corefiles.resource("cilium-node-local-dns.Corefile"), "cilium",
                pillars);

        assertThat(config.blocks()).extracting(ServerBlock::zones)
                .containsExactly(List.of("cluster.local."), List.of("in-addr.arpa."), List.of("ip6.arpa."), List.of("."));
        assertThat(config.blocks()).allSatisfy(b -> {
            assertThat(b.binds()).containsExactly(ip("0.0.0.0"));
            assertThat(b.prometheus()).hasValue(new InetSocketAddress(ip("0.0.0.0"), 9253));
        });
        assertThat(config.blocks().get(0).health()).hasValue(new InetSocketAddress(ip("0.0.0.0"), 8080));
        assertThat(config.blocks().get(3).forward().orElseThrow().to())
                .containsExactly(new InetSocketAddress(ip("192.168.1.1"), 53));
    }

    @Test
    void missingClusterDnsNamesTheFirstLineThatUsesIt() {
        PillarValues pillars = new PillarValues(List.of("169.254.20.10"), "10.96.0.10", "cluster.local", null,
                List.of("8.8.8.8"));

        CorefileException e = org.assertj.core.api.Assertions.catchThrowableOfType(CorefileException.class,
                () -> CorefileParser.parse(Corefiles.resource("nodelocaldns.Corefile"), "n", pillars));

        assertThat(e.line()).isEqualTo(11);
        assertThat(e.getMessage()).contains("__PILLAR__CLUSTER__DNS__ is used but no cluster DNS IP is known: "
                + "set upstreamsvc or the KUBE_DNS_UPSTREAM_SERVICE_HOST env var");
    }

    static InetAddress ip(String literal) {
        return Args.ipLiteral(literal);
    }
}
