package io.nodecache.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real node with a shared token from a file ({@code nodecache.api-token-file}, as docker-compose runs it) over real
 * HTTP: the right token by either header reads and switches, a wrong one or none gets a 401; the file re-read when it
 * is replaced; health, readiness and metrics (Netty and actuator) open to anyone.
 */
class SharedTokenAuthTest {

    static TestUpstream upstream;
    static AuthNode node;
    static int healthPort;
    static int metricsPort;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        healthPort = FreePorts.udpAndTcp();
        metricsPort = FreePorts.udpAndTcp();
        node = AuthNode.startWithTokenFile(upstream,
                List.of("health 127.0.0.1:" + healthPort, "prometheus 127.0.0.1:" + metricsPort), "first-shared-token");
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static Stream<Arguments> callers() {
        return Stream.of(
                Arguments.of("right, as bearer", Map.of("Authorization", "Bearer first-shared-token"), 200),
                Arguments.of("right, in the header", Map.of("X-Nodecache-Token", "first-shared-token"), 200),
                Arguments.of("wrong, as bearer", Map.of("Authorization", "Bearer first-shared-tokeN"), 401),
                Arguments.of("wrong, in the header", Map.of("X-Nodecache-Token", "first"), 401),
                Arguments.of("another scheme", Map.of("Authorization", "Basic Zmlyc3Qtc2hhcmVkLXRva2Vu"), 401),
                Arguments.of("none", Map.of(), 401));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("callers")
    void onlyTheSharedTokenReadsAndSwitches(String name, Map<String, String> headers, int status) throws Exception {
        for (String path : List.of("/api/v1/queries", "/api/v1/queries/stream", "/api/v1/chains", "/api/v1/node",
                "/", "/queries")) {
            AuthNode.Reply r = node.call("GET", path, headers);
            assertEquals(status, r.status(), path + ": " + r.body());
        }
        AuthNode.Reply put = node.call("PUT", "/api/v1/logging", headers);
        assertEquals(status, put.status(), put.body());
        if (status == 401) {
            KubernetesAuthTest.problem(put, 401, headers.isEmpty() || name.equals("another scheme") ? "missing"
                    : "invalid", "first-shared-token");
        }
    }

    @Test
    void aReplacedTokenFileIsReadAgain() throws Exception {
        try {
            Path next = Files.createTempFile(node.tokenFile().getParent(), "nodecache-api-token-next-", "");
            Files.writeString(next, "second-shared-token");
            // As the kubelet and most editors replace a file: a new one moved over the old.
            Files.move(next, node.tokenFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertEquals(401, node.call("GET", "/api/v1/node", Map.of("X-Nodecache-Token", "first-shared-token"))
                    .status());
            assertEquals(200, node.call("GET", "/api/v1/node", Map.of("X-Nodecache-Token", "second-shared-token"))
                    .status());
        } finally {
            Files.writeString(node.tokenFile(), "first-shared-token\n");
        }
        assertEquals(200, node.call("GET", "/api/v1/node", Map.of("X-Nodecache-Token", "first-shared-token"))
                .status(), "rewritten in place: read again too");
    }

    @Test
    void healthReadinessAndMetricsStayOpen() throws Exception {
        node.call("GET", "/api/v1/node", Map.of()); // one denial, so the counter has something to show
        HttpClient http = HttpClient.newHttpClient();
        for (String url : List.of("http://127.0.0.1:" + healthPort + "/health",
                "http://127.0.0.1:" + metricsPort + "/metrics",
                node.uri("/actuator/health").toString(), node.uri("/actuator/health/readiness").toString(),
                node.uri("/actuator/health/liveness").toString(), node.uri("/actuator/info").toString(),
                node.uri("/actuator/prometheus").toString(), node.uri("/frontend/js/header.js").toString())) {
            // A scraper that sends a token of its own (Prometheus with its ServiceAccount's) is not turned away.
            for (Map<String, String> headers : List.of(Map.<String, String>of(),
                    Map.of("Authorization", "Bearer prometheus-sa-token"))) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
                headers.forEach(b::header);
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), url + " " + headers + ": " + r.body());
                if (url.endsWith("/metrics") || url.endsWith("/prometheus")) {
                    assertTrue(r.body().contains("nodecache_api_auth_denied_total{reason=\"missing\"}"), url);
                }
            }
        }
    }
}
