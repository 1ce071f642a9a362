package io.nodecache.config;

import java.io.PrintStream;

/**
 * The teardown alone, without Spring or DNS: what the container's supervisor runs when the JVM died without
 * tearing down (SIGKILL, an OOM exit, a crash), with the node's own arguments plus
 * {@code --nodecache.teardown-only=true}, so it removes exactly the rules and addresses that node set up.
 */
public final class NetworkTeardown {

    private NetworkTeardown() {}

    /** Tears down as the node described by {@code args} would; returns the process's exit code. */
    public static int run(String[] args, PrintStream log) {
        NodeProperties props = EarlyProperties.read(args, System.getenv(), System.getProperties());
        NodeNetworking networking = NodeNetworking.of(props, log);
        if (networking == null) {
            log.println("[INFO] nodecache teardown: neither setupinterface nor setupiptables: nothing to remove");
            return 0;
        }
        networking.tearDownLeftovers();
        log.println("[INFO] nodecache teardown: rules and addresses for " + props.localip() + " removed");
        return 0;
    }
}
