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
 * steer pods' DNS here, so never before something answers), a repair every {@code syncinterval}, and a teardown when
 * the node stops — unless another instance on the node still serves the addresses.
 *
 * <p>node-cache's worst failures leave rules behind with nothing listening, and every pod on the node loses DNS. So
 * the teardown runs first when the node is told to stop ({@link NodeStop}, from a JVM hook of its own, so a
 * component hanging in Spring's stop cannot delay it), bounded in time. When it completed it leaves a marker
 * ({@link TeardownMarker}) so the container's supervisor, which tears down whenever the JVM dies without it, does not
 * do it twice.
 *
 * <p>A surge rollout runs two instances on one node for a while, serving the same addresses (SO_REUSEPORT). They know
 * of each other through the sockets themselves ({@link NetworkSetup#othersServing}): an instance that finds another's
 * socket on a local IP's port 53 neither removes the rules and addresses at start nor at stop; the last to stop does.
 */
final class NodeNetworking implements AutoCloseable {

    /** How long the teardown's commands may take in all. */
    static final Duration TEARDOWN_BOUND = Duration.ofSeconds(10);

    /** How long looking for another instance's sockets may take. */
    private static final Duration LOOK_BOUND = Duration.ofSeconds(2);

    private final NodeProperties props;
    private final NetworkSetup setup;
    private final PrintStream log;
    private final TeardownMarker marker;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean leftoversOnly;
    private volatile boolean handOverLogged;
    private ScheduledExecutorService sync;

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
     * Before the listeners bind: clears what a previous instance left (unless one still serves) and puts the local
     * IPs on their interface (the listeners bind to them). The rules wait for {@link #listenersBound()}.
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

    /** Whether another instance served the local IPs when this one set up (a surge rollout). */
    boolean anotherInstanceServes() {
        return setup.foundAnotherInstance();
    }

    /** The listeners are bound: from now on the rules are kept and repaired every sync interval. */
    void listenersBound() {
        setup.armRules();
        sync = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nodecache-netif-sync");
            t.setDaemon(true);
            return t;
        });
        long every = props.syncinterval().toMillis();
        sync.scheduleWithFixedDelay(setup::sync, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The node was told to stop: no more repairs, and the teardown now, before the lameduck period, unless another
     * instance serves the addresses (then they stay, and pods keep their cache through the handover).
     */
    void stopping() {
        if (sync != null) {
            sync.shutdownNow();
        }
        tearDownUnlessServed();
    }

    /** This instance no longer answers: tears down if no other instance serves the addresses now. */
    void listenersClosed() {
        tearDownUnlessServed();
    }

    /** What the supervisor's teardown-only run does: remove what a node with these flags left, then the marker. */
    void tearDownLeftovers() {
        leftoversOnly = true;
        tearDownUnlessServed();
    }

    /** Whether this instance removed its rules and addresses (or was told to leave them: skipteardown). */
    boolean done() {
        return done.get();
    }

    private synchronized void tearDownUnlessServed() {
        if (done.get()) {
            return;
        }
        if (props.skipteardown()) {
            done.set(true);
            log.println("[INFO] nodecache networking: skipteardown: rules and addresses left in place");
            return;
        }
        List<String> others = setup.othersServing(LOOK_BOUND);
        if (!others.isEmpty()) {
            if (!handOverLogged) {
                handOverLogged = true;
                log.println("[INFO] nodecache networking: another instance serves " + String.join(", ", others)
                        + ": rules and addresses left to it");
            }
            return;
        }
        done.set(true);
        boolean complete = leftoversOnly ? setup.tearDownLeftovers(TEARDOWN_BOUND) : setup.tearDown(TEARDOWN_BOUND);
        // Only a complete teardown spares the supervisor its own: anything left would send pods to nothing.
        if (complete && !marker.write()) {
            log.println("[WARN] nodecache networking: cannot write the teardown marker " + marker.file());
        }
    }

    /** A context closed without a stop sequence (a failed start): tears down unless another instance serves. */
    @Override
    public void close() {
        stopping();
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
        String dir = stateDirSetting();
        return TeardownMarker.fromEnvironment(dir == null ? Map.of() : Map.of(TeardownMarker.STATE_DIR_ENV, dir));
    }

    /**
     * The container's state directory as given: the {@code nodecache.state-dir} system property (tests), else
     * {@code NODECACHE_STATE_DIR} (the supervisor exports it); null when neither is set.
     */
    static String stateDirSetting() {
        String dir = System.getProperty("nodecache.state-dir");
        return dir != null ? dir : System.getenv(TeardownMarker.STATE_DIR_ENV);
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
