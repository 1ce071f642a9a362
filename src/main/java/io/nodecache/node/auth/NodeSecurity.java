package io.nodecache.node.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.nodecache.kubernetes.auth.AccessReviews;
import io.nodecache.kubernetes.auth.TokenFile;
import io.nodecache.kubernetes.auth.TokenReviews;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.ConfigurableWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call the node's web port (the Netty health and metrics listeners are not Spring and stay open): health,
 * info and Prometheus under {@code /actuator} and the console's static files for anyone; GET and HEAD of everything
 * else (pages, summary, stats, rows, stream, chains, the switch's state) for a caller who may {@code get} the query
 * log; any other method (the switch) for one who may {@code update} it. The mode is {@link ApiAuthMode}'s.
 *
 * <p>No CSRF tokens and no session: nothing is remembered between requests, and a token travels in a header a
 * cross-site page cannot set.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NodeAuthProperties.class)
class NodeSecurity {

    /** The SubjectAccessReview's resource: a virtual one (no CRD needed), namespaced so a Role can grant it. */
    static final String GROUP = "nodecache.io";
    static final String RESOURCE = "querylogs";
    static final String READ = "get";
    static final String CHANGE = "update";

    private static final System.Logger LOG = System.getLogger(NodeSecurity.class.getName());

    /** What stays open: probes, Prometheus, and the console's scripts and styles (nothing of the node's data). */
    static final RequestMatcher OPEN = new OrRequestMatcher(
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/health/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/info"),
            PathPatternRequestMatcher.withDefaults().matcher("/actuator/prometheus"),
            PathPatternRequestMatcher.withDefaults().matcher("/frontend/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/webjars/**"),
            PathPatternRequestMatcher.withDefaults().matcher("/favicon.ico"));

    @Bean
    ApiAuthMode apiAuthMode(NodeAuthProperties props, Environment env) {
        ApiAuthMode mode = ApiAuthMode.decide(props, env);
        LOG.log(System.Logger.Level.INFO, "nodecache: node API auth: " + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == ApiAuthMode.KUBERNETES ? " (audience " + props.apiAudience() + ")" : ""));
        return mode;
    }

    /**
     * With no check, the web port binds 127.0.0.1 unless {@code server.address} says otherwise (and then it is
     * loopback, or {@link ApiAuthMode#decide} stopped the start): runs after Boot's own customizer, which applies
     * {@code server.address}.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableWebServerFactory> loopbackWithoutCheck(ApiAuthMode mode, Environment env) {
        return new LoopbackCustomizer(mode, env.getProperty("server.address") != null);
    }

    private record LoopbackCustomizer(ApiAuthMode mode, boolean addressSet)
            implements WebServerFactoryCustomizer<ConfigurableWebServerFactory>, Ordered {
        @Override
        public void customize(ConfigurableWebServerFactory factory) {
            if (mode == ApiAuthMode.NONE && !addressSet) {
                factory.setAddress(InetAddress.getLoopbackAddress());
                LOG.log(System.Logger.Level.INFO, "nodecache: the node's web port binds "
                        + InetAddress.getLoopbackAddress().getHostAddress() + " only: no nodecache.api-token or"
                        + " nodecache.api-token-file is set and this is not a cluster, so its API has no check; set"
                        + " one (and server.address) to serve other addresses");
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    /** The node's own client for the reviews, unless the context has one (tests); few retries, short timeouts. */
    @Bean(destroyMethod = "close")
    @org.springframework.context.annotation.Lazy
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean(KubernetesClient.class)
    KubernetesClient nodeKubernetesClient() {
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(1)
                .withConnectionTimeout(3_000).withRequestTimeout(5_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    SecurityFilterChain nodeWeb(HttpSecurity http, ApiAuthMode mode, NodeAuthProperties props, Environment env,
            MeterRegistry registry, ObjectProvider<KubernetesClient> client, ObjectProvider<Ticker> ticker)
            throws Exception {
        http.csrf(c -> c.disable()).sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable()).httpBasic(b -> b.disable()).formLogin(f -> f.disable())
                .logout(l -> l.disable());
        AuthProblems problems = new AuthProblems(registry);
        if (mode == ApiAuthMode.NONE) {
            // Bound to loopback, but a page whose name an attacker re-points at 127.0.0.1 (DNS rebinding) is
            // same-origin with the node in the browser's eyes: its Host header still names the attacker.
            return http.addFilterBefore(new LoopbackHostOnly(problems), AnonymousAuthenticationFilter.class)
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
        }
        AuthorizationManager<RequestAuthorizationContext> read;
        AuthorizationManager<RequestAuthorizationContext> change;
        ProviderManager authentication;
        if (mode == ApiAuthMode.KUBERNETES) {
            KubernetesClient k = client.getObject();
            Ticker t = ticker.getIfAvailable(Ticker::systemTicker);
            String namespace = env.getProperty("POD_NAMESPACE", k.getNamespace());
            AccessReviews access = new AccessReviews(k, new AccessReviews.Resource(GROUP, RESOURCE, namespace,
                    env.getProperty("NODE_NAME")), t);
            authentication = new ProviderManager(new TokenReviewCheck(new TokenReviews(k, props.apiAudience(), t)));
            read = new AccessReviewCheck(access, READ);
            change = new AccessReviewCheck(access, CHANGE);
        } else {
            authentication = new ProviderManager(new SharedTokenCheck(sharedToken(props)));
            read = AuthenticatedAuthorizationManager.authenticated();
            change = AuthenticatedAuthorizationManager.authenticated();
        }
        AuthenticationFilter filter = new AuthenticationFilter(authentication, PresentedToken.CONVERTER);
        // Not on open paths: a scraper that sends its own ServiceAccount token must not be turned away (or reviewed).
        filter.setRequestMatcher(new NegatedRequestMatcher(OPEN));
        filter.setSuccessHandler((request, response, auth) -> { /* go on down the chain */ });
        filter.setFailureHandler(problems);
        return http.addFilterBefore(filter, AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeHttpRequests(a -> a
                        // The request dispatch was checked; the SSE stream's async and error dispatches follow it.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers(OPEN).permitAll()
                        .requestMatchers(HttpMethod.GET).access(read)
                        .requestMatchers(HttpMethod.HEAD).access(read)
                        .anyRequest().access(change))
                .build();
    }

    /** The shared token: as configured, or from its file (re-read when it changes; it must hold one at start). */
    private static Supplier<String> sharedToken(NodeAuthProperties props) {
        if (props.apiToken() != null) {
            String t = props.apiToken();
            return () -> t;
        }
        TokenFile file = new TokenFile(props.apiTokenFile());
        file.required("nodecache.api-token-file");
        return file::current;
    }
}
