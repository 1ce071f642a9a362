package io.nodecache.config;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.corefile.ResolvConf;
import io.nodecache.corefile.ServerBlock;
import io.nodecache.dns.authority.AuthoritativeServer;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.dns.authority.ZoneAnswerer;
import io.nodecache.dns.runtime.CorefileReloader;
import io.nodecache.dns.runtime.NodeRuntime;
import io.nodecache.kubednscm.ConfigMapSync;
import io.nodecache.netif.SetupErrors;
import io.nodecache.querylog.QueryEventDispatcher;
import io.nodecache.querylog.LoggingSwitch;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the node when Spring has wired it: embedded upstream (if enabled), Corefile load and validation, DNS
 * listeners, event dispatch, reload polling; and stops them in reverse.
 *
 * <p>A bad Corefile at start fails the whole application with the file and line, as node-cache refuses to start.
 * With a base Corefile ({@link CorefileRendering}), {@code conf} is first rendered from it and the kube-dns ConfigMap,
 * and re-rendered when they change; the {@code reload} poller then applies the new file.
 */
final class DnsLifecycle implements SmartLifecycle {

    /** A low phase stops late: pods keep their DNS until after the web server has gone. */
    private static final int PHASE = 0;

    static final String EMBEDDED_COREFILE = "embedded/Corefile";

    private final NodeProperties props;
    private final NodeRuntime runtime;
    private final QueryEventDispatcher dispatcher;
    private final LoggingSwitch logging;
    private final PrintStream log;
    private final NodeNetworking networking;
    private final NodeStop nodeStop;
    private final SetupErrors setupErrors;
    private AuthoritativeServer embeddedUpstream;
    private volatile ConfigMapSync configMapSync;
    private volatile CorefileReloader reloader;
    private volatile boolean running;
    private final CountDownLatch started = new CountDownLatch(1);

    /** How long a node joining a serving instance waits for its application to start. */
    static final Duration JOIN_PATIENCE = Duration.ofSeconds(60);

