package io.nodecache.node.auth;

import io.nodecache.kubernetes.auth.AccessReviews;
import io.nodecache.kubernetes.auth.ApiServerUnavailableException;
import java.util.function.Supplier;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * In a cluster: a request is allowed when a SubjectAccessReview says the caller may {@code verb} the node's query log
 * ({@code get} for reads, {@code update} for changes). An anonymous caller is denied without asking (and gets a 401);
 * an API server that does not answer makes the request fail as a 503, never pass.
 */
final class AccessReviewCheck implements AuthorizationManager<RequestAuthorizationContext> {

    /** A denial that says what was asked, for the 403's detail. */
    static final class Denied extends AuthorizationDecision {
        final String detail;

        Denied(String detail) {
            super(false);
            this.detail = detail;
        }
    }

    private final AccessReviews reviews;
    private final String verb;

    AccessReviewCheck(AccessReviews reviews, String verb) {
        this.reviews = reviews;
        this.verb = verb;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext context) {
        if (!(authentication.get() instanceof ApiCaller caller) || caller.user() == null) {
            return new AuthorizationDecision(false);
        }
        AccessReviews.Decision d;
        try {
            d = reviews.check(caller.user(), verb);
        } catch (ApiServerUnavailableException e) {
            throw new AuthenticationServiceException(e.getMessage(), e);
        }
        if (d.allowed()) {
            return new AuthorizationDecision(true);
        }
        AccessReviews.Resource r = reviews.resource();
        return new Denied("user '" + caller.getName() + "' may not " + verb + " " + r.resource() + "." + r.group()
                + (r.namespace() == null ? "" : " in namespace " + r.namespace())
                + (r.name() == null ? "" : " (name " + r.name() + ")")
                + (d.reason() == null || d.reason().isEmpty() ? "" : ": " + d.reason()));
    }
}
