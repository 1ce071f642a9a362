package io.nodecache.dashboard.web;

import io.nodecache.dashboard.auth.BrowserChanges;
import io.nodecache.dashboard.auth.DashboardAuthProperties;
import io.nodecache.dashboard.auth.ProxyHeaders;
import io.nodecache.dashboard.auth.Role;
import io.nodecache.dashboard.auth.UsersFile;
import io.nodecache.http.LoopbackHost;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedGrantedAuthoritiesUserDetailsService;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedGrantedAuthoritiesWebAuthenticationDetails;
import org.springframework.security.web.authentication.preauth.RequestHeaderAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Who may use the dashboard ({@code nodecache.dashboard.auth.mode}): in every mode viewers read and only operators
 * switch query logging (the cluster API's two PUTs and the node console's switch under {@code /nodes/NAME/}), and a
 * change a browser sends needs the CSRF token ({@link BrowserChanges}). Health, Prometheus and static files stay open:
 * probes and scrapers carry no user.
 * <ul>
 *   <li>{@code none}: everyone is an operator, on loopback only ({@code LoopbackBinding} binds it), and only for a
 *       loopback {@code Host} ({@link LoopbackHost}).</li>
 *   <li>{@code login}: the users file ({@link UsersFile}); a form and a session for browsers, HTTP Basic for
 *       scripts.</li>
 *   <li>{@code proxy}: the user and groups headers of an authenticating proxy, believed only from the trusted
 *       proxies' socket addresses; any other peer is refused. No session: every request carries the headers.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DashboardAuthProperties.class)
class DashboardSecurity {

    /** Open in every mode: probes, scrapers, and the files the login page needs. No user data behind them. */
    static final String[] PUBLIC = {"/actuator/health", "/actuator/health/**", "/actuator/prometheus",
        "/frontend/**", "/webjars/**", "/error", "/favicon.ico"};
    /** The CSRF cookie the pages' script sends back in {@link #CSRF_HEADER}; named for the dashboard, so a node's
     * console on the same host (another port, the same cookie jar) never mixes it up with its own. */
    static final String CSRF_COOKIE = "NODECACHE-DASHBOARD-XSRF";
    static final String CSRF_HEADER = "X-XSRF-TOKEN";

