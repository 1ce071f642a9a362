package io.nodecache.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.compose.ComposeFile.Service;
import io.nodecache.config.NodeProperties;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.corefile.ServerBlock;
import io.nodecache.dashboard.DashboardProperties;
import java.lang.reflect.RecordComponent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The compose file as far as no Docker engine is needed: it parses, what it mounts is in the repository, every
 * argument is one the application knows and binds, the nodes' Corefiles parse with the node's own parser and send
 * every query to the compose network's upstream, and the clients, the nodes and the dashboard's pod directory agree
 * on who is where.
 */
class ComposeFileTest {

    /** What the launcher reads itself ({@code io.nodecache.Roles}) before any property class binds. */
    static final Set<String> LAUNCHER = Set.of("nodecache.node.enabled", "nodecache.dashboard.enabled",
            "nodecache.authority.enabled", "nodecache.authority.listen");

    /** Spring's and the node's own: the web port, and the node's name (the chart sets it from the downward API). */
    static final Set<String> OTHERS = Set.of("server.port", "NODE_NAME");

    static ComposeFile compose;

    @BeforeAll
    static void load() throws Exception {
        compose = ComposeFile.load();
    }

    static Stream<Service> nodecacheServices() throws Exception {
        return ComposeFile.load().nodecacheServices().stream();
    }

    static Stream<Service> nodes() throws Exception {
        return ComposeFile.load().nodecacheServices().stream().filter(s -> s.argument("nodecache.conf") != null);
    }

    @Test
    void parsesWithTheExpectedServices() {
        assertEquals(List.of("upstream", "node-a", "node-b", "dashboard", "client-1", "client-2", "client-3"),
                List.copyOf(compose.services().keySet()));
        assertEquals("172.28.0.0/24", compose.subnet());
        for (Service s : compose.nodecacheServices()) {
            assertEquals(".", String.valueOf(s.build()), s.name() + " builds the repository's Dockerfile");
        }
        for (Service c : compose.clients()) {
            assertEquals("debian:12-slim", c.image());
            assertEquals(5, c.ndots(), c.name());
            assertEquals(3, c.dnsSearch().size(), c.name());
            assertFalse(c.environment().getOrDefault("LOOKUPS", "").isBlank(), c.name());
            assertTrue(String.join(" ", c.command()).contains("getent ahosts"), c.name());
        }
    }

    @Test
    void everyFileMountedIsInTheRepository() {
        int mounts = 0;
        for (Service s : compose.services().values()) {
            for (String v : s.volumes()) {
                String host = v.split(":")[0];
                assertTrue(host.startsWith("./"), s.name() + " mounts a repository file: " + v);
                Path p = compose.mounted(s, v.split(":")[1]);
                assertTrue(Files.isRegularFile(p), s.name() + ": " + p + " is missing");
                mounts++;
            }
        }
        assertEquals(6, mounts);
    }

