package io.nodecache.dashboard.auth;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who is asking, as the pages and the audit line name them: the user, their role, and how they were authenticated
 * ({@code login} by session or HTTP Basic, {@code proxy}, or {@code none} on loopback).
 *
 * @param name   the user name (in {@code none} mode, {@code anonymous})
 * @param role   viewer or operator
 * @param how    {@code login (session)}, {@code login (HTTP Basic)}, {@code proxy}, or {@code none (loopback)}
 */
public record DashboardUser(String name, Role role, String how) {

    /** The name {@code none} mode gives everyone. */
    public static final String ANONYMOUS = "anonymous";

    public boolean operator() {
        return role == Role.OPERATOR;
    }

    /** The user of an authenticated request, or null when it is not. */
    public static DashboardUser of(Authentication auth, String mode, HttpServletRequest request) {
        // In none mode everyone is the anonymous operator; elsewhere an anonymous token means not signed in.
        boolean anonymous = auth instanceof org.springframework.security.authentication.AnonymousAuthenticationToken;
        if (auth == null || !auth.isAuthenticated() || auth.getName() == null
                || anonymous != mode.equals(DashboardAuthProperties.NONE)) {
            return null;
        }
        Role role = Role.VIEWER;
        for (GrantedAuthority a : auth.getAuthorities()) {
            if (("ROLE_" + Role.OPERATOR_ROLE).equals(a.getAuthority())) {
                role = Role.OPERATOR;
            }
        }
        String how = switch (mode) {
            case DashboardAuthProperties.LOGIN -> {
                String h = request.getHeader("Authorization");
                yield h != null && h.regionMatches(true, 0, "Basic ", 0, 6) ? "login (HTTP Basic)" : "login (session)";
            }
            case DashboardAuthProperties.PROXY -> "proxy";
            default -> "none (loopback)";
        };
        return new DashboardUser(auth.getName(), role, how);
    }

    /** For the audit line: {@code alice (operator, login (HTTP Basic)) at 10.0.0.7}. */
    public String describe(HttpServletRequest request) {
        return name + " (" + role.label() + ", " + how + ") at " + SocketPeer.describe(request);
    }

    /** Why this user's switches are off, or null when they may switch. */
    public String switchDenied() {
        return operator() ? null : "only operators may switch query logging; " + name + " is a " + role.label();
    }
}
