package io.nodecache.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Drives the demo pods: every {@code interval}, each pod looks one of its names up through the node with a
 * {@link StubResolver} bound to the pod's own address, so the node sees real queries from distinct clients.
 *
 * <p>One daemon thread does it all, one lookup after another: the load stays bounded (at most a handful of queries
 * per pod per interval, each waiting at most {@code timeout}) whatever the node does, and a stuck node slows the
 * demo instead of piling up threads. A pod's address is used only when the node listens on loopback (Linux routes
 * all of 127/8 there); otherwise the pods send from the system's choice of address.
 */
public final class DemoTraffic implements AutoCloseable {

    /** How long a demo pod waits for each answer: the node answers from loopback in well under a millisecond. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    private final List<DemoPod> pods;
    private final Supplier<InetSocketAddress> node;
    private final Duration interval;
    private final Duration timeout;
    private final String clusterDomain;
    private final PrintStream log;
    private final List<Random> picks = new ArrayList<>();
    private final StubResolver[] resolvers;
    private final AtomicLong lookups = new AtomicLong();
    private final AtomicLong queries = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService executor;
    private InetSocketAddress boundTo;
    private volatile boolean running;

    /**
     * @param pods          the simulated pods
     * @param node          the node's DNS address, asked before each round (null while the node is not serving)
     * @param interval      time between one round of lookups (one per pod) and the next
     * @param timeout       how long to wait for each answer
     * @param clusterDomain the cluster domain for the pods' search lists
     * @param log           where to say what went wrong (once per kind of failure)
     */
    public DemoTraffic(List<DemoPod> pods, Supplier<InetSocketAddress> node, Duration interval, Duration timeout,
            String clusterDomain, PrintStream log) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("nodecache.demo.interval: must be positive, got " + interval);
        }
        this.pods = List.copyOf(pods);
        this.node = node;
        this.interval = interval;
        this.timeout = timeout;
        this.clusterDomain = clusterDomain;
        this.log = log;
        this.resolvers = new StubResolver[pods.size()];
        for (int i = 0; i < pods.size(); i++) {
            // Seeded: the demo tells the same story on every run.
            picks.add(new Random(31L * i + 7));
        }
    }

    /** Starts the rounds on a daemon thread; the first round runs at once. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nodecache-demo-pods");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::round, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One lookup per pod. Runs on the demo thread only. */
    void round() {
        InetSocketAddress server = node.get();
        if (server == null || !running) {
            return;
        }
        if (!server.equals(boundTo)) {
            closeResolvers();
            boundTo = server;
        }
        for (int i = 0; i < pods.size() && running; i++) {
            DemoPod pod = pods.get(i);
            String ask = pod.asks().get(picks.get(i).nextInt(pod.asks().size()));
            try {
                StubResolver.Lookup lookup = resolver(i, server).lookup(ask);
                lookups.incrementAndGet();
                queries.addAndGet(lookup.queries().size());
                if (lookup.timedOut()) {
                    failed("no answer from the node at " + hostPort(server) + " within " + timeout.toMillis()
                            + " ms for " + lookup.queries().get(lookup.queries().size() - 1).name());
                }
            } catch (IOException e) {
                if (running) {
                    failed("demo pod " + pod.name() + " cannot query " + hostPort(server) + ": " + e);
                }
                closeResolver(i);
            }
        }
    }

    private StubResolver resolver(int i, InetSocketAddress server) throws IOException {
        if (resolvers[i] == null) {
            DemoPod pod = pods.get(i);
            // A 127/8 source to a non-loopback destination is a martian to the kernel: use the pod's own address
            // only when the node is on loopback.
            resolvers[i] = new StubResolver(server, server.getAddress().isLoopbackAddress() ? pod.address() : null,
                    pod.searchList(clusterDomain), DemoPods.NDOTS, timeout);
        }
        return resolvers[i];
    }

    private void failed(String message) {
        // The first failure is worth a line; after that, every hundredth, so a stopped node cannot flood stdout.
        if (failures.getAndIncrement() % 100 == 0) {
            log.println("[WARNING] nodecache demo: " + message);
        }
    }

    /** Lookups done so far. */
    public long lookups() {
        return lookups.get();
    }

    /** Queries sent so far (each lookup sends one to eight). */
    public long queries() {
        return queries.get();
    }

    /** Lookups that got no answer or could not be sent. */
    public long failures() {
        return failures.get();
    }

    public List<DemoPod> pods() {
        return pods;
    }

    public boolean running() {
        return running;
    }

    /** Stops the rounds and closes the pods' sockets; a lookup in flight ends at once. */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        executor.shutdownNow();
        try {
            // The demo thread owns the sockets; closing them here too unblocks a receive in progress.
            closeResolvers();
            executor.awaitTermination(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeResolvers();
    }

    private void closeResolvers() {
        for (int i = 0; i < resolvers.length; i++) {
            closeResolver(i);
        }
    }

    private void closeResolver(int i) {
        StubResolver r = resolvers[i];
        if (r != null) {
            r.close();
            resolvers[i] = null;
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
