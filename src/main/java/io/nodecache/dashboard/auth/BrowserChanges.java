package io.nodecache.dashboard.auth;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which requests must carry a CSRF token: every change (not GET, HEAD, OPTIONS, TRACE) that a browser could have
 * been made to send. A forged request rides on what the browser adds by itself — the session cookie, Basic
 * credentials it cached, or (in the loopback {@code none} mode) merely being on the machine — and a browser marks
 * every request it sends: {@code Sec-Fetch-Site/Mode/Dest} (Chromium, Firefox, Safari since 2023) on all of them, and
 * {@code Origin} on every cross-origin PUT or POST and on forms. So a change with a session cookie, an {@code Origin},
 * a {@code Sec-Fetch-*} or a {@code Referer} header needs the token; a script's {@code curl -u} (none of them, its
 * credentials given by hand each time) does not, and needs no session round trip to fetch a token first.
 */
public final class BrowserChanges implements RequestMatcher {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final String[] BROWSER_HEADERS = {"Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode",
        "Sec-Fetch-Dest", "Sec-Fetch-User"};

    private final String sessionCookie;

    /** @param sessionCookie the session cookie's name ({@code server.servlet.session.cookie.name}, JSESSIONID) */
    public BrowserChanges(String sessionCookie) {
        this.sessionCookie = sessionCookie;
    }

    @Override
    public boolean matches(HttpServletRequest request) {
        if (SAFE.contains(request.getMethod())) {
            return false;
        }
        for (String h : BROWSER_HEADERS) {
            if (request.getHeader(h) != null) {
                return true;
            }
        }
        if (request.getCookies() != null) {
            for (Cookie c : request.getCookies()) {
                if (c.getName().equals(sessionCookie)) {
                    return true;
                }
            }
        }
        return false;
    }
}
