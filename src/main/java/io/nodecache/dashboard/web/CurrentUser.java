package io.nodecache.dashboard.web;

import io.nodecache.dashboard.auth.DashboardAuthProperties;
import io.nodecache.dashboard.auth.DashboardUser;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/** The signed-in user of the request being served, as the pages, the API and the audit line name them. */
@Component
class CurrentUser {

    private final String mode;

    CurrentUser(DashboardAuthProperties auth) {
        this.mode = auth.mode();
    }

    String mode() {
        return mode;
    }

    /** The user, or null outside an authenticated request (the login page). */
    DashboardUser of(HttpServletRequest request) {
        return DashboardUser.of(SecurityContextHolder.getContext().getAuthentication(), mode, request);
    }

    /** Who asked, for the audit line: user, role, how, and the socket's peer (what a proxy forwarded, as said). */
    String caller(HttpServletRequest request) {
        DashboardUser u = of(request);
        return u == null ? "unauthenticated at " + io.nodecache.dashboard.auth.SocketPeer.describe(request)
                : u.describe(request);
    }
}
