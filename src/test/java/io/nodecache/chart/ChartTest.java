package io.nodecache.chart;

import static io.nodecache.chart.ChartRender.NAMESPACE;
import static io.nodecache.chart.ChartRender.all;
import static io.nodecache.chart.ChartRender.generic;
import static io.nodecache.chart.ChartRender.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.corefile.ServerBlock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The chart rendered by Helm for both modes, read as the API server would, and held to what the node needs. */
class ChartTest {

    static final String KUBE_DNS = "10.96.0.10";
    /** What Kubernetes puts in KUBE_DNS_UPSTREAM_SERVICE_HOST: the kube-dns-upstream Service's IP. */
    static final String UPSTREAM_SVC_IP = "10.96.0.53";
    /** The node's /etc/resolv.conf nameserver (dnsPolicy: Default). */
    static final String NODE_RESOLVER = "10.0.0.2";

    /** Every flag the node knows (NodeCacheFlags' node-cache names, and the Spring properties the chart passes). */
    static final Set<String> KNOWN_FLAGS = Set.of("localip", "conf", "setupinterface", "setupiptables", "skipteardown",
            "syncinterval", "health-port", "kubednscm", "basecorefile", "upstreamsvc", "interfacename",
            "nodecache.dns-domain", "server.port", "nodecache.node.enabled", "nodecache.dashboard.enabled",
            "nodecache.dashboard.discovery", "nodecache.dashboard.namespace", "nodecache.dashboard.label-selector",
            "nodecache.dashboard.node-port", "nodecache.dashboard.transport", "nodecache.api-audience",
            "nodecache.dashboard.auth.mode",
            "nodecache.dashboard.auth.users-file", "nodecache.dashboard.auth.trusted-proxies",
            "nodecache.dashboard.auth.user-header", "nodecache.dashboard.auth.groups-header",
            "nodecache.dashboard.auth.operator-groups", "nodecache.dashboard.auth.viewer-groups");

    static Map<String, Object> iptables() {
        return new LinkedHashMap<>(Map.of("mode", "iptables", "kubeDnsIP", KUBE_DNS));
    }

    static Map<String, Object> cilium() {
        return new LinkedHashMap<>(Map.of("mode", "cilium"));
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static DaemonSet node(List<HasMetadata> objects) {
        return one(objects, DaemonSet.class, "node-local-dns");
    }

    static Container nodeContainer(List<HasMetadata> objects) {
        List<Container> containers = node(objects).getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, containers.size());
        return containers.get(0);
    }

