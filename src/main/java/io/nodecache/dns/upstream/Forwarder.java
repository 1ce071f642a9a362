package io.nodecache.dns.upstream;

import io.nodecache.corefile.ForwardConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forwards queries to the upstreams of one {@code forward} directive as CoreDNS's {@code forward} plugin does.
 *
 * <p>Each query walks the list its {@link ForwardConfig.Policy policy} yields, skipping upstreams that are down; when
 * all are down it picks one at random (health checking is then assumed broken). An attempt that times out or fails
 * starts health checks of that upstream and moves on to the next one, round and round, until the deadline or until
 * {@value #CONNECT_ATTEMPTS_PER_UPSTREAM} attempts per upstream have failed (CoreDNS's default
 * {@code max_connect_attempts}, coredns/coredns#8365): an upstream that refuses at once is not hammered for the whole
 * deadline, and a query meets SERVFAIL as soon as every upstream had its two chances.
 * Every attempt carries a fresh random ID, and only a reply with that ID and the query's question is accepted.
 *
 * <p>Futures complete on the forwarder's I/O threads: dependents must not block.
 */
public final class Forwarder implements AutoCloseable {

    /** CoreDNS's health-check read timeout; shortened to the attempt timeout when that is shorter. */
    private static final long HEALTH_CHECK_TIMEOUT_NANOS = Duration.ofSeconds(1).toNanos();

    /** CoreDNS {@code defaultConnectAttemptsPerUpstream}: failed attempts per upstream before a query gives up. */
    static final int CONNECT_ATTEMPTS_PER_UPSTREAM = 2;

    private final ForwardConfig config;
    private final ForwardListener listener;
    private final long readTimeoutNanos;
    private final long deadlineNanos;
    private final long healthCheckTimeoutNanos;
    private final List<Upstream> upstreams;
    private final UpstreamPolicy policy;
    private final EventLoop udpLoop;
    private final EventLoop tcpLoop;
    private final UdpTransport udp;
    private final TcpTransport tcp;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The most {@link #inFlight} ever held at once: shows that {@code max_concurrent} held under a flood. */
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Starts the forwarder's I/O threads; no packet is sent until the first query or probe.
     *
     * @param config      the {@code forward} directive
     * @param listener    told about answers, failures, dropped packets and health changes
     * @param readTimeout how long one attempt waits for its reply (CoreDNS: 2 s)
     * @param deadline    how long a query may take over all its attempts (CoreDNS: 5 s)
     */
    public Forwarder(ForwardConfig config, ForwardListener listener, Duration readTimeout, Duration deadline) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (config.to().isEmpty()) {
            throw new IllegalArgumentException("forward " + config.from() + " has no upstream");
        }
        if (readTimeout.isNegative() || readTimeout.isZero() || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("read timeout and deadline must be positive");
        }
        this.readTimeoutNanos = readTimeout.toNanos();
        this.deadlineNanos = deadline.toNanos();
        this.healthCheckTimeoutNanos = Math.min(HEALTH_CHECK_TIMEOUT_NANOS, readTimeoutNanos);
        List<Upstream> list = new ArrayList<>();
        for (InetSocketAddress address : config.to()) {
            list.add(new Upstream(address));
        }
        this.upstreams = List.copyOf(list);
        this.policy = UpstreamPolicy.of(config.policy());
        this.udpLoop = new EventLoop("nodecache-upstream-udp");
        this.tcpLoop = new EventLoop("nodecache-upstream-tcp");
        this.udp = new UdpTransport(udpLoop, listener);
        this.tcp = new TcpTransport(tcpLoop, listener, config.expire().toNanos());
    }

    /**
     * Whether this forwarder handles {@code name}: it is {@code from} or below it, and not in or below an
     * {@code except} zone ({@code from} itself is always accepted, as in CoreDNS).
     *
     * @param lowerCaseAbsoluteName a query name, lower-case, ending in a dot
     */
    public boolean accepts(String lowerCaseAbsoluteName) {
        if (!inZone(lowerCaseAbsoluteName, config.from())) {
            return false;
        }
        if (lowerCaseAbsoluteName.equals(config.from())) {
            return true;
        }
        for (String except : config.except()) {
            if (inZone(lowerCaseAbsoluteName, except)) {
                return false;
            }
        }
        return true;
    }

    static boolean inZone(String name, String zone) {
        if (zone.equals(".")) {
            return true;
        }
        return name.endsWith(zone) && (name.length() == zone.length() || name.charAt(name.length() - zone.length() - 1) == '.');
    }

    /**
     * Forwards one query and completes with the first valid reply, its ID set back to the query's.
     * Never blocks: the work happens on the forwarder's I/O threads.
     *
     * <p>Completes exceptionally with {@link MaxConcurrentExceededException} at once when {@code max_concurrent}
     * queries are in flight, with {@link UpstreamFailedException} when no upstream answered before the deadline, and
     * with {@link NoHealthyUpstreamException} when no attempt could be made at all.
     *
     * @param query         a complete query in wire format (question, flags and OPT as the upstream should see them);
     *                      not modified
     * @param length        how many bytes of {@code query} the message takes
     * @param clientOverTcp whether the client asked over TCP (then TCP is used upstream too, unless {@code prefer_udp})
     */
    public CompletableFuture<ForwardAnswer> forward(byte[] query, int length, boolean clientOverTcp) {
        if (length < Wire.HEADER || length > query.length) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not a DNS message: " + length + " bytes"));
        }
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("forwarder closed"));
        }
        int max = config.maxConcurrent();
        int now = max > 0 ? inFlight.incrementAndGet() : 0;
        if (now > max) {
            inFlight.decrementAndGet();
            listener.onMaxConcurrentRejected();
            return CompletableFuture.failedFuture(new MaxConcurrentExceededException(max));
        }
        if (now > peakInFlight.get()) { // read first: the CAS runs only while the peak rises
            peakInFlight.accumulateAndGet(now, Math::max);
        }
        boolean overTcp = config.forceTcp() || (clientOverTcp && !config.preferUdp());
        Attempts attempts = new Attempts(Arrays.copyOf(query, length), overTcp);
        if (max > 0) {
            attempts.result.whenComplete((answer, error) -> inFlight.decrementAndGet());
        }
        attempts.next();
        return attempts.result;
    }

    /**
     * Sends one health check ({@code . IN NS}, RD set, over TCP with {@code force_tcp}) to {@code upstream} and
     * completes with whether any reply came back in time; any RCODE counts as healthy. Does not change its health.
     */
    public CompletableFuture<Boolean> probe(InetSocketAddress upstream) {
        if (closed) {
            return CompletableFuture.completedFuture(false);
        }
        byte[] check = Wire.healthCheckQuery(QueryIds.next());
        CompletableFuture<byte[]> reply = config.forceTcp()
                ? tcp.exchange(upstream, check, check.length, healthCheckTimeoutNanos, false)
                : udp.exchange(upstream, check, check.length, healthCheckTimeoutNanos, false);
        return reply.handle((wire, error) -> error == null);
    }

    /** Whether at least one upstream is not down. */
    public boolean anyHealthy() {
        for (Upstream upstream : upstreams) {
            if (!upstream.down(config.maxFails())) {
                return true;
            }
        }
        return false;
    }

    /** A snapshot of every upstream, in configuration order. */
    public List<UpstreamStatus> upstreams() {
        List<UpstreamStatus> statuses = new ArrayList<>(upstreams.size());
        for (Upstream upstream : upstreams) {
            statuses.add(upstream.status(config.maxFails()));
        }
        return statuses;
    }

    /** Queries in flight, counted only when {@code max_concurrent} is set (0 otherwise). */
    public int inFlight() {
        return inFlight.get();
    }

    /** The most queries in flight at once since this forwarder started; counted only when {@code max_concurrent} is set. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** Stops health checks, closes every socket and fails the queries in flight. */
    @Override
    public void close() {
        closed = true;
        udpLoop.close();
        tcpLoop.close();
    }

    /**
     * Starts the health-check loop of {@code upstream} unless one runs (CoreDNS {@code Healthcheck}): check now, and
     * again every {@code health_check} interval until a check succeeds.
     */
    private void healthCheck(Upstream upstream) {
        if (config.maxFails() == 0 || closed || !upstream.checking.compareAndSet(false, true)) {
            return;
        }
        udpLoop.execute(() -> check(upstream));
    }

    private void check(Upstream upstream) {
        if (closed) {
            upstream.checking.set(false);
            return;
        }
        probe(upstream.address).thenAccept(healthy -> {
            int maxFails = config.maxFails();
            if (healthy) {
                int before = upstream.fails.getAndSet(0);
                upstream.checking.set(false);
                if (before > maxFails) {
                    listener.onHealthChange(upstream.address, true);
                }
                return;
            }
            listener.onHealthcheckFailure(upstream.address);
            if (upstream.fails.incrementAndGet() == maxFails + 1) {
                listener.onHealthChange(upstream.address, false);
            }
            long interval = config.healthCheck().toNanos();
            udpLoop.execute(() -> udpLoop.schedule(interval, () -> check(upstream)));
        });
    }

    private static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    /** The attempts of one query (the loop in CoreDNS's {@code ServeDNS}). */
    private final class Attempts {
        final byte[] query;
        final int originalId;
        final boolean overTcp;
        final long deadline;
        final List<Upstream> list;
        final CompletableFuture<ForwardAnswer> result = new CompletableFuture<>();
        int index;
        /** Upstreams skipped as down in this pass over the list (CoreDNS {@code fails}). */
        int skipped;
        /** Failed attempts so far (CoreDNS {@code connectAttempts}). */
        int failedAttempts;
        Throwable lastError;

        Attempts(byte[] query, boolean overTcp) {
            this.query = query;
            this.originalId = Wire.id(query);
            this.overTcp = overTcp;
            this.deadline = System.nanoTime() + deadlineNanos;
            this.list = policy.list(upstreams);
        }

        void next() {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0 || closed) {
                giveUp();
                return;
            }
            Upstream upstream = null;
            while (upstream == null) {
                if (index >= list.size()) { // round again, as CoreDNS does until the deadline
                    index = 0;
                    skipped = 0;
                }
                Upstream candidate = list.get(index++);
                if (!candidate.down(config.maxFails())) {
                    upstream = candidate;
                } else if (++skipped >= list.size()) {
                    // all down: assume health checking is broken and try a random one (CoreDNS does the same)
                    listener.onHealthcheckBroken();
                    upstream = upstreams.get(QueryIds.nextInt(upstreams.size()));
                }
            }
            attempt(upstream, overTcp, remaining);
        }

        private void attempt(Upstream upstream, boolean tcpAttempt, long remaining) {
            byte[] wire = query.clone();
            Wire.setId(wire, QueryIds.next());
            long timeout = Math.min(readTimeoutNanos, remaining); // the deadline bounds the whole query
            upstream.queries.incrementAndGet();
            long start = System.nanoTime();
            CompletableFuture<byte[]> reply = tcpAttempt
                    ? tcp.exchange(upstream.address, wire, wire.length, timeout, true)
                    : udp.exchange(upstream.address, wire, wire.length, timeout, true);
            reply.whenComplete((answer, error) -> {
                long rtt = System.nanoTime() - start;
                if (error == null) {
                    answered(upstream, tcpAttempt, answer, rtt);
                } else {
                    failed(upstream, unwrap(error));
                }
            });
        }

        private void answered(Upstream upstream, boolean tcpAttempt, byte[] answer, long rtt) {
            upstream.lastRttNanos = rtt;
            listener.onAnswer(upstream.address, tcpAttempt, Wire.rcode(answer), rtt);
            if (!tcpAttempt && config.preferUdp() && Wire.truncated(answer)) {
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) { // prefer_udp: the truncated answer is retried over TCP right here
                    attempt(upstream, true, remaining);
                    return;
                }
            }
            Wire.setId(answer, originalId);
            result.complete(new ForwardAnswer(answer, upstream.address, tcpAttempt, rtt));
        }

        private void failed(Upstream upstream, Throwable error) {
            lastError = error;
            upstream.failures.incrementAndGet();
            listener.onFailure(upstream.address, error);
            healthCheck(upstream); // is it our upstream that is broken?
            if (++failedAttempts >= CONNECT_ATTEMPTS_PER_UPSTREAM * upstreams.size()) {
                giveUp();
            } else if (skipped < list.size()) {
                next();
            } else {
                giveUp(); // the random pick among all-down upstreams failed too
            }
        }

        private void giveUp() {
            if (lastError != null) {
                result.completeExceptionally(new UpstreamFailedException(
                        "no upstream of " + config.from() + " answered: " + lastError.getMessage(), lastError));
            } else if (closed) {
                result.completeExceptionally(new UpstreamFailedException("forwarder closed",
                        new IOException("forwarder closed")));
            } else {
                result.completeExceptionally(new NoHealthyUpstreamException(
                        "no upstream of " + config.from() + " could be tried before the deadline"));
            }
        }
    }
}