    @Bean
    SecurityFilterChain dashboardWeb(HttpSecurity http, DashboardAuthProperties auth, Environment env,
            Clock clock) throws Exception {
        AuthProblems problems = new AuthProblems(auth);
        CookieCsrfTokenRepository csrfCookie = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfCookie.setCookieName(CSRF_COOKIE);
        csrfCookie.setHeaderName(CSRF_HEADER);
        csrfCookie.setCookieCustomizer(c -> c.sameSite("Lax"));
        String sessionCookie = env.getProperty("server.servlet.session.cookie.name", "JSESSIONID");
        http.authorizeHttpRequests(a -> a
                        .requestMatchers(PUBLIC).permitAll()
                        .requestMatchers("/login").permitAll()
                        .requestMatchers(HttpMethod.PUT, "/api/v1/cluster/logging", "/api/v1/cluster/nodes/*/logging",
                                "/nodes/*/api/v1/logging").hasRole(Role.OPERATOR_ROLE)
                        .anyRequest().hasRole("VIEWER"))
                .csrf(c -> c.spa().csrfTokenRepository(csrfCookie)
                        .requireCsrfProtectionMatcher(new BrowserChanges(sessionCookie)))
                // The token is made lazily; a page's script needs the cookie before its first change.
                .addFilterAfter(new CsrfCookie(), CsrfFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .headers(h -> h.frameOptions(f -> f.deny()));
        switch (auth.mode()) {
            case DashboardAuthProperties.LOGIN -> login(http, auth, clock, problems);
            case DashboardAuthProperties.PROXY -> proxy(http, auth, problems);
            default -> none(http, problems);
        }
        return http.build();
    }

    private static void none(HttpSecurity http, AuthProblems problems) throws Exception {
        LoopbackHost loopback = new LoopbackHost();
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .anonymous(a -> a.principal(io.nodecache.dashboard.auth.DashboardUser.ANONYMOUS)
                        .authorities(Role.OPERATOR.authorities()))
                .addFilterBefore(refuse(r -> !loopback.matches(r), HttpStatus.FORBIDDEN, problems,
                        "the dashboard runs without a login (nodecache.dashboard.auth.mode=none) and answers only to"
                                + " a loopback host name (localhost, 127.0.0.1, [::1]): open it as"
                                + " http://127.0.0.1:PORT/"), CsrfFilter.class);
    }

    private static void login(HttpSecurity http, DashboardAuthProperties auth, Clock clock, AuthProblems problems)
            throws Exception {
        UsersFile users = new UsersFile(Path.of(auth.usersFile()), clock, System.out);
        System.out.println("[INFO] nodecache dashboard: login with " + users.size() + " user(s) from "
                + auth.usersFile());
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(PasswordEncoderFactories.createDelegatingPasswordEncoder());
        http.authenticationManager(new ProviderManager(provider))
                .formLogin(f -> f.loginPage("/login").permitAll())
                .httpBasic(b -> b.realmName(AuthProblems.REALM).authenticationEntryPoint(problems))
                .logout(l -> l.logoutSuccessUrl("/login?logout"))
                .anonymous(a -> a.disable());
    }

    private static void proxy(HttpSecurity http, DashboardAuthProperties auth, AuthProblems problems)
            throws Exception {
        ProxyHeaders headers = new ProxyHeaders(auth);
        RequestHeaderAuthenticationFilter filter = new RequestHeaderAuthenticationFilter();
        filter.setPrincipalRequestHeader(auth.userHeader());
        filter.setExceptionIfHeaderMissing(false);
        filter.setCheckForPrincipalChanges(true);
        filter.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
        filter.setAuthenticationDetailsSource(r -> new PreAuthenticatedGrantedAuthoritiesWebAuthenticationDetails(
                r, headers.authorities(r)));
        PreAuthenticatedAuthenticationProvider provider = new PreAuthenticatedAuthenticationProvider();
        provider.setPreAuthenticatedUserDetailsService(new PreAuthenticatedGrantedAuthoritiesUserDetailsService());
        ProviderManager manager = new ProviderManager(provider);
        filter.setAuthenticationManager(manager);
        http.authenticationManager(manager)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .anonymous(a -> a.disable())
                .addFilterBefore(refuse(r -> !headers.fromTrustedProxy(r) && !isPublic(r), HttpStatus.FORBIDDEN,
                        problems, "the dashboard takes requests only through its authenticating proxy"
                                + " (nodecache.dashboard.auth.trusted-proxies); this peer is not one of them"),
                        CsrfFilter.class)
                .addFilterAfter(filter, CsrfFilter.class);
    }

    private static boolean isPublic(HttpServletRequest r) {
        String path = r.getRequestURI().substring(r.getContextPath().length());
        for (String p : PUBLIC) {
            if (p.endsWith("/**") ? path.startsWith(p.substring(0, p.length() - 2)) || path.equals(
                    p.substring(0, p.length() - 3)) : path.equals(p)) {
                return true;
            }
        }
        return false;
    }

    /** A filter that answers {@code status} with {@code detail} as a problem for the requests {@code refused}. */
    private static OncePerRequestFilter refuse(java.util.function.Predicate<HttpServletRequest> refused,
            HttpStatus status, AuthProblems problems, String detail) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws jakarta.servlet.ServletException, IOException {
                if (refused.test(request)) {
                    problems.write(response, status, detail);
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    /** Loads the deferred CSRF token, so the repository sets its cookie on the first page. */
    private static final class CsrfCookie extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws jakarta.servlet.ServletException, IOException {
            CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
            if (token != null) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }
    }
}
