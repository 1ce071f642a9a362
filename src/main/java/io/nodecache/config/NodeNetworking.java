package io.nodecache.config;

import io.nodecache.corefile.PillarValues;
import io.nodecache.netif.NetifConfig;
import io.nodecache.netif.NetworkSetup;
import io.nodecache.netif.SetupErrors;
import io.nodecache.netif.TeardownMarker;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The node's host networking over its life ({@code setupinterface}, {@code setupiptables}): the local IPs on their
 * interface before the listeners bind to them, node-cache's rules right after the listeners are bound (the rules
 * steer pods' DNS here, so never before something answers), a repair every {@code syncinterval}, and a teardown that
 * runs first when the process is told to stop.
 *
 * <p>node-cache's worst failures leave rules behind with nothing listening, and every pod on the node loses DNS. So
 * the teardown runs from a JVM shutdown hook of its own, concurrently with Spring's (a component hanging in its stop
 * cannot delay it), is bounded in time, and a watchdog halts the JVM if the shutdown as a whole outlives
 * {@link #SHUTDOWN_BOUND}. When the teardown completed it leaves a marker ({@link TeardownMarker}) so
 * the container's supervisor, which tears down whenever the JVM dies without it, does not do it twice.
 */
final class NodeNetworking implements AutoCloseable {

    /** How long the teardown's commands may take in all. */
    static final Duration TEARDOWN_BOUND = Duration.ofSeconds(10);

    /** The JVM is halted if its shutdown lasts longer: under Kubernetes' default 30 s grace period. */
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(20);

    private final NodeProperties props;
    private final NetworkSetup setup;
    private final PrintStream log;
    private final TeardownMarker marker;
    private final AtomicBoolean tornDown = new AtomicBoolean();
    private volatile boolean leftoversOnly;
    private ScheduledExecutorService sync;
    private Thread hook;

    private NodeNetworking(NodeProperties props, NetworkSetup setup, PrintStream log, TeardownMarker marker) {
        this.props = props;
        this.setup = setup;
        this.log = log;
        this.marker = marker;
    }

    /** The node's networking, or null when neither {@code setupinterface} nor {@code setupiptables} is on. */
    static NodeNetworking of(NodeProperties props, PrintStream log) {
        return of(props, log, new SetupErrors());
    }

    /** As above, counting failures into the node's {@code errors}. */
    static NodeNetworking of(NodeProperties props, PrintStream log, SetupErrors errors) {
        if (!props.setupinterface() && !props.setupiptables()) {
            return null;
        }
        NetifConfig config = new NetifConfig(localIps(props.localip()), props.interfacename(), props.healthPort(),
                props.setupinterface(), props.setupiptables(), commandPrefix());
        return new NodeNetworking(props, new NetworkSetup(config, log, errors), log, marker());
    }

    NetworkSetup setup() {
        return setup;
    }

    /**
     * Before the listeners bind: clears what a previous instance left and puts the local IPs on their interface
     * (the listeners bind to them). The rules wait for {@link #listenersBound()}.
     */
    void beforeListeners() {
        try {
            Files.deleteIfExists(marker.file());
        } catch (IOException e) {
            log.println("[WARN] nodecache networking: cannot remove the stale teardown marker " + marker.file() + ": "
                    + e);
        }
        setup.setUpAddressesFirst();
    }

    /** The listeners are bound: from now on the rules are kept, repaired every sync interval, torn down on stop. */
    void listenersBound() {
        setup.armRules();
        sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nodecache-netif-sync");
            t.setDaemon(true);
            return t;
        });
        long every = props.syncinterval().toMillis();
        sync.scheduleWithFixedDelay(setup::sync, every, every, TimeUnit.MILLISECONDS);
        hook = new Thread(this::onJvmShutdown, "nodecache-teardown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onJvmShutdown() {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(SHUTDOWN_BOUND.toMillis());
                log.println("[ERROR] nodecache: shutdown took longer than " + SHUTDOWN_BOUND + ": halting");
                log.flush();
                Runtime.getRuntime().halt(143);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nodecache-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        tearDown();
    }

    /** Removes rules, then addresses, once, unless {@code skipteardown}; leaves the marker when it completed. */
    void tearDown() {
        if (!tornDown.compareAndSet(false, true)) {
            return;
        }
        if (sync != null) {
            sync.shutdownNow();
        }
        if (props.skipteardown()) {
            log.println("[INFO] nodecache networking: skipteardown: rules and addresses left in place");
            return;
        }
        boolean complete = leftoversOnly ? setup.tearDownLeftovers(TEARDOWN_BOUND) : setup.tearDown(TEARDOWN_BOUND);
        // Only a complete teardown spares the supervisor its own: anything left would send pods to nothing.
        if (complete && !marker.write()) {
            log.println("[WARN] nodecache networking: cannot write the teardown marker " + marker.file());
        }
    }

    /** What the supervisor's teardown-only run does: remove what a node with these flags left, then the marker. */
    void tearDownLeftovers() {
        leftoversOnly = true;
        tearDown();
    }

    /** A context closed without the JVM exiting (tests, a failed start): tears down and drops the JVM hook. */
    @Override
    public void close() {
        tearDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run: nothing to remove.
            }
        }
    }

    /** The {@code localip} list as addresses, split as the Corefile's {@code __PILLAR__LOCAL__DNS__} is. */
    static List<InetAddress> localIps(String localip) {
        List<InetAddress> out = new ArrayList<>();
        for (String s : PillarValues.splitLocalIp(localip)) {
            if (!s.matches("[0-9a-fA-F.:]+")) {
                throw new IllegalArgumentException("localip: '" + s + "' is not an IP address");
            }
            try {
                out.add(InetAddress.getByName(s));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("localip: '" + s + "' is not an IP address");
            }
        }
        return out;
    }

    /**
     * The marker where the supervisor looks for it ({@code NODECACHE_STATE_DIR}); tests point it elsewhere with the
     * {@code nodecache.state-dir} system property.
     */
    static TeardownMarker marker() {
        String dir = System.getProperty("nodecache.state-dir");
        return TeardownMarker.fromEnvironment(
                dir == null ? System.getenv() : Map.of(TeardownMarker.STATE_DIR_ENV, dir));
    }

    /**
     * A prefix for every networking command, from {@code NODECACHE_NETIF_PREFIX} (space-separated): tests run the
     * node's networking inside a network namespace of their own ({@code ip netns exec NS}). Empty on a node.
     */
    static List<String> commandPrefix() {
        String p = System.getenv("NODECACHE_NETIF_PREFIX");
        if (p == null) {
            p = System.getProperty("nodecache.netif-prefix");
        }
        return p == null || p.isBlank() ? List.of() : List.of(p.strip().split("\\s+"));
    }
}
