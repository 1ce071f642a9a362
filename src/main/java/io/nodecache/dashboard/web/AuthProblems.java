package io.nodecache.dashboard.web;

import io.nodecache.dashboard.auth.DashboardAuthProperties;
import io.nodecache.dashboard.auth.DashboardUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refusals as the API's other errors are: RFC 9457 problem details. Not signed in: a browser's page goes to the
 * login form; anything else gets 401 (with a Basic challenge for scripts; not for a page's own requests, where the
 * browser would pop up its own password dialog). Signed in but not allowed, or a browser's change without its CSRF
 * token: 403 saying which.
 */
final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    static final String REALM = "nodecache dashboard";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String mode;
    private final String userHeader;

    AuthProblems(DashboardAuthProperties auth) {
        this.mode = auth.mode();
        this.userHeader = auth.userHeader();
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (mode.equals(DashboardAuthProperties.LOGIN) && page(request)) {
            response.sendRedirect(request.getContextPath() + "/login");
            return;
        }
        if (mode.equals(DashboardAuthProperties.LOGIN) && request.getHeader("Sec-Fetch-Mode") == null) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
        }
        write(response, HttpStatus.UNAUTHORIZED, mode.equals(DashboardAuthProperties.PROXY)
                ? "the authenticating proxy named no user (no " + userHeader + " header on this request)"
                : "sign in first: the login page for a browser, HTTP Basic (curl -u NAME) for a script");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (e instanceof CsrfException) {
            write(response, HttpStatus.FORBIDDEN, "a change sent by a browser needs the CSRF token: the "
                    + DashboardSecurity.CSRF_COOKIE + " cookie's value in the " + DashboardSecurity.CSRF_HEADER
                    + " header");
            return;
        }
        DashboardUser user = DashboardUser.of(SecurityContextHolder.getContext().getAuthentication(), mode, request);
        String detail = user == null ? "not allowed"
                : user.switchDenied() != null && request.getMethod().equals("PUT") ? user.switchDenied()
                : user.name() + " is in no group that may use the dashboard";
        write(response, HttpStatus.FORBIDDEN, detail);
    }

    void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("type", "about:blank");
        p.put("title", status.getReasonPhrase());
        p.put("status", status.value());
        p.put("detail", detail);
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(p));
    }

    /** A browser asking for a page: a GET that accepts HTML, outside the APIs. */
    private static boolean page(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        String accept = request.getHeader("Accept");
        return request.getMethod().equals("GET") && accept != null && accept.contains("text/html")
                && !path.startsWith("/api/") && !path.matches("/nodes/[^/]+/api/.*");
    }
}
