package io.nodecache.dashboard;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cluster dashboard as its own application context: no DNS listeners, no node beans; it reads nodes only
 * through their HTTP API. The launcher ({@code io.nodecache.NodecacheApplication}) starts it alone or beside nodes.
 */
@SpringBootApplication
public class DashboardApplication {

    /** Defaults that differ from a node's {@code application.properties}, under anything the caller sets. */
    static final Map<String, Object> DEFAULTS = Map.of(
            "nodecache.node.enabled", "false",
            "spring.application.name", "nodecache-dashboard",
            // A node's readiness group includes its DNS; the dashboard's is Spring's own state only.
            "management.endpoint.health.group.readiness.include", "readinessState",
            // Its own names: in the embedded default a node's console shares the host (cookies ignore the port).
            "server.servlet.session.cookie.name", "NODECACHE_DASHBOARD_SESSION",
            "server.servlet.session.cookie.same-site", "lax");

    private static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * Gives the common pool at least two threads, unless someone chose: the JDK's HTTP client completes responses
     * through it, and with one or two CPUs its parallelism is 1, below which {@code CompletableFuture} starts a new
     * thread for every task — 1 500 thread starts per refresh of 500 nodes in the scale benchmark (JFR), 31 in a
     * whole run with two. Must run before anything touches the pool: the launcher calls it first thing.
     */
    public static void commonPoolOfAtLeastTwo() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() < 3) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }

    public static ConfigurableApplicationContext run(String... args) {
        return builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        // main(): its start-up log names the dashboard, not the launcher whose main() started it.
        return new SpringApplicationBuilder(DashboardApplication.class).main(DashboardApplication.class)
                .properties(DEFAULTS).listeners(new io.nodecache.dashboard.auth.LoopbackBinding());
    }
}
