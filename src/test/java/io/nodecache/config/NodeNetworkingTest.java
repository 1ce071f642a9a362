package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole node with {@code setupinterface} and {@code setupiptables}, its networking commands run inside a network
 * namespace of the test's own ({@code nodecache.netif-prefix}), so the host is never touched: the address and
 * node-cache's rules are there once the node is up, the node API and readiness say so, the setup-errors metric is
 * exposed, a rule deleted by hand comes back within a sync without a duplicate, and closing the node removes
 * everything and leaves the marker the container's supervisor reads. Needs root and iptables, as CI has.
 */
class NodeNetworkingTest {

    static final String IP = "127.0.0.77";
    static final JsonMapper JSON = JsonMapper.builder().build();

    static String netns;
    static Path stateDir;
    static Path corefile;
    static TestUpstream upstream;
    static ConfigurableApplicationContext node;
    static int web;

    @BeforeAll
    static void start() throws Exception {
        netns = "nc-wire-" + Long.toString(ProcessHandle.current().pid() % 100_000, 36);
        sh("ip", "netns", "add", netns);
        sh("ip", "-n", netns, "link", "set", "lo", "up");
        stateDir = Files.createTempDirectory("nodecache-state-");
        System.setProperty("nodecache.netif-prefix", "ip netns exec " + netns);
        System.setProperty("nodecache.state-dir", stateDir.toString());
        upstream = TestUpstream.builder().start();
        corefile = Files.createTempFile("nodecache-netif-", ".Corefile");
        Files.writeString(corefile, ".:0 {\n    bind " + IP + "\n    forward . 127.0.0.1:" + upstream.port() + "\n}\n");
        node = new SpringApplicationBuilder(NodecacheApplication.class).run("--server.port=0",
                "--nodecache.conf=" + corefile, "--nodecache.embedded-upstream=false", "--nodecache.demo.enabled=false",
                "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(), "--localip=" + IP,
                "--setupinterface=true", "--setupiptables=true", "--syncinterval=500ms");
        web = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (node != null) {
                node.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        } finally {
            System.clearProperty("nodecache.netif-prefix");
            System.clearProperty("nodecache.state-dir");
            sh("ip", "netns", "del", netns);
        }
    }

    @Test
    void upRepairedAndTornDown() throws Exception {
        List<String> rules = rulesFor(IP);
        assertTrue(rules.size() >= 10, "node-cache's rules for " + IP + ": " + rules);
        assertTrue(rules.stream().anyMatch(r -> r.startsWith("-A PREROUTING -d " + IP + "/32 -p udp")
                && r.contains("--dport 53") && r.contains("-j NOTRACK")), rules.toString());
        assertTrue(sh("ip", "-n", netns, "-o", "addr", "show").contains(IP + "/32"), "the local IP is on an interface");

        JsonNode networking = get("/api/v1/node").path("networking");
        assertEquals(networking.path("rulesExpected").asInt(), networking.path("rulesPresent").asInt(),
                networking.toString());
        assertTrue(networking.path("addresses").toString().contains(IP), networking.toString());
        assertTrue(getText("/actuator/health/readiness").contains("\"UP\""));
        String console = getText("/");
        assertTrue(console.contains("Host networking") && console.contains(networking.path("rulesExpected").asInt()
                + " of " + networking.path("rulesExpected").asInt() + " rules"), "the console shows it");
        assertTrue(getText("/actuator/prometheus").contains("coredns_nodecache_setup_errors_total{errortype=\"iptables\"}"));

        String deleted = rules.stream().filter(r -> r.startsWith("-A PREROUTING")).findFirst().orElseThrow();
        sh(argv("ip netns exec " + netns + " iptables -t raw " + deleted.replaceFirst("^-A", "-D")));
        assertEquals(rules.size() - 1, rulesFor(IP).size(), "deleted by hand");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (rulesFor(IP).size() < rules.size() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(rules.size(), rulesFor(IP).size(), "repaired within a sync");
        Thread.sleep(1200); // two more syncs: a repair must never duplicate a rule
        List<String> after = rulesFor(IP);
        assertEquals(after.size(), after.stream().distinct().count(), "no duplicate: " + after);

        node.close();
        assertEquals(List.of(), rulesFor(IP), "torn down");
        assertFalse(sh("ip", "-n", netns, "-o", "addr", "show").contains(IP + "/32"), "the address is gone");
        assertTrue(Files.exists(stateDir.resolve("torn-down")), "the marker the supervisor reads");
    }

    private static List<String> rulesFor(String ip) {
        return sh("ip", "netns", "exec", netns, "iptables-save").lines()
                .filter(l -> l.startsWith("-A ") && l.contains(ip + "/32")).toList();
    }

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(getText(path));
    }

    private static String getText(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + web + path)).build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** iptables-save's rule line as arguments (comments are quoted there). */
    private static String[] argv(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out.toArray(String[]::new);
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