    /** The container's args as flag name to value ({@code --name=value}); fails on anything else. */
    static Map<String, String> flags(Container c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : c.getArgs()) {
            assertTrue(a.startsWith("--") && a.contains("="), "not --name=value: " + a);
            String name = a.substring(2, a.indexOf('='));
            assertNull(out.put(name, a.substring(a.indexOf('=') + 1)), "given twice: " + name);
        }
        return out;
    }

    /** The ConfigMap's Corefile parsed by the node's own parser, its pillars filled as the node fills them. */
    static NodeConfig corefile(List<HasMetadata> objects) throws Exception {
        Map<String, String> f = flags(nodeContainer(objects));
        String text = one(objects, ConfigMap.class, "node-local-dns").getData().get("Corefile");
        PillarValues pillars = new PillarValues(PillarValues.splitLocalIp(f.get("localip")), null,
                f.get("nodecache.dns-domain"),
                PillarValues.clusterDnsFromEnv(f.get("upstreamsvc"),
                        Map.of("KUBE_DNS_UPSTREAM_SERVICE_HOST", UPSTREAM_SVC_IP)),
                List.of(NODE_RESOLVER));
        return CorefileParser.parse(text, "Corefile.base", pillars);
    }

    static ServerBlock block(NodeConfig config, String zone) {
        return config.blocks().stream().filter(b -> b.zones().contains(zone)).findFirst()
                .orElseThrow(() -> new AssertionError("no block for " + zone));
    }

    // --- lint ---------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"iptables, 10.96.0.10", "cilium, ''"})
    void lintsStrictly(String mode, String kubeDnsIp, @TempDir Path scratch) throws Exception {
        LintResult lint = ChartRender.lint(scratch, Map.of("mode", mode, "kubeDnsIP", '"' + kubeDnsIp + '"'));
        assertFalse(lint.isFailed(), String.join("\n", lint.getMessages()));
    }

    @Test
    void lintFailsOnTheDefaultsAloneBecauseKubeDnsIpMustBeGiven(@TempDir Path scratch) throws Exception {
        LintResult lint = ChartRender.lint(scratch, Map.of());
        assertTrue(lint.isFailed());
        assertTrue(String.join("\n", lint.getMessages()).contains("kubeDnsIP"), lint.getMessages().toString());
    }

    // --- the schema ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "mode=ipvs",
            "mode=iptables,kubeDnsIP=",
            "localIP=300.1.1.1",
            "kubeDnsIP=10.96.0",
            "kubeDnsIP=kube-dns",
            "clusterDomain=Cluster_Local",
            "dashboard.transport=tunnel",
            "corefile.healthPort=70000",
            "corefile.upstreamServers[0]=8.8.8.300",
            "corefile.maxConcurrent=-1",
            "nodeCache=true",
            "dashboard.auth.mode=none",
            "dashboard.auth.mode=proxy",
            "dashboard.auth.proxy.trustedProxies[0]=proxy.example",
            "dashboard.auth.proxy.userHeader=X User",
            // an open resolver on every node: the unspecified address as the one the node listens on
            "localIP=0.0.0.0",
            "localIP=::",
            "kubeDnsIP=0.0.0.0",
            // values the node refuses at start (its forward takes plain DNS, ports 1-65535; its flags' durations)
            "corefile.upstreamServers[0]=tls://1.1.1.1",
            "corefile.upstreamServers[0]=/etc/resolv.conf",
            "corefile.upstreamServers[0]=8.8.8.8:0",
            "corefile.upstreamServers[0]=8.8.8.8:65536",
            // a label of 64 characters (RFC 1035 allows 63): the node's Corefile parser refuses the zone
            "clusterDomain=cluster-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.local",
            "node.syncInterval=1m30s",
            "node.syncInterval=0s",
            // extra arguments that repeat one the chart sets (Spring reads two as a list) or are no argument at all
            "node.extraArgs[0]=--localip=0.0.0.0",
            "node.extraArgs[0]=--nodecache.setupiptables=false",
            "node.extraArgs[0]=--server.port=9000",
            "node.extraArgs[0]=-Xmx1g",
            "dashboard.extraArgs[0]=--nodecache.dashboard.transport=proxy",
            "dashboard.extraArgs[0]=--nodecache.dashboard.auth.mode=none",
            "node.extraArgs[0]=--nodecache.api-audience=other",
            "serviceMonitor.interval=often",
    })
    void schemaRejects(String sets) {
        Map<String, Object> values = iptables();
        if (sets.equals("mode=iptables,kubeDnsIP=")) {
            values.remove("kubeDnsIP");
        } else {
            String[] kv = sets.split("=", 2);
            values.put(kv[0], kv[1]);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ChartRender.template(values));
        assertTrue(e.getMessage().contains("schema"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "corefile.upstreamServers[0]=[2001:db8::1]:53",
            "corefile.upstreamServers[0]=2001:db8::53",
            "corefile.upstreamServers[0]=10.0.0.2:65535",
            "node.syncInterval=500ms",
            "node.extraArgs[0]=--nodecache.udp-threads=2",
            "node.extraArgs[0]=--debug",
            "dashboard.extraArgs[0]=--nodecache.dashboard.refresh=5s",
            "serviceMonitor.interval=1m30s",
    })
    void schemaStillAccepts(String sets) {
        String[] kv = sets.split("=", 2);
        assertFalse(ChartRender.render(with(iptables(), kv[0], kv[1])).isEmpty());
    }

    /** What the schema now rejects, the node would have refused at start: shown with the node's own readers. */
    @ParameterizedTest
    @ValueSource(strings = {"tls://1.1.1.1", "/etc/resolv.conf", "8.8.8.8:0", "8.8.8.8:65536"})
    void upstreamServersTheSchemaRejectsTheNodeRefuses(String upstream) {
        assertThrows(io.nodecache.corefile.CorefileException.class, () -> CorefileParser.parse(
                ".:53 {\n    forward . " + upstream + "\n}\n", "Corefile", PillarValues.none()));
    }

    @Test
    void aClusterDomainLabelTheSchemaRejectsTheNodeRefuses() {
        assertThrows(io.nodecache.corefile.CorefileException.class, () -> CorefileParser.parse(
                "cluster-" + "a".repeat(59) + ".local:53 {\n    forward . 10.0.0.2\n}\n", "Corefile",
                PillarValues.none()));
    }

    @Test
    void aSyncIntervalTheSchemaRejectsTheNodeRefuses() {
        assertThrows(IllegalArgumentException.class,
                () -> org.springframework.boot.convert.DurationStyle.detectAndParse("1m30s"));
    }

    @Test
    void iptablesWithoutKubeDnsIpIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ChartRender.template(Map.of("mode", "iptables")));
        assertTrue(e.getMessage().contains("kubeDnsIP"), e.getMessage());
    }

    @Test
    void ciliumNeedsNoKubeDnsIp() {
        assertFalse(ChartRender.render(cilium()).isEmpty());
    }

    // --- what each mode renders ---------------------------------------------------------------------------------

    @Test
    void iptablesModeRunsOnTheHostNetworkAsNodeLocalDnsDoes() {
        List<HasMetadata> objects = ChartRender.render(iptables());
        PodSpec pod = node(objects).getSpec().getTemplate().getSpec();
        Container c = nodeContainer(objects);

        assertEquals(Boolean.TRUE, pod.getHostNetwork());
        assertEquals("Default", pod.getDnsPolicy());
        assertEquals("system-node-critical", pod.getPriorityClassName());
        assertEquals(1, pod.getTolerations().size());
        assertEquals("Exists", pod.getTolerations().get(0).getOperator());
        assertNull(pod.getTolerations().get(0).getKey(), "every taint is tolerated");
        assertEquals(List.of("NET_ADMIN"), c.getSecurityContext().getCapabilities().getAdd());

        Volume lock = volume(pod, "xtables-lock");
        assertEquals("/run/xtables.lock", lock.getHostPath().getPath());
        assertEquals("FileOrCreate", lock.getHostPath().getType());
        assertEquals("/run/xtables.lock", mount(c, "xtables-lock").getMountPath());

        Map<String, String> f = flags(c);
        assertEquals("169.254.20.10," + KUBE_DNS, f.get("localip"));
        assertEquals("true", f.get("setupinterface"));
        assertEquals("true", f.get("setupiptables"));
        assertEquals("false", f.get("skipteardown"));
        assertEquals("kube-dns-upstream", f.get("upstreamsvc"));
        assertEquals("8181", f.get("server.port"), "the web port must not be health's 8080 on the host network");

        assertTrue(ChartRender.generic(objects, "CiliumLocalRedirectPolicy").isEmpty());
    }

    /**
     * On the host network the API server turns every containerPort into a hostPort, and the scheduler then cannot
     * place the surge pod beside the old one: the maxSurge rollout would never start.
     */
    @Test
    void iptablesModeDeclaresNoContainerPortsSoTheSurgePodCanBeScheduled() {
        assertTrue(nodeContainer(ChartRender.render(iptables())).getPorts().isEmpty());
    }

    @Test
    void ciliumModeRunsOnThePodNetworkAsNonRootBehindTheRedirectPolicy() throws Exception {
        List<HasMetadata> objects = ChartRender.render(cilium());
        DaemonSet ds = node(objects);
        PodSpec pod = ds.getSpec().getTemplate().getSpec();
        Container c = nodeContainer(objects);

        assertFalse(Boolean.TRUE.equals(pod.getHostNetwork()));
        assertEquals("53", ds.getSpec().getTemplate().getMetadata().getAnnotations().get("io.cilium.no-track-port"));
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(65532L, pod.getSecurityContext().getRunAsUser());
        assertEquals("net.ipv4.ip_unprivileged_port_start", pod.getSecurityContext().getSysctls().get(0).getName());
        assertEquals("53", pod.getSecurityContext().getSysctls().get(0).getValue());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        List<String> added = c.getSecurityContext().getCapabilities().getAdd();
        assertTrue(added == null || added.isEmpty(), "no NET_ADMIN, no NET_BIND_SERVICE: " + added);
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getHostPath() != null), "no hostPath at all");

        Map<String, String> f = flags(c);
        assertEquals("false", f.get("setupinterface"));
        assertEquals("false", f.get("setupiptables"));
        assertEquals("true", f.get("skipteardown"));

        Map<String, String> ports = c.getPorts().stream().collect(Collectors.toMap(p -> p.getName(),
                p -> p.getContainerPort() + "/" + p.getProtocol()));
        assertEquals("53/UDP", ports.get("dns"));
        assertEquals("53/TCP", ports.get("dns-tcp"));
        assertEquals("9253/TCP", ports.get("metrics"));

        for (ServerBlock b : corefile(objects).blocks()) {
            assertEquals(List.of(InetAddress.getByName("0.0.0.0")), b.binds(), b.zones() + " binds the pod's addresses");
        }
    }

    @Test
    void theRedirectPolicySendsKubeDnsTrafficToTheNodePods() {
        List<GenericKubernetesResource> lrps = generic(ChartRender.render(cilium()), "CiliumLocalRedirectPolicy");
        assertEquals(1, lrps.size());
        GenericKubernetesResource lrp = lrps.get(0);
        assertEquals("cilium.io/v2", lrp.getApiVersion());
        assertEquals(NAMESPACE, lrp.getMetadata().getNamespace(), "an LRP's backends are in its own namespace");
        assertEquals("kube-dns", lrp.get("spec", "redirectFrontend", "serviceMatcher", "serviceName"));
        assertEquals("kube-system", lrp.get("spec", "redirectFrontend", "serviceMatcher", "namespace"));
        assertEquals(Map.of("k8s-app", "node-local-dns"),
                lrp.get("spec", "redirectBackend", "localEndpointSelector", "matchLabels"));
        assertEquals(List.of(Map.of("port", "53", "name", "dns", "protocol", "UDP"),
                        Map.of("port", "53", "name", "dns-tcp", "protocol", "TCP")),
                lrp.get("spec", "redirectBackend", "toPorts"));
        assertEquals(Boolean.TRUE, lrp.get("spec", "skipRedirectFromBackend"));
        assertEquals(Set.of("redirectFrontend", "redirectBackend", "skipRedirectFromBackend"),
                ((Map<?, ?>) lrp.getAdditionalProperties().get("spec")).keySet());

        GenericKubernetesResource older = generic(ChartRender.render(
                with(cilium(), "cilium.skipRedirectFromBackend", false)), "CiliumLocalRedirectPolicy").get(0);
        assertNull(older.get("spec", "skipRedirectFromBackend"), "left out for Cilium versions without the field");
    }

    @Test
    void theSelectorIsNodeLocalDnsOwnSoAnExistingDaemonSetCanBeAdopted() {
        DaemonSet ds = node(ChartRender.render(iptables()));
        assertEquals(Map.of("k8s-app", "node-local-dns"), ds.getSpec().getSelector().getMatchLabels());
        assertEquals("node-local-dns", ds.getSpec().getTemplate().getMetadata().getLabels().get("k8s-app"));
    }

    // --- the node's contract ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "cilium"})
    void onlyArgsAreGivenAndEveryFlagIsOneTheNodeKnows(String mode) {
        List<HasMetadata> objects = ChartRender.render(mode.equals("iptables") ? iptables() : cilium());
        Container node = nodeContainer(objects);
        assertTrue(node.getCommand() == null || node.getCommand().isEmpty(), "the node keeps the image's entrypoint");
        Container dashboard = one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate()
                .getSpec().getContainers().get(0);
        // The dashboard's: the image's entrypoint without the supervisor (no host networking), its own heap after
        // the argfile, where the last -Xmx wins.
        List<String> expected = new java.util.ArrayList<>(io.nodecache.image.DockerfileTest.ENTRYPOINT.subList(1,
                io.nodecache.image.DockerfileTest.ENTRYPOINT.size()));
        expected.add(expected.indexOf("@/app/jvm.options") + 1, "-Xmx192m");
        assertEquals(expected, dashboard.getCommand());
        for (Container c : List.of(node, dashboard)) {
            for (String flag : flags(c).keySet()) {
                assertTrue(KNOWN_FLAGS.contains(flag), c.getName() + ": unknown flag --" + flag);
            }
        }
    }

    private static boolean dashboardCommandHasSupervisor(Container c) {
        return c.getCommand().stream().anyMatch(a -> a.contains("supervisor"));
    }

    @Test
    void theSurgeHandoverStrategy() {
        var strategy = node(ChartRender.render(iptables())).getSpec().getUpdateStrategy();
        assertEquals("RollingUpdate", strategy.getType());
        assertEquals(1, strategy.getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(0, strategy.getRollingUpdate().getMaxUnavailable().getIntVal());
    }

    @ParameterizedTest
    @CsvSource({"iptables, 169.254.20.10", "cilium, ''"})
    void probesMatchTheCorefilesHealthAddress(String mode, String host) throws Exception {
        List<HasMetadata> objects = ChartRender.render(mode.equals("iptables") ? iptables() : cilium());
        Container c = nodeContainer(objects);
        InetSocketAddress health = block(corefile(objects), "cluster.local.").health().orElseThrow();

        var live = c.getLivenessProbe().getHttpGet();
        assertEquals("/health", live.getPath());
        assertEquals(health.getPort(), live.getPort().getIntVal());
        assertEquals(String.valueOf(health.getPort()), flags(c).get("health-port"));
        if (host.isEmpty()) {
            assertNull(live.getHost(), "the pod's own IP");
            assertTrue(health.getAddress().isAnyLocalAddress(), "health listens on the pod IP too: " + health);
        } else {
            assertEquals(host, live.getHost());
            assertEquals(InetAddress.getByName(host), health.getAddress());
        }
        assertEquals(List.of("/app/nodecache-supervisor", "--probe-ready"), c.getReadinessProbe().getExec().getCommand());
        assertNull(c.getReadinessProbe().getHttpGet(), "an HTTP readiness probe may be answered by the other pod");
    }

    @Test
    void theGracePeriodCoversLameduckTheStopWatchdogAndTheSupervisorsTeardown() {
        long grace = node(ChartRender.render(with(iptables(), "corefile.lameduckSeconds", 7))).getSpec().getTemplate()
                .getSpec().getTerminationGracePeriodSeconds();
        assertEquals(7 + 20 + 10 + 2, grace);
    }

    @Test
    void resourcesRequestNodeLocalDnsCpuWithNoCpuLimit() {
        var r = nodeContainer(ChartRender.render(iptables())).getResources();
        assertEquals("25m", r.getRequests().get("cpu").toString());
        assertNull(r.getLimits().get("cpu"));
        assertTrue(r.getLimits().containsKey("memory") && r.getRequests().containsKey("memory"));
    }

    // --- the Corefile -------------------------------------------------------------------------------------------

    @Test
    void theCorefileParsesWithTheNodesParserAndHoldsTheValuesGiven() throws Exception {
        List<HasMetadata> objects = ChartRender.render(with(iptables(),
                "clusterDomain", "cluster.example", "localIP", "169.254.25.10",
                "corefile.cache.successSize", 5000, "corefile.cache.denialTTL", 10, "corefile.cache.otherTTL", 20,
                "corefile.log", true, "corefile.lameduckSeconds", 8));
        NodeConfig config = corefile(objects);

        assertEquals(List.of(List.of("cluster.example."), List.of("in-addr.arpa."), List.of("ip6.arpa."),
                List.of(".")), config.blocks().stream().map(ServerBlock::zones).toList());
        List<InetAddress> binds = List.of(InetAddress.getByName("169.254.25.10"), InetAddress.getByName(KUBE_DNS));
        for (ServerBlock b : config.blocks()) {
            assertEquals(53, b.port());
            assertEquals(binds, b.binds(), b.zones().toString());
            assertTrue(b.errors() && b.loop(), b.zones().toString());
            assertTrue(b.reload().isPresent(), b.zones() + ": reload, so a ConfigMap change reaches the node");
            assertEquals(new InetSocketAddress("0.0.0.0", 9253), b.prometheus().orElseThrow());
        }
        ServerBlock cluster = block(config, "cluster.example.");
        assertEquals(5000, cluster.cache().orElseThrow().success().capacity());
        assertEquals(Duration.ofSeconds(30), cluster.cache().orElseThrow().success().maxTtl());
        assertEquals(Duration.ofSeconds(10), cluster.cache().orElseThrow().denial().maxTtl());
        assertTrue(cluster.log());
        assertEquals(Duration.ofSeconds(8), cluster.lameduck());
        assertEquals(new InetSocketAddress("169.254.25.10", 8080), cluster.health().orElseThrow());
        assertEquals(List.of(new InetSocketAddress(UPSTREAM_SVC_IP, 53)), cluster.forward().orElseThrow().to());
        assertTrue(cluster.forward().orElseThrow().forceTcp());
        assertEquals(Duration.ofSeconds(20),
                block(config, "in-addr.arpa.").cache().orElseThrow().success().maxTtl());
        assertEquals(List.of(new InetSocketAddress(NODE_RESOLVER, 53)),
                block(config, ".").forward().orElseThrow().to(), "__PILLAR__UPSTREAM__SERVERS__ is the node's");
        assertFalse(block(config, ".").log());
    }

    @Test
    void everyForwardCapsItsQueriesInFlightUnlessTurnedOff() throws Exception {
        // bench/flood.sh: without max_concurrent a random-subdomain flood holds as many upstream queries in flight as
        // its clients send, one socket each
        for (ServerBlock b : corefile(ChartRender.render(iptables())).blocks()) {
            assertEquals(1000, b.forward().orElseThrow().maxConcurrent(), b.zones().toString());
        }
        for (ServerBlock b : corefile(ChartRender.render(with(iptables(), "corefile.maxConcurrent", 0))).blocks()) {
            assertEquals(0, b.forward().orElseThrow().maxConcurrent(), b.zones() + ": 0 renders no max_concurrent");
        }
        ServerBlock dot = block(corefile(ChartRender.render(with(iptables(), "corefile.maxConcurrent", 250,
                "corefile.upstreamServers[0]", "1.1.1.1"))), ".");
        assertEquals(250, dot.forward().orElseThrow().maxConcurrent());
        assertEquals(List.of(new InetSocketAddress("1.1.1.1", 53)), dot.forward().orElseThrow().to());
    }

    @Test
    void upstreamServersReplaceThePillar() throws Exception {
        Map<String, Object> values = with(iptables(), "corefile.upstreamServers[0]", "1.1.1.1",
                "corefile.upstreamServers[1]", "9.9.9.9:5353");
        ServerBlock dot = block(corefile(ChartRender.render(values)), ".");
        assertEquals(List.of(new InetSocketAddress("1.1.1.1", 53), new InetSocketAddress("9.9.9.9", 5353)),
                dot.forward().orElseThrow().to());
    }

    /**
     * The node-local-dns way: the ConfigMap's Corefile key mounted as /etc/coredns/Corefile.base (a directory mount,
     * which the kubelet updates; a subPath mount never is), the kube-dns ConfigMap optional at /etc/kube-dns, and the
     * rendered Corefile in a directory the node can write.
     */
    @Test
    void theCorefileIsMountedAsNodeLocalDnsMountsItAndNeverWithSubPath() {
        List<HasMetadata> objects = ChartRender.render(iptables());
        PodSpec pod = node(objects).getSpec().getTemplate().getSpec();
        Container c = nodeContainer(objects);
        Map<String, String> f = flags(c);

        Volume config = volume(pod, "config-volume");
        assertEquals("node-local-dns", config.getConfigMap().getName());
        assertEquals("Corefile", config.getConfigMap().getItems().get(0).getKey());
        assertEquals("Corefile.base", config.getConfigMap().getItems().get(0).getPath());
        assertEquals("/etc/coredns", mount(c, "config-volume").getMountPath());
        assertEquals("/etc/coredns/Corefile.base", f.get("basecorefile"));

        Volume kubeDns = volume(pod, "kube-dns-config");
        assertEquals("kube-dns", kubeDns.getConfigMap().getName());
        assertEquals(Boolean.TRUE, kubeDns.getConfigMap().getOptional());
        assertEquals("/etc/kube-dns", mount(c, "kube-dns-config").getMountPath());
        assertEquals("/etc/kube-dns", f.get("kubednscm"));

        assertTrue(f.get("conf").startsWith(mount(c, "rendered-config").getMountPath() + "/"));
        assertTrue(c.getVolumeMounts().stream().allMatch(m -> m.getSubPath() == null), "subPath never updates");
    }

    @Test
    void aCorefileChangeRollsThePodsOnlyWhenAsked() {
        Map<String, String> plain = node(ChartRender.render(iptables())).getSpec().getTemplate().getMetadata()
                .getAnnotations();
        assertFalse(plain.containsKey("checksum/config"), "reload does it: no restart by default");
        String a = node(ChartRender.render(with(iptables(), "corefile.rollOnChange", true))).getSpec().getTemplate()
                .getMetadata().getAnnotations().get("checksum/config");
        String b = node(ChartRender.render(with(iptables(), "corefile.rollOnChange", true, "corefile.log", true)))
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
        assertTrue(a != null && b != null && !a.equals(b));
    }

    // --- Services ------------------------------------------------------------------------------------------------

    @Test
    void theUpstreamAndMetricsServices() {
        List<HasMetadata> objects = ChartRender.render(iptables());
        Service upstream = one(objects, Service.class, "kube-dns-upstream");
        assertEquals(Map.of("k8s-app", "kube-dns"), upstream.getSpec().getSelector());
        assertEquals(Set.of("dns:53/UDP", "dns-tcp:53/TCP"), upstream.getSpec().getPorts().stream()
                .map(p -> p.getName() + ":" + p.getPort() + "/" + p.getProtocol()).collect(Collectors.toSet()));

        Service metrics = one(objects, Service.class, "node-local-dns");
        assertEquals("None", metrics.getSpec().getClusterIP());
        assertEquals(Map.of("k8s-app", "node-local-dns"), metrics.getSpec().getSelector());
        assertEquals(9253, metrics.getSpec().getPorts().get(0).getPort());
        assertEquals(9253, metrics.getSpec().getPorts().get(0).getTargetPort().getIntVal());
        assertEquals("metrics", metrics.getSpec().getPorts().get(0).getName());
    }

    @Test
    void theServiceMonitorIsOffByDefault() {
        assertTrue(generic(ChartRender.render(iptables()), "ServiceMonitor").isEmpty());
        GenericKubernetesResource sm = generic(ChartRender.render(with(iptables(), "serviceMonitor.enabled", true)),
                "ServiceMonitor").get(0);
        assertEquals("monitoring.coreos.com/v1", sm.getApiVersion());
        assertEquals(Map.of("k8s-app", "node-local-dns"), sm.get("spec", "selector", "matchLabels"));
        assertEquals("metrics", ((Map<?, ?>) ((List<?>) sm.get("spec", "endpoints")).get(0)).get("port"));
    }

    @Test
    void theGrafanaDashboardChartsWhatTheNodeExports() {
        ConfigMap cm = one(ChartRender.render(iptables()), ConfigMap.class, "node-local-dns-grafana-dashboard");
        assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
        String json = cm.getData().get("nodecache.json");
        @SuppressWarnings("unchecked")
        Map<String, Object> dashboard = ChartRender.SERIALIZATION.unmarshal(json, Map.class);
        assertEquals("nodecache", dashboard.get("title"));
        for (String metric : List.of("coredns_dns_requests_total", "coredns_dns_responses_total",
                "coredns_cache_hits_total", "coredns_cache_misses_total", "coredns_forward_requests_total",
                "coredns_nodecache_setup_errors_total", "coredns_reload_failed_total")) {
            assertTrue(json.contains(metric), metric);
        }
    }

    // --- the dashboard and RBAC ---------------------------------------------------------------------------------

    @Test
    void theDashboardRunsTheDashboardRoleOverKubernetesDiscovery() {
        List<HasMetadata> objects = ChartRender.render(iptables());
        Deployment d = one(objects, Deployment.class, "node-local-dns-dashboard");
        assertEquals(1, d.getSpec().getReplicas());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> f = flags(c);
        assertEquals("false", f.get("nodecache.node.enabled"));
        assertEquals("true", f.get("nodecache.dashboard.enabled"));
        assertEquals("kubernetes", f.get("nodecache.dashboard.discovery"));
        assertEquals(NAMESPACE, f.get("nodecache.dashboard.namespace"));
        assertEquals("k8s-app=node-local-dns", f.get("nodecache.dashboard.label-selector"));
        assertEquals(flags(nodeContainer(objects)).get("server.port"), f.get("nodecache.dashboard.node-port"));
        assertTrue(!dashboardCommandHasSupervisor(c), "no node in this pod: no supervisor, nothing to tear down");
        assertEquals("node-local-dns-dashboard", d.getSpec().getTemplate().getSpec().getServiceAccountName());
        one(objects, Service.class, "node-local-dns-dashboard");

        List<HasMetadata> off = ChartRender.render(with(iptables(), "dashboard.enabled", false));
        assertTrue(all(off, Deployment.class).isEmpty() && all(off, Role.class).isEmpty());
        assertEquals(List.of("kube-system-node-local-dns"), all(off, ClusterRole.class).stream()
                .map(r -> r.getMetadata().getName()).toList(), "only the node's reviews");
    }

    @ParameterizedTest
    @CsvSource({"direct, false", "proxy, true"})
    void rbacIsExactlyWhatTheDashboardNeeds(String transport, boolean podProxy) {
        List<HasMetadata> objects = ChartRender.render(with(iptables(), "dashboard.transport", transport));
        ClusterRole cluster = one(objects, ClusterRole.class, "kube-system-node-local-dns-dashboard");
        assertEquals(List.of("pods:[]:get,list,watch"), rules(cluster.getRules()));
        Role role = one(objects, Role.class, "node-local-dns-dashboard");
        assertEquals(NAMESPACE, role.getMetadata().getNamespace());
        List<String> expected = new java.util.ArrayList<>(List.of("apps/daemonsets:[node-local-dns]:get",
                "nodecache.io/querylogs:[]:get,update"));
        if (podProxy) {
            expected.add("pods/proxy:[]:get,update");
        }
        assertEquals(expected, rules(role.getRules()));

        ClusterRoleBinding cb = one(objects, ClusterRoleBinding.class, "kube-system-node-local-dns-dashboard");
        RoleBinding rb = one(objects, RoleBinding.class, "node-local-dns-dashboard");
        for (var subjects : List.of(cb.getSubjects(), rb.getSubjects())) {
            assertEquals(1, subjects.size());
            assertEquals("node-local-dns-dashboard", subjects.get(0).getName());
            assertEquals(NAMESPACE, subjects.get(0).getNamespace());
        }
        assertEquals(3, all(objects, RoleBinding.class).size() + all(objects, ClusterRoleBinding.class).size(),
                "the dashboard's two, and the node's reviews");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "cilium"})
    void theNodeMayCreateExactlyTheTwoReviewsAndKnowsItsNamespace(String mode) {
        List<HasMetadata> objects = ChartRender.render(mode.equals("iptables") ? iptables() : cilium());
        ClusterRole role = one(objects, ClusterRole.class, "kube-system-node-local-dns");
        assertEquals(List.of("authentication.k8s.io/tokenreviews:[]:create",
                "authorization.k8s.io/subjectaccessreviews:[]:create"), rules(role.getRules()));
        ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class, "kube-system-node-local-dns");
        assertEquals("kube-system-node-local-dns", binding.getRoleRef().getName());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
        assertEquals("node-local-dns", binding.getSubjects().get(0).getName());
        assertEquals(NAMESPACE, binding.getSubjects().get(0).getNamespace());
        // The reviews need the node's own token, mounted as usual.
        assertNull(one(objects, ServiceAccount.class, "node-local-dns").getAutomountServiceAccountToken());
        PodSpec pod = node(objects).getSpec().getTemplate().getSpec();
        assertNull(pod.getAutomountServiceAccountToken());
        Container c = nodeContainer(objects);
        assertEquals("nodecache", flags(c).get("nodecache.api-audience"));
        Map<String, String> fieldRefs = c.getEnv().stream().filter(e -> e.getValueFrom() != null)
                .collect(Collectors.toMap(e -> e.getName(), e -> e.getValueFrom().getFieldRef().getFieldPath()));
        assertEquals("metadata.namespace", fieldRefs.get("POD_NAMESPACE"), "the SubjectAccessReview's namespace");
        assertEquals("spec.nodeName", fieldRefs.get("NODE_NAME"), "and its name");
    }

    @Test
    void theDashboardPresentsAProjectedTokenForTheNodesAudience() {
        List<HasMetadata> objects = ChartRender.render(with(iptables(), "node.apiAudience", "nodecache-test"));
        assertEquals("nodecache-test", flags(nodeContainer(objects)).get("nodecache.api-audience"));
        PodSpec pod = one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate().getSpec();
        var sources = volume(pod, "node-token").getProjected().getSources();
        assertEquals(1, sources.size());
        var token = sources.get(0).getServiceAccountToken();
        assertEquals("nodecache-test", token.getAudience(), "the audience the nodes review it for");
        assertTrue(token.getExpirationSeconds() >= 600, "the API server's minimum");
        assertEquals("token", token.getPath());
        VolumeMount m = mount(pod.getContainers().get(0), "node-token");
        assertTrue(m.getReadOnly());
        // Where the dashboard reads it by default in a cluster (DashboardConfiguration.DEFAULT_NODE_TOKEN_FILE).
        assertEquals("/var/run/secrets/nodecache/token", m.getMountPath() + "/" + token.getPath());
    }

    static List<String> rules(List<PolicyRule> rules) {
        return rules.stream().map(r -> {
            assertEquals(1, r.getApiGroups().size());
            String group = r.getApiGroups().get(0);
            return r.getResources().stream().map(res -> (group.isEmpty() ? "" : group + "/") + res)
                    .collect(Collectors.joining(",")) + ":" + r.getResourceNames() + ":"
                    + String.join(",", r.getVerbs());
        }).toList();
    }

    static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    static VolumeMount mount(Container c, String name) {
        return c.getVolumeMounts().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount " + name));
    }

    // --- the dashboard's login -----------------------------------------------------------------------------------

    static Container dashboardContainer(List<HasMetadata> objects) {
        return one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
    }

    @Test
    void theDashboardSignsInFromTheChartsSecretWithAGeneratedOperator(@TempDir Path scratch) throws Exception {
        List<HasMetadata> objects = ChartRender.render(iptables());
        Map<String, String> f = flags(dashboardContainer(objects));
        assertEquals("login", f.get("nodecache.dashboard.auth.mode"));
        assertEquals("/etc/nodecache/dashboard-auth/users", f.get("nodecache.dashboard.auth.users-file"));
        PodSpec pod = one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate().getSpec();
        Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals("dashboard-auth")).findFirst()
                .orElseThrow();
        assertEquals("node-local-dns-dashboard-auth", v.getSecret().getSecretName());
        assertEquals(1, v.getSecret().getItems().size(), "the users file alone, not the password beside it");
        assertEquals("users", v.getSecret().getItems().get(0).getKey());
        assertEquals("users", v.getSecret().getItems().get(0).getPath());
        VolumeMount m = dashboardContainer(objects).getVolumeMounts().stream()
                .filter(x -> x.getName().equals("dashboard-auth")).findFirst().orElseThrow();
        assertEquals("/etc/nodecache/dashboard-auth", m.getMountPath());
        assertTrue(m.getReadOnly() && m.getSubPath() == null, "read-only, and no subPath (updates reach it)");

        io.fabric8.kubernetes.api.model.Secret secret = one(objects, io.fabric8.kubernetes.api.model.Secret.class,
                "node-local-dns-dashboard-auth");
        java.util.Base64.Decoder b64 = java.util.Base64.getDecoder();
        String password = new String(b64.decode(secret.getData().get("admin-password")));
        assertTrue(password.matches("[A-Za-z0-9]{24}"), "a random password");
        // The users file goes through the dashboard's own reader, and the password signs "admin" in as an operator.
        Path users = scratch.resolve("users");
        java.nio.file.Files.write(users, b64.decode(secret.getData().get("users")));
        var admin = new io.nodecache.dashboard.auth.UsersFile(users, java.time.Clock.systemUTC(), System.out)
                .loadUserByUsername("admin");
        assertTrue(org.springframework.security.crypto.factory.PasswordEncoderFactories
                .createDelegatingPasswordEncoder().matches(password, admin.getPassword()));
        assertTrue(admin.getAuthorities().toString().contains("ROLE_OPERATOR"), admin.getAuthorities().toString());
        String other = new String(b64.decode(one(ChartRender.render(iptables()),
                io.fabric8.kubernetes.api.model.Secret.class, "node-local-dns-dashboard-auth").getData()
                .get("admin-password")));
        assertFalse(other.equals(password), "a fresh install gets a fresh password (an upgrade keeps it: lookup)");
    }

    @Test
    void anExistingSecretReplacesTheGeneratedOne() {
        List<HasMetadata> objects = ChartRender.render(with(iptables(), "dashboard.auth.existingSecret", "our-users",
                "dashboard.auth.existingSecretKey", "users.txt"));
        assertTrue(all(objects, io.fabric8.kubernetes.api.model.Secret.class).isEmpty());
        Volume v = one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate().getSpec()
                .getVolumes().stream().filter(x -> x.getName().equals("dashboard-auth")).findFirst().orElseThrow();
        assertEquals("our-users", v.getSecret().getSecretName());
        assertEquals("users.txt", v.getSecret().getItems().get(0).getKey());
        assertEquals("users", v.getSecret().getItems().get(0).getPath());
    }

    @Test
    void proxyModePassesItsProxiesAndHeadersAndMountsNoSecret() {
        Map<String, Object> values = with(iptables(), "dashboard.auth.mode", "proxy",
                "dashboard.auth.proxy.trustedProxies[0]", "10.42.0.0/16",
                "dashboard.auth.proxy.trustedProxies[1]", "fd00::/64",
                "dashboard.auth.proxy.userHeader", "X-Auth-Request-User",
                "dashboard.auth.proxy.groupsHeader", "X-Auth-Request-Groups",
                "dashboard.auth.proxy.operatorGroups[0]", "dns-admins");
        List<HasMetadata> objects = ChartRender.render(values);
        Map<String, String> f = flags(dashboardContainer(objects));
        assertEquals("proxy", f.get("nodecache.dashboard.auth.mode"));
        assertEquals("10.42.0.0/16,fd00::/64", f.get("nodecache.dashboard.auth.trusted-proxies"));
        assertEquals("X-Auth-Request-User", f.get("nodecache.dashboard.auth.user-header"));
        assertEquals("X-Auth-Request-Groups", f.get("nodecache.dashboard.auth.groups-header"));
        assertEquals("dns-admins", f.get("nodecache.dashboard.auth.operator-groups"));
        assertEquals("", f.get("nodecache.dashboard.auth.viewer-groups"));
        assertNull(f.get("nodecache.dashboard.auth.users-file"));
        assertTrue(all(objects, io.fabric8.kubernetes.api.model.Secret.class).isEmpty());
        var pod = one(objects, Deployment.class, "node-local-dns-dashboard").getSpec().getTemplate().getSpec();
        // Only the nodes' token: no users file.
        assertEquals(List.of("node-token"), pod.getVolumes().stream().map(Volume::getName).toList());
        // The arguments bind as the dashboard binds them.
        Map<String, String> props = new LinkedHashMap<>();
        f.forEach((k, val) -> {
            if (k.startsWith("nodecache.dashboard.auth.")) {
                props.put(k, val);
            }
        });
        var bound = new org.springframework.boot.context.properties.bind.Binder(
                new org.springframework.boot.context.properties.source.MapConfigurationPropertySource(props))
                .bindOrCreate("nodecache.dashboard.auth", io.nodecache.dashboard.auth.DashboardAuthProperties.class);
        assertEquals(List.of("10.42.0.0/16", "fd00::/64"), bound.trustedProxies());
        assertEquals(List.of("dns-admins"), bound.operatorGroups());
    }
}
