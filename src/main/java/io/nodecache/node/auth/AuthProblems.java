package io.nodecache.node.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every refusal of the node's web port as an RFC 9457 problem detail, like the API's other errors, counted in
 * {@code nodecache_api_auth_denied_total{reason}}: 401 for {@code missing} (no token), {@code invalid} (not
 * accepted: wrong, expired, unknown) and {@code audience} (a good token for another audience); 403 for
 * {@code forbidden} (no permission); 503 for {@code unavailable} (the API server gave no verdict). The body never
 * holds the token.
 */
final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler, AuthenticationFailureHandler {

    static final List<String> REASONS = List.of("missing", "invalid", "audience", "forbidden", "unavailable");

    private static final System.Logger LOG = System.getLogger(AuthProblems.class.getName());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, Counter> denied = new LinkedHashMap<>();

    AuthProblems(MeterRegistry registry) {
        for (String r : REASONS) {
            denied.put(r, Counter.builder("nodecache.api.auth.denied").tag("reason", r)
                    .description("Requests to the node's web port refused, by reason").register(registry));
        }
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        if (e instanceof AuthenticationServiceException) {
            LOG.log(System.Logger.Level.WARNING, "nodecache: cannot check a caller of " + request.getRequestURI()
                    + ": " + e.getMessage());
            response.setHeader("Retry-After", "5");
            write(request, response, 503, "unavailable", "Service unavailable",
                    "the node cannot check the caller now (" + e.getMessage() + "); try again");
        } else if (e instanceof RejectedToken r) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"nodecache\", error=\"invalid_token\"");
            write(request, response, 401, r.reason, "Unauthorized", r.getMessage());
        } else {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"nodecache\"");
            write(request, response, 401, "missing", "Unauthorized", "this needs a token: send it as"
                    + " 'X-Nodecache-Token: TOKEN' or 'Authorization: Bearer TOKEN'");
        }
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException e) throws IOException {
        commence(request, response, e);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        String detail = e instanceof AuthorizationDeniedException d
                && d.getAuthorizationResult() instanceof AccessReviewCheck.Denied denial ? denial.detail
                : "the caller may not do this";
        write(request, response, 403, "forbidden", "Forbidden", detail);
    }

    /** 403 for a request to a node without a check ({@code none}) whose {@code Host} does not name loopback. */
    void refuseHost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(request, response, 403, "forbidden", "Forbidden", "the node's API has no check"
                + " (nodecache.api-auth=none) and answers only to a loopback host name (localhost, 127.0.0.1, [::1])");
    }

    private void write(HttpServletRequest request, HttpServletResponse response, int status, String reason,
            String title, String detail) throws IOException {
        denied.get(reason).increment();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("instance", request.getRequestURI());
        body.put("reason", reason);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
