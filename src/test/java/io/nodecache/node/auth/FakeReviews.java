package io.nodecache.node.auth;

import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API server's TokenReview and SubjectAccessReview, played on fabric8's mock server by looking at each request,
 * as the real one would answer for these tokens:
 * <ul>
 *   <li>{@code reader-*}: a ServiceAccount that may {@code get} querylogs.nodecache.io, not {@code update} them;
 *   <li>{@code operator-*}: one that may do both;
 *   <li>{@code expired-*}: unauthenticated, with the API server's error text for an expired token;
 *   <li>{@code audience-*}: authenticated, but for the API server's audience only (not in {@code status.audiences});
 *   <li>{@code down-*}: the API server fails (500);
 *   <li>anything else: unauthenticated, as for a token nobody issued.
 * </ul>
 * A review that does not ask for audience {@code nodecache}, or an access review for anything but querylogs in
 * {@code kube-system} named {@code worker-1}, is refused, so a node that asks the wrong thing fails the test.
 */
public final class FakeReviews {

    static final String EXPIRED_ERROR = "[invalid bearer token, service account token has expired]";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public final AtomicInteger tokenReviews = new AtomicInteger();
    final AtomicInteger accessReviews = new AtomicInteger();
    /** Every token a TokenReview carried: the node must send it, and only there. */
    public final List<String> reviewedTokens = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> accessReviewsByVerb = new ConcurrentHashMap<>();

    public FakeReviews(KubernetesMockServer server) {
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(provider(this::tokenReview)).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(provider(this::accessReview)).always();
    }

    private record Answer(int status, Object body) {}

    private Answer tokenReview(JsonNode request) {
        tokenReviews.incrementAndGet();
        String token = request.path("spec").path("token").asString();
        reviewedTokens.add(token);
        boolean ourAudience = request.path("spec").path("audiences").size() == 1
                && request.path("spec").path("audiences").path(0).asString().equals("nodecache");
        TokenReviewBuilder review = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec();
        if (token.startsWith("down-")) {
            return new Answer(500, Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure",
                    "message", "etcdserver: request timed out", "code", 500));
        }
        if (!ourAudience) {
            review.withNewStatus().withAuthenticated(false).withError("the test wants audience nodecache").endStatus();
        } else if (token.startsWith("reader-") || token.startsWith("operator-")) {
            // A name of its own (not the token, which must never show in an answer): reader-1 is reader-sa1.
            String sa = token.replaceFirst("-", "-sa");
            review.withNewStatus().withAuthenticated(true).withAudiences("nodecache").withNewUser()
                    .withUsername("system:serviceaccount:kube-system:" + sa).withUid("uid-" + sa)
                    .withGroups("system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated")
                    .withExtra(Map.of("authentication.kubernetes.io/pod-name", List.of("dashboard-0")))
                    .endUser().endStatus();
        } else if (token.startsWith("audience-")) {
            review.withNewStatus().withAuthenticated(true).withAudiences("https://kubernetes.default.svc")
                    .withNewUser().withUsername("system:serviceaccount:default:other").endUser().endStatus();
        } else if (token.startsWith("expired-")) {
            review.withNewStatus().withAuthenticated(false).withError(EXPIRED_ERROR).endStatus();
        } else {
            review.withNewStatus().withAuthenticated(false).withError("[invalid bearer token, square/go-jose: error"
                    + " in cryptographic primitive]").endStatus();
        }
        return new Answer(201, review.build());
    }

    private Answer accessReview(JsonNode request) {
        accessReviews.incrementAndGet();
        JsonNode spec = request.path("spec");
        JsonNode ra = spec.path("resourceAttributes");
        String verb = ra.path("verb").asString();
        accessReviewsByVerb.computeIfAbsent(verb, v -> new AtomicInteger()).incrementAndGet();
        String user = spec.path("user").asString();
        boolean rightResource = ra.path("group").asString().equals("nodecache.io")
                && ra.path("resource").asString().equals("querylogs")
                && ra.path("namespace").asString().equals("kube-system")
                && ra.path("name").asString().equals("worker-1")
                && spec.path("uid").asString().equals("uid-" + user.substring(user.lastIndexOf(':') + 1))
                && spec.path("groups").size() == 3
                && spec.path("extra").path("authentication.kubernetes.io/pod-name").path(0).asString()
                        .equals("dashboard-0");
        boolean allowed = rightResource && (user.contains(":operator-")
                || (user.contains(":reader-") && verb.equals("get")));
        return new Answer(201, new SubjectAccessReviewBuilder().withNewStatus().withAllowed(allowed)
                .withReason(allowed ? "RBAC: allowed by RoleBinding \"nodecache-dashboard/kube-system\""
                        : rightResource ? "" : "the test's fake asked about the wrong thing")
                .endStatus().build());
    }

    private static ResponseProvider<Object> provider(Function<JsonNode, Answer> answer) {
        return new ResponseProvider<>() {
            // One answer per request, whichever of status and body the server asks for first.
            private final Map<RecordedRequest, Answer> answers = java.util.Collections.synchronizedMap(
                    new java.util.IdentityHashMap<>());
            private Headers headers = new Headers.Builder().build();

            private Answer answer(RecordedRequest r) {
                return answers.computeIfAbsent(r, x -> answer.apply(JSON.readTree(x.getUtf8Body())));
            }

            @Override
            public int getStatusCode(RecordedRequest request) {
                return answer(request).status();
            }

            @Override
            public Object getBody(RecordedRequest request) {
                return answer(request).body();
            }

            @Override
            public Headers getHeaders() {
                return headers;
            }

            @Override
            public void setHeaders(Headers h) {
                headers = h;
            }
        };
    }
}
