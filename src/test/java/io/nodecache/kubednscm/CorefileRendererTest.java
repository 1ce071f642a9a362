package io.nodecache.kubednscm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.corefile.ServerBlock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** node-cache's rendering of the base Corefile and the kube-dns ConfigMap into {@code -conf}. */
class CorefileRendererTest {

    /** As node-cache runs in the upstream manifest: {@code -localip 169.254.20.10,10.96.0.10}. */
    private static final PillarValues PILLARS = new PillarValues(List.of("169.254.20.10", "10.96.0.10"), "10.96.0.10",
            "cluster.local", "10.96.0.11", List.of("192.0.2.53"));
    private static final String BASE = "/etc/coredns/Corefile.base";
    private static final String CONF = "/etc/Corefile";

    @Test
    void eachStubDomainGetsNodeCachesBlockAfterTheBase() throws Exception {
        String base = resource("/corefile/nodelocaldns.Corefile");
        KubeDnsConfig config = KubeDnsConfig.parse(
                "{\"corp.example\": [\"10.0.0.1:5353\", \"10.0.0.2\"], \"acme.local\": [\"1.2.3.4\"]}", "stubDomains",
                null, "upstreamNameservers");

        String rendered = CorefileRenderer.render(base, BASE, config, PILLARS, null, CONF);

        assertThat(rendered).startsWith(PILLARS.substitute(base));
        assertThat(rendered.substring(PILLARS.substitute(base).length())).isEqualTo("""

                acme.local:53 {
                    errors
                    cache 30
                    bind 169.254.20.10 10.96.0.10
                    forward . 1.2.3.4
                }

                corp.example:53 {
                    errors
                    cache 30
                    bind 169.254.20.10 10.96.0.10
                    forward . 10.0.0.1:5353 10.0.0.2
                }
                """);
        NodeConfig parsed = CorefileParser.parse(rendered, CONF, PillarValues.none());
        ServerBlock corp = parsed.blocks().get(5);
        assertThat(corp.zones()).containsExactly("corp.example.");
        assertThat(corp.reload()).as("node-cache's stub block has no reload").isEmpty();
        assertThat(corp.loop()).isFalse();
        assertThat(corp.prometheus()).isEmpty();
        assertThat(corp.forward().orElseThrow().to()).containsExactly(
                new InetSocketAddress("10.0.0.1", 5353), new InetSocketAddress("10.0.0.2", 53));
    }

    @Test
    void withoutUpstreamNameserversTheNodesOwnUpstreamsAreUsed() throws Exception {
        String rendered = CorefileRenderer.render(".:53 {\n    forward . __PILLAR__UPSTREAM__SERVERS__\n}\n", BASE,
                KubeDnsConfig.empty(), PILLARS, null, CONF);

        assertThat(rendered).isEqualTo(".:53 {\n    forward . 192.0.2.53\n}\n");
    }

    @Test
    void upstreamNameserversReplaceThePlaceholderAndTheirForwardGoesUdpAsNodeCacheDoes() throws Exception {
        String base = """
                .:53 {
                    forward . __PILLAR__UPSTREAM__SERVERS__ {
                            force_tcp
                    }
                }
                cluster.local:53 {
                    forward . __PILLAR__CLUSTER__DNS__ {
                            force_tcp
                    }
                }
                """;
        KubeDnsConfig config = KubeDnsConfig.parse(null, "stubDomains", "[\"8.8.8.8\", \"8.8.4.4:53\"]",
                "upstreamNameservers");

        String rendered = CorefileRenderer.render(base, BASE, config, PILLARS, null, CONF);

        assertThat(rendered).isEqualTo("""
                .:53 {
                    forward . 8.8.8.8 8.8.4.4:53
                }
                cluster.local:53 {
                    forward . 10.96.0.11 {
                            force_tcp
                    }
                }
                """);
    }

    @Test
    void theStubBlocksListenOnThePortOfTheRootBlock() throws Exception {
        String base = "cluster.local:1053 {\n    forward . 10.96.0.11\n}\n.:5300 {\n    forward . 192.0.2.53\n}\n";
        KubeDnsConfig config = KubeDnsConfig.parse("{\"acme.local\": [\"1.2.3.4\"]}", "stubDomains", null, "u");

        String rendered = CorefileRenderer.render(base, BASE, config, PILLARS, "a header", CONF);

        assertThat(rendered).startsWith("# a header\ncluster.local:1053 {").contains("\nacme.local:5300 {\n");
    }

    @Test
    void aStubDomainTheBaseAlreadyServesIsRefusedBeforeAnythingIsWritten() throws Exception {
        KubeDnsConfig config = KubeDnsConfig.parse("{\"cluster.local\": [\"1.2.3.4\"]}", "stubDomains", null, "u");

        CorefileException e = catchThrowableOfType(CorefileException.class, () -> CorefileRenderer.render(
                resource("/corefile/nodelocaldns.Corefile"), BASE, config, PILLARS, null, CONF));

        assertThat(e.source()).isEqualTo(CONF);
        assertThat(e.getMessage()).contains("cannot serve cluster.local.:53 multiple times");
    }

    @Test
    void aBadBaseIsReportedOnItsOwnLine() {
        CorefileException e = catchThrowableOfType(CorefileException.class, () -> CorefileRenderer.render(
                ".:53 {\n    errors\n    rewrite name a b\n}\n", BASE, KubeDnsConfig.empty(), PILLARS, null, CONF));

        assertThat(e.source()).isEqualTo(BASE);
        assertThat(e.line()).isEqualTo(3);
    }

    @Test
    void aPlaceholderWithNoKnownValueIsAnErrorNotNodeCachesEmptyString() {
        PillarValues noClusterDns = new PillarValues(List.of("169.254.20.10"), null, "cluster.local", null,
                List.of("192.0.2.53"));

        CorefileException e = catchThrowableOfType(CorefileException.class, () -> CorefileRenderer.render(
                "cluster.local:53 {\n    forward . __PILLAR__CLUSTER__DNS__\n}\n", BASE, KubeDnsConfig.empty(),
                noClusterDns, null, CONF));

        assertThat(e.getMessage()).contains(BASE + ":2:").contains("__PILLAR__CLUSTER__DNS__");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = CorefileRendererTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
