package io.nodecache.node.auth;

import io.nodecache.http.LoopbackHost;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** The {@code none} mode's one check: the request's {@code Host} names loopback ({@link LoopbackHost}), else 403. */
final class LoopbackHostOnly extends OncePerRequestFilter {

    private final LoopbackHost loopback = new LoopbackHost();
    private final AuthProblems problems;

    LoopbackHostOnly(AuthProblems problems) {
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!loopback.matches(request)) {
            problems.refuseHost(request, response);
            return;
        }
        chain.doFilter(request, response);
    }
}
