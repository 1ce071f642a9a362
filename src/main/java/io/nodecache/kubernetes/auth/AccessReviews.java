package io.nodecache.kubernetes.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;

/**
 * Asks the API server whether a reviewed user may {@code verb} the node's query log: a SubjectAccessReview for
 * {@code resourceAttributes {group, resource, namespace, name}} with the user, uid, groups and extra of the
 * TokenReview. Answers are cached as kube-rbac-proxy caches them ({@code AllowCacheTTL: 5 * time.Minute},
 * {@code DenyCacheTTL: 30 * time.Second}), keyed on the user and verb (no token); an API server that does not answer
 * is an {@link ApiServerUnavailableException}, never cached and never an allow.
 */
public final class AccessReviews {

    public static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
    public static final Duration DENIED_TTL = Duration.ofSeconds(30);

    private static final int MAX_ENTRIES = 10_000;

    /** What is asked about: {@code namespace} and {@code name} may be null (cluster-wide, every name). */
    public record Resource(String group, String resource, String namespace, String name) {}

    /** The answer, with the authorizer's reason (for the log and the 403's detail). */
    public record Decision(boolean allowed, String reason) {}

    private record Key(ReviewedUser user, String verb) {}

    private final KubernetesClient client;
    private final Resource resource;
    private final Cache<Key, Decision> cache;

    public AccessReviews(KubernetesClient client, Resource resource, Ticker ticker) {
        this.client = client;
        this.resource = resource;
        this.cache = Caffeine.newBuilder().ticker(ticker).maximumSize(MAX_ENTRIES).executor(Runnable::run)
                .expireAfter(Expiry.<Key, Decision>creating((k, d) -> d.allowed() ? ALLOWED_TTL : DENIED_TTL))
                .build();
    }

    public Resource resource() {
        return resource;
    }

    /**
     * Whether {@code user} may {@code verb} the resource.
     *
     * @throws ApiServerUnavailableException when the API server gave no answer
     */
    public Decision check(ReviewedUser user, String verb) {
        return cache.get(new Key(user, verb), k -> ask(user, verb));
    }

    private Decision ask(ReviewedUser user, String verb) {
        SubjectAccessReview request = new SubjectAccessReviewBuilder().withNewSpec()
                .withUser(user.name()).withUid(user.uid()).withGroups(user.groups()).withExtra(user.extra())
                .withNewResourceAttributes().withGroup(resource.group()).withResource(resource.resource())
                .withNamespace(resource.namespace()).withName(resource.name()).withVerb(verb)
                .endResourceAttributes().endSpec().build();
        SubjectAccessReview answer;
        try {
            answer = client.authorization().v1().subjectAccessReview().create(request);
        } catch (KubernetesClientException e) {
            throw new ApiServerUnavailableException("SubjectAccessReview failed (HTTP " + e.getCode() + ")", e);
        }
        SubjectAccessReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new ApiServerUnavailableException("SubjectAccessReview came back without a status", null);
        }
        boolean allowed = Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied());
        String reason = status.getReason() != null && !status.getReason().isEmpty() ? status.getReason()
                : status.getEvaluationError();
        return new Decision(allowed, reason);
    }
}
