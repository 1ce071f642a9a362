package io.nodecache.node.auth;

import io.nodecache.kubernetes.auth.ReviewedUser;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A caller whose token was accepted: the user a TokenReview named ({@code user} is then what the SubjectAccessReview
 * asks about), or the holder of the shared token ({@code user} null). Holds no token.
 */
final class ApiCaller extends AbstractAuthenticationToken {

    private final String name;
    private final ReviewedUser user;

    ApiCaller(String name, ReviewedUser user) {
        super(List.of());
        this.name = name;
        this.user = user;
        setAuthenticated(true);
    }

    ReviewedUser user() {
        return user;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return name;
    }
}