    DnsLifecycle(NodeProperties props, NodeRuntime runtime, QueryEventDispatcher dispatcher, LoggingSwitch logging,
            PrintStream log, NodeNetworking networking, SetupErrors setupErrors) {
        this.props = props;
        this.setupErrors = setupErrors;
        this.networking = networking;
        this.runtime = runtime;
        this.dispatcher = dispatcher;
        this.logging = logging;
        this.log = log;
        this.nodeStop = new NodeStop(runtime, networking, log);
        ReadinessFile.follow(runtime.readiness(), log);
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        // Decided before anything starts: bad pillar values or a basecorefile without conf stop the start with
        // nothing to undo, naming the property.
        checkPillarProperties(props);
        configMapSync = CorefileRendering.of(props, this::pillars, setupErrors, log);
        // Before anything is set up: a SIGTERM from here on tears down what the start has put in place so far.
        nodeStop.armJvmHook();
        try {
            if (networking != null) {
                // The local IPs must exist before the listeners can bind to them.
                networking.beforeListeners();
            }
            if (props.embeddedUpstreamEnabled()) {
                embeddedUpstream = new AuthoritativeServer(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new ZoneAnswerer(DemoZones.all()))
                        .start();
            }
            if (configMapSync != null) {
                configMapSync.renderAtStart();
            }
            String source = props.conf().isBlank() ? "classpath:" + EMBEDDED_COREFILE : props.conf();
            String text = readCorefile();
            NodeConfig config = load(text, source);
            if (networking != null && networking.anotherInstanceServes()) {
                joinWhenStarted(config, text);
            } else {
                serve(config, text);
            }
        } catch (CorefileException e) {
            closeStarted();
            throw new IllegalStateException("bad Corefile: " + e.getMessage(), e);
        } catch (IOException e) {
            closeStarted();
            throw new UncheckedIOException("cannot start the DNS server: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Whatever failed late, what the start put in place so far goes (rules and addresses first).
            closeStarted();
            throw e;
        }
        running = true;
    }

    /**
     * The properties that become Corefile pillars, checked as values of their own: once substituted, a bad one
     * would be reported as a Corefile line (or, unused by this Corefile, not at all) instead of by its name.
     *
     * @throws IllegalArgumentException naming the property and the value
     */
    static void checkPillarProperties(NodeProperties props) {
        NodeNetworking.localIps(props.localip());
        String dnsServer = props.dnsServer();
        if (dnsServer != null && !dnsServer.isBlank()) {
            boolean one;
            try {
                one = NodeNetworking.localIps(dnsServer).size() == 1;
            } catch (IllegalArgumentException e) {
                one = false;
            }
            if (!one) {
                throw new IllegalArgumentException("nodecache.dns-server: '" + dnsServer + "' is not an IP address");
            }
        }
        try {
            for (String s : props.upstreamServers()) {
                io.nodecache.kubednscm.KubeDnsConfig.checkNameserver(s.strip(), "nodecache.upstream-servers");
            }
            if (props.clusterDns() != null && !props.clusterDns().isBlank()) {
                io.nodecache.kubednscm.KubeDnsConfig.checkNameserver(props.clusterDns().strip(),
                        "nodecache.cluster-dns");
            }
        } catch (io.nodecache.kubednscm.KubeDnsConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private void serve(NodeConfig config, String text) throws IOException {
        runtime.apply(config);
        if (networking != null) {
            networking.listenersBound();
        }
        dispatcher.start();
        reloadEvery(config).ifPresent(interval -> {
            reloader = new CorefileReloader(Path.of(props.conf()), text, this::load, runtime, log);
            reloader.start(interval);
        });
        if (configMapSync != null) {
            // A new rendering is applied by the reload poller at once, as node-cache's -reloadwithsignal does;
            // without reload in the Corefile it waits for a restart, as with CoreDNS.
            CorefileReloader r = reloader;
            configMapSync.start(props.kubednscmInterval(), r == null ? null : r::check);
        }
        log.println("[INFO] nodecache serving DNS on " + runtime.addresses() + " "
                + java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() + " ms after JVM start");
    }

    /**
     * A surge rollout: the old instance still serves these addresses, so there is no hurry, and a socket bound now
     * would take its share of the node's queries while the rest of this JVM starts beside it on the same CPUs (the
     * first answers took ~0.9 s then, past a pod's 1 s resolver timeout). So the listeners bind once the application
     * has started ({@link #applicationStarted()}), or after {@link #JOIN_PATIENCE} whatever happens; until then the
     * node is not ready, which holds the rollout.
     */
    private void joinWhenStarted(NodeConfig config, String text) {
        log.println("[INFO] nodecache: another instance serves these addresses: joining it once this JVM has started");
        Thread join = new Thread(() -> {
            try {
                started.await(JOIN_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            String failure = null;
            synchronized (this) {
                if (!running) {
                    return; // stopped before it joined
                }
                try {
                    serve(config, text);
                } catch (IOException | RuntimeException e) {
                    failure = e.getMessage();
                }
            }
            if (failure != null) {
                // As a failed start: outside the lock, since the exit's hooks stop this lifecycle.
                log.println("[ERROR] nodecache: cannot join the serving instance: " + failure);
                log.flush();
                System.exit(1);
            }
        }, "nodecache-join");
        join.setDaemon(true);
        join.start();
    }

    /** The application has started (Spring's ApplicationReadyEvent): a deferred join may go ahead. */
    void applicationStarted() {
        started.countDown();
    }

    private NodeConfig load(String text, String source) throws CorefileException {
        NodeConfig config = CorefileParser.parse(text, source, pillars());
        if (networking != null) {
            // Host networking (iptables mode): a block without bind listens on the local IPs, never 0.0.0.0.
            List<ServerBlock> unbound = config.blocks().stream().filter(b -> b.binds().isEmpty()).toList();
            if (!unbound.isEmpty()) {
                List<InetAddress> local = NodeNetworking.localIps(props.localip());
                log.println("[INFO] nodecache: blocks without bind " + unbound.stream().map(b -> source + ":"
                        + b.line()).toList() + " listen on the local IPs " + local + " only (host networking is on:"
                        + " never 0.0.0.0)");
                config = config.withDefaultBinds(local);
            }
        }
        Set<String> logged = new HashSet<>();
        for (ServerBlock b : config.blocks()) {
            if (b.log()) {
                logged.addAll(b.zones());
            }
        }
        logging.corefile(logged);
        return config;
    }

    private PillarValues pillars() {
        String clusterDns = props.clusterDns();
        if (clusterDns == null && embeddedUpstream != null) {
            clusterDns = "127.0.0.1:" + embeddedUpstream.port();
        }
        if (clusterDns == null) {
            clusterDns = PillarValues.clusterDnsFromEnv(props.upstreamsvc(), System.getenv());
        }
        List<String> upstreams = props.upstreamServers().isEmpty()
                ? ResolvConf.nameservers(Path.of(props.resolvConf())) : props.upstreamServers();
        return new PillarValues(PillarValues.splitLocalIp(props.localip()), props.dnsServer(), props.dnsDomain(),
                clusterDns, upstreams);
    }

    private String readCorefile() throws IOException {
        if (!props.conf().isBlank()) {
            return Files.readString(Path.of(props.conf()), StandardCharsets.UTF_8);
        }
        try (InputStream in = DnsLifecycle.class.getClassLoader().getResourceAsStream(EMBEDDED_COREFILE)) {
            if (in == null) {
                throw new IOException("the embedded Corefile is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The embedded Corefile is a resource, not a file: it is never polled. */
    private Optional<Duration> reloadEvery(NodeConfig config) {
        if (props.conf().isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> fromCorefile = config.blocks().stream()
                .map(ServerBlock::reload).flatMap(Optional::stream).findFirst();
        return fromCorefile.isPresent() && props.reloadInterval() != null
                ? Optional.of(props.reloadInterval()) : fromCorefile;
    }

    /** Reloads that failed so far ({@code coredns_reload_failed_total}). */
    long reloadFailures() {
        CorefileReloader r = reloader;
        return r == null ? 0 : r.failures();
    }


    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        // Not ready, the teardown (unless another instance serves), lameduck, listeners closed: see NodeStop.
        nodeStop.run();
        nodeStop.disarmJvmHook();
        closeRest();
    }

    private void closeStarted() {
        // Rules and addresses first: pods must never be sent to a node that has stopped answering.
        if (networking != null) {
            networking.close();
        }
        nodeStop.disarmJvmHook();
        closeRest();
    }

    private void closeRest() {
        dispatcher.close();
        if (configMapSync != null) {
            configMapSync.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        runtime.close();
        if (embeddedUpstream != null) {
            embeddedUpstream.close();
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