    /** Both nodes check the shared token and the dashboard presents the same one: one file, mounted read-only. */
    @Test
    void theNodesAndTheDashboardShareOneTokenFile() {
        Set<Path> files = new HashSet<>();
        for (String name : List.of("node-a", "node-b", "dashboard")) {
            Service s = compose.service(name);
            String target = s.argument("nodecache.api-token-file");
            assertNotNull(target, name + " has --nodecache.api-token-file");
            Path file = compose.mounted(s, target);
            assertNotNull(file, name + " mounts " + target);
            assertTrue(s.volumes().stream().anyMatch(v -> v.endsWith(target + ":ro")), name + ": read-only");
            files.add(file);
        }
        assertEquals(1, files.size(), files.toString());
        try {
            assertFalse(Files.readString(files.iterator().next()).isBlank(), "the token file holds a token");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodecacheServices")
    void everyArgumentIsAPropertyTheApplicationKnowsAndBinds(Service service) {
        Set<String> known = new HashSet<>(LAUNCHER);
        known.addAll(OTHERS);
        known.addAll(names("nodecache.", NodeProperties.class));
        known.addAll(names("nodecache.dashboard.", DashboardProperties.class));
        known.addAll(names("nodecache.", io.nodecache.node.auth.NodeAuthProperties.class));
        known.addAll(names("nodecache.dashboard.auth.", io.nodecache.dashboard.auth.DashboardAuthProperties.class));
        Map<String, String> values = new LinkedHashMap<>();
        assertFalse(service.command().isEmpty(), service.name());
        for (String arg : service.command()) {
            assertTrue(arg.startsWith("--") && arg.indexOf('=') > 2, service.name() + ": not --name=value: " + arg);
            String name = arg.substring(2, arg.indexOf('='));
            assertTrue(known.contains(name), service.name() + ": no such property: " + name);
            values.put(name, arg.substring(arg.indexOf('=') + 1));
        }
        // Bound as Spring binds them: a value that does not convert (a duration, a number) fails here.
        Binder binder = new Binder(new MapConfigurationPropertySource(values));
        NodeProperties node = binder.bindOrCreate("nodecache", NodeProperties.class);
        DashboardProperties dashboard = binder.bindOrCreate("nodecache.dashboard", DashboardProperties.class);
        var auth = binder.bindOrCreate("nodecache.dashboard.auth",
                io.nodecache.dashboard.auth.DashboardAuthProperties.class);
        binder.bind("server.port", Integer.class);
        if (values.containsKey("nodecache.conf")) {
            assertEquals("/etc/coredns/Corefile", node.conf());
            assertFalse(node.embeddedUpstreamEnabled(), "a node with a Corefile never answers from demo zones");
        }
        if (values.containsKey("nodecache.dashboard.nodes")) {
            assertEquals("static", dashboard.discovery());
            // Published beyond the container's loopback: never the login-less mode, and its users file is mounted.
            assertEquals("login", auth.mode());
            assertTrue(service.volumes().stream().anyMatch(v -> v.split(":")[1].equals(auth.usersFile())),
                    service.volumes().toString());
        }
    }

    /** The record's components as Spring's kebab-case property names under {@code prefix}. */
    static Set<String> names(String prefix, Class<? extends Record> type) {
        Set<String> names = new HashSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            names.add(prefix + c.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodes")
    void eachNodesCorefileParsesAndForwardsEverythingToTheUpstream(Service node) throws Exception {
        Path corefile = compose.mounted(node, node.argument("nodecache.conf"));
        assertNotNull(corefile, node.name() + " mounts the Corefile its --nodecache.conf names");
        NodeConfig config = CorefileParser.parse(Files.readString(corefile), corefile.toString(), PillarValues.none());

        InetSocketAddress upstream = new InetSocketAddress(compose.service("upstream").address(), 53);
        InetAddress self = InetAddress.getByName(node.address());
        Set<String> zones = new HashSet<>();
        for (ServerBlock b : config.blocks()) {
            zones.addAll(b.zones());
            assertEquals(53, b.port(), b.zones().toString());
            assertEquals(List.of(self), b.binds(), b.zones() + " binds the node's own address");
            assertTrue(b.log(), b.zones() + ": log on, so the console shows rows");
            assertEquals(List.of(upstream), b.forward().orElseThrow().to(), b.zones() + ": only to the upstream");
            b.health().ifPresent(h -> assertEquals(self, h.getAddress()));
            b.prometheus().ifPresent(p -> assertEquals(self, p.getAddress()));
        }
        assertEquals(Set.of("cluster.local.", "in-addr.arpa.", "ip6.arpa.", "."), zones);
    }

    @Test
    void theUpstreamIsTheAuthorityAloneOnPort53() {
        Service upstream = compose.service("upstream");
        assertEquals("true", upstream.argument("nodecache.authority.enabled"));
        assertEquals("0.0.0.0:53", upstream.argument("nodecache.authority.listen"));
    }

    @Test
    void everyAddressIsInTheSubnetAndUsedOnce() {
        String prefix = compose.subnet().substring(0, compose.subnet().lastIndexOf('.') + 1);
        assertTrue(compose.subnet().endsWith(".0/24"), compose.subnet());
        Set<String> seen = new HashSet<>();
        for (Service s : compose.services().values()) {
            assertNotNull(s.address(), s.name() + " has a fixed address");
            assertTrue(s.address().startsWith(prefix), s.name() + ": " + s.address());
            assertTrue(seen.add(s.address()), "twice: " + s.address());
        }
    }

    @Test
    void theDashboardWatchesBothNodesAndNamesEveryClientOnTheNodeItAsks() {
        Service dashboard = compose.service("dashboard");
        Map<String, Service> byAddress = new HashMap<>();
        compose.services().values().forEach(s -> byAddress.put(s.address(), s));

        Map<String, String> nodes = new LinkedHashMap<>();
        for (String entry : dashboard.argument("nodecache.dashboard.nodes").split(",")) {
            String[] kv = entry.split("=", 2);
            URI url = URI.create(kv[1]);
            Service node = compose.service(url.getHost());
            assertEquals(kv[0], node.argument("NODE_NAME"), "the node reports the name it is listed under");
            assertEquals(String.valueOf(url.getPort()), node.argument("server.port"), "its web port");
            nodes.put(kv[0], node.address());
        }
        assertEquals(Set.of("node-a", "node-b"), nodes.keySet());

        Map<String, String> pods = new HashMap<>();
        for (String entry : dashboard.argument("nodecache.dashboard.pods").split(",")) {
            String[] kv = entry.split("=", 2);
            pods.put(kv[1].split("@")[0], kv[0] + "@" + kv[1].split("@")[1]);
        }
        for (Service client : compose.clients()) {
            String ref = pods.remove(client.address());
            assertNotNull(ref, client.name() + " (" + client.address() + ") is in the pod directory");
            String namespace = ref.substring(0, ref.indexOf('/'));
            assertEquals(namespace + "/" + client.name(), ref.substring(0, ref.indexOf('@')));
            assertEquals(namespace + ".svc.cluster.local", client.dnsSearch().get(0), "a pod's search list");
            assertEquals(1, client.dns().size());
            Service node = byAddress.get(client.dns().get(0));
            assertNotNull(node, client.name() + " asks a node of the compose file");
            assertEquals(node.argument("NODE_NAME"), ref.substring(ref.indexOf('@') + 1), client.name());
        }
        assertTrue(pods.isEmpty(), "pods with no client: " + pods);
    }

    @Test
    void theDashboardsDemoUsersAreTheDocumentedOnes() {
        Service dashboard = compose.service("dashboard");
        var users = new io.nodecache.dashboard.auth.UsersFile(compose.mounted(dashboard,
                dashboard.argument("nodecache.dashboard.auth.users-file")), java.time.Clock.systemUTC(), System.out);
        var encoder = org.springframework.security.crypto.factory.PasswordEncoderFactories
                .createDelegatingPasswordEncoder();
        var admin = users.loadUserByUsername("admin");
        assertTrue(encoder.matches("nodecache-demo", admin.getPassword()));
        assertTrue(admin.getAuthorities().toString().contains("ROLE_OPERATOR"));
        var viewer = users.loadUserByUsername("viewer");
        assertTrue(encoder.matches("nodecache-viewer", viewer.getPassword()));
        assertFalse(viewer.getAuthorities().toString().contains("ROLE_OPERATOR"));
    }
}
