package io.nodecache.kubernetes.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Asks the API server who a bearer token belongs to (a TokenReview with {@code spec.audiences} = the node's audience)
 * and remembers the answer, yes or no, for {@link #TTL}: kube-rbac-proxy's authentication cache (its
 * {@code CacheTTL: 2 * time.Minute}, used by the API server library for successes and failures alike). A token is
 * accepted only when the review says authenticated <em>and</em> lists the audience in {@code status.audiences}; an
 * API server that does not answer is an {@link ApiServerUnavailableException}, never cached. An accepted token that is
 * a JWT with an {@code exp} claim (every projected ServiceAccount token is) is remembered only until then, so a token
 * is never taken after it expires; the claim is read, not trusted: it can only shorten what the review said.
 *
 * <p>The cache is keyed on an HMAC-SHA256 of the token under a key made at start and never kept anywhere else, as the
 * API server's own token cache does: the tokens themselves are never held past the review.
 */
public final class TokenReviews {

    /** kube-rbac-proxy's authentication cache TTL, for accepted and rejected tokens. */
    public static final Duration TTL = Duration.ofMinutes(2);

    private static final int MAX_ENTRIES = 10_000;

    /** What the review said. */
    public sealed interface Verdict permits Accepted, Rejected {}

    /** The token is good for the audience; this is who holds it. */
    public record Accepted(ReviewedUser user) implements Verdict {}

    /**
     * The token is not: {@code wrongAudience} when the API server knows it but not for this audience; {@code error} is
     * the API server's text ({@code status.error}), never the token.
     */
    public record Rejected(boolean wrongAudience, String error) implements Verdict {}

    private final KubernetesClient client;
    private final String audience;
    private final Cache<String, Remembered> cache;
    private final byte[] hmacKey = new byte[32];

    public TokenReviews(KubernetesClient client, String audience, Ticker ticker) {
        this.client = client;
        this.audience = audience;
        // executor(Runnable::run): maintenance on the caller's thread, so a test's ticker decides expiry alone.
        this.cache = Caffeine.newBuilder().ticker(ticker).expireAfter(Expiry.<String, Remembered>creating(
                (key, remembered) -> remembered.lifetime())).maximumSize(MAX_ENTRIES).executor(Runnable::run).build();
        new SecureRandom().nextBytes(hmacKey);
    }

    public String audience() {
        return audience;
    }

    /**
     * The verdict on {@code token}, from the cache or a new review. Concurrent calls for one token make one review.
     *
     * @throws ApiServerUnavailableException when the API server gave no verdict
     */
    public Verdict review(String token) {
        return cache.get(key(token), k -> remember(token, ask(token))).verdict();
    }

    /** A verdict and how long it may be remembered. */
    private record Remembered(Verdict verdict, Duration lifetime) {}

    private static Remembered remember(String token, Verdict verdict) {
        if (verdict instanceof Accepted) {
            Long exp = JwtExpiry.epochSeconds(token);
            if (exp != null) {
                Duration left = Duration.ofMillis(Math.max(0, exp * 1000 - System.currentTimeMillis()));
                return new Remembered(verdict, left.compareTo(TTL) < 0 ? left : TTL);
            }
        }
        return new Remembered(verdict, TTL);
    }

    private Verdict ask(String token) {
        TokenReview request = new TokenReviewBuilder().withNewSpec().withToken(token).withAudiences(audience)
                .endSpec().build();
        TokenReview answer;
        try {
            answer = client.authentication().v1().tokenReviews().create(request);
        } catch (KubernetesClientException e) {
            throw new ApiServerUnavailableException("TokenReview failed (HTTP " + e.getCode() + ")", e);
        }
        TokenReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new ApiServerUnavailableException("TokenReview came back without a status", null);
        }
        if (!Boolean.TRUE.equals(status.getAuthenticated())) {
            return new Rejected(false, status.getError() == null ? "not authenticated" : status.getError());
        }
        if (status.getAudiences() == null || !status.getAudiences().contains(audience)) {
            return new Rejected(true, "the token is not for audience '" + audience + "'");
        }
        UserInfo u = status.getUser();
        if (u == null || u.getUsername() == null || u.getUsername().isEmpty()) {
            return new Rejected(false, "the review named no user");
        }
        return new Accepted(new ReviewedUser(u.getUsername(), u.getUid(), u.getGroups(), u.getExtra()));
    }

    private String key(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
