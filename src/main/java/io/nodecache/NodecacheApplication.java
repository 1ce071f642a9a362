package io.nodecache;

import io.nodecache.config.DnsBootstrap;
import io.nodecache.config.NetworkTeardown;
import io.nodecache.dashboard.DashboardApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a nodecache node: the embedded DNS cache server first, then the web console beside it. */
// Only the node's packages: the dashboard (io.nodecache.dashboard) is an application context of its own.
@SpringBootApplication(scanBasePackages = {"io.nodecache.config", "io.nodecache.node"})
public class NodecacheApplication {

    /**
     * Runs the roles asked for: a node ({@code nodecache.node.enabled}, default true), the dashboard
     * ({@code nodecache.dashboard.enabled}, default true only in the embedded default, i.e. without
     * {@code nodecache.conf}), or both — then each in its own context, the dashboard on {@code server.port} and the
     * nodes beside it ({@link EmbeddedCluster}); or the demo zones' authority alone
     * ({@code nodecache.authority.enabled}, {@link StandaloneAuthority}), with no Spring context.
     */
    public static void main(String[] args) throws InterruptedException {
        Roles roles = Roles.read(args, System.getenv(), System.getProperties());
        if (roles.teardownOnly()) {
            System.exit(NetworkTeardown.run(args, System.out));
        }
        if (start(roles, args) instanceof StandaloneAuthority authority) {
            // No Spring context keeps this JVM up: the authority's threads are daemons.
            authority.runUntilStopped();
        }
    }

    /**
     * Starts the roles {@code args} ask for, as {@link #main} does, and returns what runs: a node's context, the
     * dashboard's, an {@link EmbeddedCluster}, or a {@link StandaloneAuthority}. Tests start a compose file's
     * services through here, with the compose file's own arguments.
     */
    public static AutoCloseable start(String[] args) {
        return start(Roles.read(args, System.getenv(), System.getProperties()), args);
    }

    private static AutoCloseable start(Roles roles, String[] args) {
        if (roles.authority()) {
            return StandaloneAuthority.start(roles.authorityListen());
        }
        if (roles.dashboard()) {
            DashboardApplication.commonPoolOfAtLeastTwo();
        }
        if (roles.dashboard() && !roles.node()) {
            return DashboardApplication.run(args);
        } else if (roles.dashboard()) {
            return EmbeddedCluster.start(args, roles.embedded() ? roles.demoNodes() : 1, roles.firstNodePort(),
                    roles.demo() ? roles.demoPods() : 0, roles.embedded());
        }
        return run(args);
    }

    /** What {@link #main} does, returning the context so tests can close it. */
    public static ConfigurableApplicationContext run(String[] args) {
        DnsBootstrap.startEarly(args);
        return SpringApplication.run(NodecacheApplication.class, args);
    }
}
