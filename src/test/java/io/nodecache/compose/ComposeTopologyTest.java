package io.nodecache.compose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.compose.ComposeFile.Service;
import io.nodecache.demo.StubResolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docker compose up} in one JVM: the upstream authority, both nodes and the dashboard started through
 * {@link NodecacheApplication#start} with the compose file's own arguments and Corefiles, laid onto loopback by
 * {@link LoopbackTopology} ({@code 172.28.0.N} as {@code 127.28.0.N}, listening ports as free ports). Each client is
 * simulated by {@link StubResolver} — glibc's search order with the client's {@code dns_search} and {@code ndots},
 * over real UDP from the client's own (mapped) address to the node in its {@code dns} — looking up its
 * {@code LOOKUPS}; the dashboard's HTTP API then names each client as its compose name, on its node, with its
 * NXDOMAIN chains. What this cannot show is Docker itself: the image, the network, the embedded DNS between a client
 * and its node.
 */
class ComposeTopologyTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static ComposeFile compose;
    static LoopbackTopology topology;
    static final List<AutoCloseable> running = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        compose = ComposeFile.load();
        topology = new LoopbackTopology(compose);
        try {
            // In depends_on order, as compose starts them.
            for (String name : List.of("upstream", "node-a", "node-b", "dashboard")) {
                running.add(NodecacheApplication.start(topology.arguments(compose.service(name))));
            }
        } catch (Throwable t) {
            down();
            throw t;
        }
    }

    @AfterAll
    static void down() throws Exception {
        List<AutoCloseable> reversed = new ArrayList<>(running);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            c.close();
        }
        running.clear();
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void eachClientShowsOnTheDashboardAsItsComposeNameWithItsChains() throws Exception {
        Map<String, Set<String>> expectedChains = new LinkedHashMap<>();
        Map<String, Map<String, String>> firstSteps = new HashMap<>();
        for (Service client : compose.clients()) {
            Set<String> chains = new TreeSet<>();
            Map<String, String> first = new HashMap<>();
            try (StubResolver resolver = resolverOf(client)) {
                for (int round = 0; round < 2; round++) {
                    for (String name : client.environment().get("LOOKUPS").split("\\s+")) {
                        StubResolver.Lookup lookup = resolver.lookup(name);
                        assertFalse(lookup.timedOut(), client.name() + " " + name + ": " + lookup);
                        // The detector's chain: an NXDOMAIN for the first (namespace) suffix, then more names.
                        if (lookup.queries().get(0).rcode() == Rcode.NXDOMAIN
                                && lookup.queries().stream().map(StubResolver.Query::name).distinct().count() > 1) {
                            chains.add(name);
                            first.put(name, lookup.queries().get(0).name());
                        }
                    }
                }
            }
            assertFalse(chains.isEmpty(), client.name() + " makes chains");
            expectedChains.put(client.name(), chains);
            firstSteps.put(client.name(), first);
        }

        Map<String, Service> byAddress = new HashMap<>();
        compose.services().values().forEach(s -> byAddress.put(s.address(), s));
        for (Service client : compose.clients()) {
            String namespace = client.dnsSearch().get(0).split("\\.")[0];
            String node = byAddress.get(client.dns().get(0)).argument("NODE_NAME");
            String ip = topology.loopback(client.address());

            JsonNode row = await("/api/v1/cluster/pods?window=5m", pods -> {
                JsonNode r = pod(pods, client.name());
                return r != null && r.path("chains").asInt() >= expectedChains.get(client.name()).size();
            }, client.name());
            JsonNode listed = pod(row, client.name());
            assertEquals(namespace, listed.path("namespace").asString(), listed.toString());
            assertEquals(ip, listed.path("ip").asString(), listed.toString());
            assertEquals(node, listed.path("node").asString(), listed.toString());
            assertTrue(listed.path("wastedQueries").asInt() > 0, listed.toString());

            JsonNode detail = get("/api/v1/cluster/pods/" + namespace + "/" + client.name() + "/chains?window=5m");
            Set<String> seen = new TreeSet<>();
            for (JsonNode chain : detail.path("chains")) {
                seen.add(chain.path("baseName").asString());
                assertEquals(node, chain.path("node").asString(), chain.toString());
                assertEquals(firstSteps.get(client.name()).get(chain.path("baseName").asString()),
                        chain.path("steps").path(0).path("name").asString(), chain.toString());
            }
            assertEquals(expectedChains.get(client.name()), seen, client.name() + ": " + detail.toPrettyString());
        }
    }

    /**
     * What the clients' "not found" is for a name the upstream does not serve: every search name NXDOMAIN from the
     * cluster zone, the name as given REFUSED from the authority, passed on by the node.
     */
    @Test
    void aNameTheUpstreamDoesNotServeIsRefusedAndNeverLeaves() throws Exception {
        Service node = compose.service("node-b");
        SimpleResolver resolver = new SimpleResolver(topology.socket(node.address(), 53));
        resolver.setTimeout(Duration.ofSeconds(3));
        Message response = resolver.send(Message.newQuery(Record.newRecord(
                Name.fromString("www.nodecache.invalid."), Type.A, DClass.IN)));
        assertEquals("REFUSED", Rcode.string(response.getRcode()), response.toString());

        Service client = compose.service("client-3");
        try (StubResolver stub = resolverOf(client)) {
            StubResolver.Lookup lookup = stub.lookup("www.nodecache.invalid");
            assertFalse(lookup.answered(), lookup.toString());
            assertEquals(Rcode.NXDOMAIN, lookup.queries().get(0).rcode(), lookup.toString());
            assertEquals(Rcode.REFUSED, lookup.queries().get(lookup.queries().size() - 1).rcode(), lookup.toString());
        }
    }

    @Test
    void theMappingKeepsNamesAndRolesAndMovesOnlyAddressesAndPorts() throws Exception {
        Service dashboard = compose.service("dashboard");
        String[] args = topology.arguments(dashboard);
        String nodeA = "http://127.28.0.11:" + topology.port("172.28.0.11", 8080);
        assertTrue(List.of(args).contains("--nodecache.dashboard.nodes=node-a=" + nodeA + ",node-b=http://127.28.0.12:"
                + topology.port("172.28.0.12", 8080)), List.of(args).toString());
        assertTrue(List.of(args).contains("--nodecache.dashboard.pods=default/client-1=127.28.0.21@node-a,"
                + "default/client-2=127.28.0.22@node-b,shop/client-3=127.28.0.23@node-b"), List.of(args).toString());
        assertTrue(List.of(args).contains("--nodecache.node.enabled=false"));
        assertEquals("127.28.0.10:" + topology.port("172.28.0.10", 53),
                argument(topology.arguments(compose.service("upstream")), "nodecache.authority.listen"));
        String corefile = topology.corefile(compose.service("node-a"), """
                cluster.local:53 {
                    bind 172.28.0.11
                    forward . 172.28.0.10:53
                    health 172.28.0.11:8081
                }
                """);
        assertEquals("""
                cluster.local:%d {
                    bind 127.28.0.11
                    forward . 127.28.0.10:%d
                    health 127.28.0.11:%d
                }
                """.formatted(topology.port("172.28.0.11", 53), topology.port("172.28.0.10", 53),
                topology.port("172.28.0.11", 8081)), corefile);
    }

    private static String argument(String[] args, String name) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
        }
        return null;
    }

    /** The client's resolver: its node, its own address, its search list, ndots and timeout. */
    private static StubResolver resolverOf(Service client) throws Exception {
        return new StubResolver(topology.socket(client.dns().get(0), 53), topology.loopbackAddress(client.address()),
                client.dnsSearch(), client.ndots(), Duration.ofSeconds(client.intOption("timeout", 5)));
    }

    private static JsonNode pod(JsonNode pods, String name) {
        for (JsonNode p : pods.path("pods")) {
            if (p.path("pod").asString("").equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static JsonNode await(String path, java.util.function.Predicate<JsonNode> done, String what)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last;
        do {
            last = get(path);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(250);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(what + " not on the dashboard within " + WAIT + ": " + last.toPrettyString());
    }

    private static JsonNode get(String path) throws Exception {
        int port = topology.port(compose.service("dashboard").address(), 8080);
        // The compose dashboard asks for a login: compose/dashboard-users' demo viewer, over HTTP Basic.
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "viewer:nodecache-viewer".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }
}
