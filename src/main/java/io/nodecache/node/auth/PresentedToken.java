package io.nodecache.node.auth;

import io.nodecache.kubernetes.auth.TokenHeader;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A token as a caller presented it, not yet checked: from {@value TokenHeader#NAME} (what the API server's pod proxy
 * passes on) or else {@code Authorization: Bearer}. Its credentials are erased once checked.
 */
final class PresentedToken extends AbstractAuthenticationToken {

    private String token;

    private PresentedToken(String token) {
        super(List.of());
        this.token = token;
        setAuthenticated(false);
    }

    @Override
    public Object getCredentials() {
        return token;
    }

    @Override
    public Object getPrincipal() {
        return null;
    }

    @Override
    public void eraseCredentials() {
        token = null;
    }

    /** Never the token: this may end up in a log line. */
    @Override
    public String toString() {
        return "PresentedToken";
    }

    /** Reads the token off a request; null when it carries none (then the caller is anonymous, and gets a 401). */
    static final AuthenticationConverter CONVERTER = PresentedToken::from;

    static Authentication from(HttpServletRequest request) {
        String t = request.getHeader(TokenHeader.NAME);
        if (t == null || t.isBlank()) {
            String a = request.getHeader("Authorization");
            t = a != null && a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7) : null;
        }
        return t == null || t.isBlank() ? null : new PresentedToken(t.strip());
    }
}
