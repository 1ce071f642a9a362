package io.nodecache.node.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real node in {@code nodecache.api-auth=kubernetes} over real HTTP, its TokenReviews and SubjectAccessReviews
 * answered by fabric8's mock server ({@link FakeReviews}): each kind of caller against a read (rows, the live stream,
 * chains) and the switch; the caches' TTLs on a ticker the test moves; an API server that fails is a 503.
 */
class KubernetesAuthTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static TestUpstream upstream;
    static KubernetesMockServer server;
    static KubernetesClient client;
    static FakeReviews reviews;
    static final TestTicker ticker = new TestTicker();
    static AuthNode node;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
        server = new KubernetesMockServer(false);
        server.init();
        reviews = new FakeReviews(server);
        // No retries: a failing API server shows at once (the node's own client retries once).
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/")).withRequestRetryBackoffLimit(0).withNamespace("default").build())
                .build();
        node = AuthNode.start(upstream, List.of("--nodecache.api-auth=kubernetes", "--POD_NAMESPACE=kube-system",
                "--NODE_NAME=worker-1"), c -> {
                    c.getBeanFactory().registerSingleton("testKubernetesClient", client);
                    c.getBeanFactory().registerSingleton("testTicker", ticker);
                });
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static final List<String> READS = List.of("/api/v1/queries", "/api/v1/queries/stream", "/api/v1/chains");

    /** Caller, how it sends its token, what a read gets, what the switch gets, the denial's reason. */
    static Stream<Arguments> callers() {
        return Stream.of(
                Arguments.of("reader-1", "bearer", 200, 403, "forbidden"),
                Arguments.of("reader-2", "header", 200, 403, "forbidden"),
                Arguments.of("operator-1", "bearer", 200, 200, null),
                Arguments.of("operator-2", "header", 200, 200, null),
                Arguments.of("wrong-1", "bearer", 401, 401, "invalid"),
                Arguments.of("expired-1", "header", 401, 401, "invalid"),
                Arguments.of("audience-1", "bearer", 401, 401, "audience"),
                Arguments.of(null, "none", 401, 401, "missing"));
    }

    @ParameterizedTest(name = "{0} by {1}: read {2}, switch {3}")
    @MethodSource("callers")
    void eachCallerGetsWhatItMay(String token, String how, int read, int change, String reason) throws Exception {
        Map<String, String> headers = headers(token, how);
        double deniedBefore = reason == null ? 0 : node.denied(reason);
        for (String path : READS) {
            AuthNode.Reply r = node.call("GET", path, headers);
            assertEquals(read, r.status(), path + ": " + r.body());
            if (read == 200 && path.endsWith("/stream")) {
                assertTrue(r.body().startsWith("event:"), "the stream itself: " + r.body());
            }
            if (read != 200) {
                problem(r, read, reason, token);
            }
        }
        AuthNode.Reply put = node.call("PUT", "/api/v1/logging", headers);
        assertEquals(change, put.status(), put.body());
        if (change != 200) {
            JsonNode p = problem(put, change, reason, token);
            if (change == 403) {
                assertTrue(p.path("detail").asString().contains("may not update querylogs.nodecache.io in namespace"
                        + " kube-system"), p.toString());
            }
            if (token != null && token.startsWith("expired-")) {
                assertTrue(p.path("detail").asString().contains(FakeReviews.EXPIRED_ERROR), p.toString());
            }
            int denials = (read == 200 ? 0 : READS.size()) + 1;
            assertEquals(deniedBefore + denials, node.denied(reason), "counted as " + reason);
        } else {
            assertFalse(JSON.readTree(put.body()).path("enabled").asBoolean(), put.body());
        }
        if (token != null) {
            assertTrue(reviews.reviewedTokens.contains(token), "the node asked the API server about it");
        }
    }

    @Test
    void reviewsAreCachedAsKubeRbacProxyCachesThem() throws Exception {
        Map<String, String> reader = headers("reader-cache", "header");
        int tokenReviews = reviews.tokenReviews.get();
        int gets = verbCount("get");
        int updates = verbCount("update");

        assertEquals(200, node.call("GET", "/api/v1/node", reader).status());
        assertEquals(200, node.call("GET", "/api/v1/stats", reader).status());
        assertEquals(tokenReviews + 1, reviews.tokenReviews.get(), "one TokenReview for two calls");
        assertEquals(gets + 1, verbCount("get"), "one SubjectAccessReview (get) for two calls");

        assertEquals(403, node.call("PUT", "/api/v1/logging", reader).status());
        assertEquals(403, node.call("PUT", "/api/v1/logging", reader).status());
        assertEquals(updates + 1, verbCount("update"), "a denial is remembered within its TTL");

        ticker.advance(Duration.ofSeconds(31));
        assertEquals(403, node.call("PUT", "/api/v1/logging", reader).status());
        assertEquals(updates + 2, verbCount("update"), "asked again after the deny TTL (30 s)");
        assertEquals(200, node.call("GET", "/api/v1/node", reader).status());
        assertEquals(gets + 1, verbCount("get"), "an allow lasts 5 minutes");
        assertEquals(tokenReviews + 1, reviews.tokenReviews.get(), "the token's review lasts 2 minutes");

        ticker.advance(Duration.ofSeconds(90)); // 2 min 1 s after the first review
        assertEquals(200, node.call("GET", "/api/v1/node", reader).status());
        assertEquals(tokenReviews + 2, reviews.tokenReviews.get(), "reviewed again after the authn TTL (2 min)");
        assertEquals(gets + 1, verbCount("get"), "the allow still stands (5 min)");

        ticker.advance(Duration.ofMinutes(3));
        assertEquals(200, node.call("GET", "/api/v1/node", reader).status());
        assertEquals(gets + 2, verbCount("get"), "asked again after the allow TTL (5 min)");

        // A rejected token is remembered too (kube-rbac-proxy caches failures for the same 2 minutes).
        Map<String, String> wrong = headers("wrong-cache", "bearer");
        int before = reviews.tokenReviews.get();
        assertEquals(401, node.call("GET", "/api/v1/node", wrong).status());
        assertEquals(401, node.call("GET", "/api/v1/node", wrong).status());
        assertEquals(before + 1, reviews.tokenReviews.get());
    }

    @Test
    void anAcceptedTokenIsRememberedNoLongerThanItsExp() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> shortLived = headers(jwt("reader-exp", now + 45), "header");
        int before = reviews.tokenReviews.get();
        assertEquals(200, node.call("GET", "/api/v1/node", shortLived).status());
        ticker.advance(Duration.ofSeconds(40));
        assertEquals(200, node.call("GET", "/api/v1/node", shortLived).status());
        assertEquals(before + 1, reviews.tokenReviews.get(), "remembered before its exp");
        ticker.advance(Duration.ofSeconds(10)); // past exp, well inside the 2 minutes
        assertEquals(200, node.call("GET", "/api/v1/node", shortLived).status());
        assertEquals(before + 2, reviews.tokenReviews.get(), "reviewed again once its exp passed, not 2 min later");

        // Past its exp by the node's clock already (skew): the review decides each time, nothing is remembered.
        Map<String, String> stale = headers(jwt("reader-stale", now - 5), "header");
        assertEquals(200, node.call("GET", "/api/v1/node", stale).status());
        assertEquals(200, node.call("GET", "/api/v1/node", stale).status());
        assertEquals(before + 4, reviews.tokenReviews.get());

        // A long-lived token is still remembered for the 2 minutes alone.
        Map<String, String> longLived = headers(jwt("reader-long", now + 3600), "header");
        assertEquals(200, node.call("GET", "/api/v1/node", longLived).status());
        ticker.advance(Duration.ofSeconds(100));
        assertEquals(200, node.call("GET", "/api/v1/node", longLived).status());
        assertEquals(before + 5, reviews.tokenReviews.get());
        ticker.advance(Duration.ofSeconds(21));
        assertEquals(200, node.call("GET", "/api/v1/node", longLived).status());
        assertEquals(before + 6, reviews.tokenReviews.get());
    }

    /** A JWT-shaped token (FakeReviews goes by its prefix) whose payload claims {@code exp}; the signature is junk. */
    private static String jwt(String prefix, long exp) {
        String payload = "{\"aud\":[\"nodecache\"],\"exp\":" + exp + ",\"sub\":\"system:serviceaccount:x:y\"}";
        return prefix + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    @Test
    void anApiServerThatFailsIsA503NeverAnAllowAndIsAskedAgain() throws Exception {
        int before = reviews.tokenReviews.get();
        double unavailable = node.denied("unavailable");
        for (String method : List.of("GET", "PUT")) {
            AuthNode.Reply r = node.call(method, method.equals("GET") ? "/api/v1/queries" : "/api/v1/logging",
                    headers("down-1", "header"));
            problem(r, 503, "unavailable", "down-1");
        }
        assertTrue(reviews.tokenReviews.get() >= before + 2, "a failure is not cached");
        assertEquals(unavailable + 2, node.denied("unavailable"));
    }

    @Test
    void theTokenHeaderWinsOverAuthorization() throws Exception {
        // Through a proxy that did not strip Authorization, the node token is still the one in the own header.
        AuthNode.Reply r = node.call("GET", "/api/v1/node", Map.of("Authorization", "Bearer wrong-sa-token",
                "X-Nodecache-Token", "reader-both"));
        assertEquals(200, r.status(), r.body());
    }

    static int verbCount(String verb) {
        return reviews.accessReviewsByVerb.computeIfAbsent(verb, v -> new java.util.concurrent.atomic.AtomicInteger())
                .get();
    }

    static Map<String, String> headers(String token, String how) {
        return switch (how) {
            case "bearer" -> Map.of("Authorization", "Bearer " + token);
            case "header" -> Map.of("X-Nodecache-Token", token);
            default -> Map.of();
        };
    }

    /** A problem detail with the status and reason, a Bearer challenge on 401s, and never the token. */
    static JsonNode problem(AuthNode.Reply r, int status, String reason, String token) {
        assertEquals(status, r.status(), r.body());
        JsonNode p = JSON.readTree(r.body());
        assertEquals(status, p.path("status").asInt(), r.body());
        assertEquals(reason, p.path("reason").asString(), r.body());
        assertFalse(p.path("detail").asString().isBlank(), r.body());
        if (token != null) {
            assertFalse(r.body().contains(token), "the token is never echoed: " + r.body());
        }
        if (status == 401) {
            assertTrue(r.wwwAuthenticate() != null && r.wwwAuthenticate().startsWith("Bearer"), r.wwwAuthenticate());
        }
        return p;
    }
}
