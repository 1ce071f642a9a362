package io.nodecache.node.auth;

import io.nodecache.kubernetes.auth.ApiServerUnavailableException;
import io.nodecache.kubernetes.auth.TokenReviews;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;

/** In a cluster: the caller's token is whoever a TokenReview for the node's audience says it is. */
final class TokenReviewCheck implements AuthenticationProvider {

    private final TokenReviews reviews;

    TokenReviewCheck(TokenReviews reviews) {
        this.reviews = reviews;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        TokenReviews.Verdict v;
        try {
            v = reviews.review((String) authentication.getCredentials());
        } catch (ApiServerUnavailableException e) {
            throw new AuthenticationServiceException(e.getMessage(), e);
        }
        if (v instanceof TokenReviews.Accepted a) {
            return new ApiCaller(a.user().name(), a.user());
        }
        TokenReviews.Rejected r = (TokenReviews.Rejected) v;
        throw new RejectedToken(r.wrongAudience() ? "audience" : "invalid",
                r.wrongAudience() ? r.error() : "the API server did not accept the token: " + r.error());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PresentedToken.class.isAssignableFrom(authentication);
    }
}
