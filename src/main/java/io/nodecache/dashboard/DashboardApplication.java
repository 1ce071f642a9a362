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
            "management.endpoint.health.group.readiness.include", "readinessState");

    public static ConfigurableApplicationContext run(String... args) {
        return builder().run(args);
    }

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(DashboardApplication.class).properties(DEFAULTS);
    }
}
