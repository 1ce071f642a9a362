package io.nodecache.http;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.util.Locale;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Matches requests whose {@code Host} names loopback ({@code localhost}, 127.0.0.0/8, {@code [::1]}). The dashboard's
 * and the node's {@code none} modes answer only those: a web page whose own name an attacker re-points at 127.0.0.1
 * (DNS rebinding) is same-origin with them in the browser's eyes, so neither CORS nor a CSRF cookie would stop it; its
 * {@code Host} header still carries the attacker's name.
 */
public final class LoopbackHost implements RequestMatcher {

    @Override
    public boolean matches(HttpServletRequest request) {
        // The Host header as the socket received it: ForwardedHeaderFilter would answer X-Forwarded-Host instead.
        String host = ((HttpServletRequest) underWrappers(request)).getHeader("Host");
        if (host == null) {
            return true;
        }
        host = host.strip().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|[0-9a-f:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The request under every wrapper: the socket's peer, the headers as received. */
    public static ServletRequest underWrappers(HttpServletRequest request) {
        ServletRequest r = request;
        while (r instanceof ServletRequestWrapper w) {
            r = w.getRequest();
        }
        return r;
    }
}
