package io.nodecache.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Every page the dashboard serves, every file and API answer they lead to (followed from their links, scripts and
 * styles), the node console through it and the first event of each stream, fetched as a signed-in operator and as
 * a viewer: none holds a password, a hash (with or without its prefix), a line of the users file, or the node token
 * ({@code nodecache.api-token}).
 */
class NothingSecretInThePageTest {

    static final String NODE_TOKEN = "node-token-7c1f0b5e9a3d4e6f";
    static final List<String> START = List.of("/", "/pods", "/pods/default/frontend", "/clients/10.0.0.9", "/queries",
            "/login", "/api/v1/cluster", "/api/v1/cluster/nodes", "/api/v1/cluster/nodes/n1", "/api/v1/cluster/pods",
            "/api/v1/cluster/names", "/api/v1/cluster/me", "/api/v1/cluster/pods/default/frontend/chains",
            "/api/v1/cluster/nodes/nowhere", "/nodes/n1/", "/nodes/n1/queries", "/nodes/n1/chains",
            "/nodes/n1/api/v1/node", "/nodes/n1/api/v1/logging", "/nodes/n1/api/v1/queries", "/actuator/health",
            "/actuator/health/readiness", "/actuator/prometheus");
    static final List<String> STREAMS = List.of("/api/v1/cluster/events", "/api/v1/cluster/queries/stream",
            "/nodes/n1/api/v1/queries/stream");

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static Path users;
    static int port;
    static List<String> secrets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        users = Web.usersFile("alice:operator:alice-secret-pw", "bob:viewer:bob-secret-pw");
        for (String line : Files.readAllLines(users)) {
            if (!line.startsWith("#")) {
                String hash = line.split(":")[1];
                secrets.add(line);
                secrets.add(hash);
                secrets.add(hash.substring("{bcrypt}".length()));
                // The salt and checksum part alone: no piece of a hash leaks in another shape.
                secrets.add(hash.substring(hash.length() - 31));
            }
        }
        secrets.addAll(List.of("alice-secret-pw", "bob-secret-pw", NODE_TOKEN));
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url(), "--nodecache.dashboard.auth.mode=login",
                "--nodecache.dashboard.auth.users-file=" + users, "--nodecache.api-token=" + NODE_TOKEN);
        port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        dashboard.close();
        node.close();
        upstream.close();
    }

    @Test
    void noSecretInAnythingAnOperatorWithASessionIsServed() throws Exception {
        Web browser = new Web(port);
        String csrf = Web.formCsrf(browser.get("/login").body());
        HttpResponse<String> in = browser.postForm("/login", "username=alice&password=alice-secret-pw&_csrf="
                + URLEncoder.encode(csrf, StandardCharsets.UTF_8), "Origin", "http://127.0.0.1:" + port);
        assertEquals(302, in.statusCode());
        crawl(browser, new String[0]);
    }

    @Test
    void noSecretInAnythingAViewerWithBasicIsServed() throws Exception {
        crawl(new Web(port), new String[] {"Authorization", Web.basic("bob", "bob-secret-pw")});
    }

    private static void crawl(Web web, String[] auth) throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(START);
        Pattern link = Pattern.compile("(?:src|href)=\"(/[^\"]*)\"|\"(/webjars/[^\"]+)\"|from '(\\.{1,2}/[^']+)'");
        while (!todo.isEmpty()) {
            String path = todo.poll();
            if (!seen.add(path) || path.startsWith("/logout")) {
                continue;
            }
            String[] headers = concat(auth, "Accept", path.startsWith("/api/") || path.contains("/api/")
                    ? "application/json" : "text/html,*/*");
            HttpResponse<String> r = web.get(path, headers);
            assertTrue(r.statusCode() < 500 && r.statusCode() != 401, path + ": " + r.statusCode() + " " + r.body());
            assertNoSecret(path, r.headers().map().toString() + "\n" + r.body());
            Matcher m = link.matcher(r.body());
            while (m.find()) {
                if (m.group(1) != null || m.group(2) != null) {
                    todo.add(m.group(1) != null ? m.group(1) : m.group(2));
                } else {
                    todo.add(URI.create("http://x" + path).resolve(m.group(3)).getPath());
                }
            }
        }
        assertTrue(seen.size() >= 35, "followed the pages' files too: " + seen);
        assertTrue(seen.contains("/frontend/js/dashboard/overview.js") && seen.contains("/nodes/n1/frontend/js/api.js"),
                seen.toString());
        for (String stream : STREAMS) {
            HttpRequest.Builder b = HttpRequest.newBuilder(web.uri(stream)).timeout(Duration.ofSeconds(20));
            if (auth.length > 0) {
                b.headers(auth);
            }
            HttpResponse<InputStream> r = web.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode(), stream);
            try (InputStream in = r.body()) {
                byte[] first = new byte[16_384];
                int n = in.read(first);
                assertFalse(n <= 0, stream + " sent nothing");
                assertNoSecret(stream, new String(first, 0, n, StandardCharsets.UTF_8));
            }
        }
    }

    private static void assertNoSecret(String path, String text) {
        for (String s : secrets) {
            assertFalse(text.contains(s), path + " holds a secret: " + s);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
