package io.nodecache.dashboard.auth;

import io.nodecache.http.LoopbackHost;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The TCP peer of a request, as the socket has it. {@code server.forward-headers-strategy=framework} (the node
 * console's prefix needs it) puts Spring's {@code ForwardedHeaderFilter} first, and its wrapper answers
 * {@code getRemoteAddr()} from {@code X-Forwarded-For}: anyone can send that header. Tomcat's own request, under every
 * wrapper, still has the socket's address.
 */
public final class SocketPeer {

    private SocketPeer() {
    }

    public static String address(HttpServletRequest request) {
        return LoopbackHost.underWrappers(request).getRemoteAddr();
    }

    /** The peer, and what a proxy said it forwarded for (as said, not believed), for the audit line. */
    public static String describe(HttpServletRequest request) {
        // ForwardedHeaderFilter hides the header it consumed: read it where the socket put it.
        String forwarded = ((HttpServletRequest) LoopbackHost.underWrappers(request)).getHeader("X-Forwarded-For");
        return address(request) + (forwarded == null || forwarded.isBlank() ? "" : " (forwarded for " + forwarded + ")");
    }
}
