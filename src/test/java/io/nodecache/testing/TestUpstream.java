package io.nodecache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Zone;

import io.nodecache.dns.authority.AuthoritativeServer;
import io.nodecache.dns.authority.QueryHandler;
import io.nodecache.dns.authority.Transport;
import io.nodecache.dns.authority.ZoneAnswerer;

/**
 * A real DNS server on 127.0.0.1 (UDP and TCP, port 0) for tests to forward to, after CoreDNS's
 * {@code dnstest.NewServer}: it answers from zones and has knobs to misbehave.
 *
 * <p>Every knob and counter is thread-safe and takes effect for the next query received. Knobs combine in this
 * order: {@code silent} (nothing sent), then {@code servfail}/{@code rcode} (empty answer with that rcode), then
 * {@code truncate} (UDP only), then {@code lie} and {@code wrongId}; {@code delay} holds back whatever is sent.
 *
 * <pre>{@code
 * try (TestUpstream up = TestUpstream.builder()
 *         .withRecord("a.example.", Type.A, 30, "192.0.2.1")
 *         .withSoa("example.", 60, 5)
 *         .start()) {
 *     up.delay(Duration.ofMillis(200)).truncate(true);
 *     ...
 *     assertEquals(1, up.queriesFor("a.example.", Type.A));
 * }
 * }</pre>
 */
public final class TestUpstream implements AutoCloseable, QueryHandler {

    /** {@link #rcode(int)} value that stops forcing an rcode. */
    public static final int NO_FORCED_RCODE = -1;

    /** The label {@link #lie(boolean)} puts in front of the question name. */
    public static final String SPOOF_LABEL = "spoof";

    /** A query as received, with the transport it came over. */
    public record Received(Message message, Transport transport) {

        /** The question name as the client wrote it. */
        public Name name() {
            return message.getQuestion().getName();
        }

        /** The question type. */
        public int type() {
            return message.getQuestion().getType();
        }
    }

    private final AuthoritativeServer server;
    private final ScheduledExecutorService scheduler;
    private volatile ZoneAnswerer answerer;

    private volatile Duration delay = Duration.ZERO;
    private volatile boolean silent;
    private volatile boolean truncate;
    private volatile boolean lie;
    private volatile boolean wrongId;
    private volatile boolean servfail;
    private volatile int forcedRcode = NO_FORCED_RCODE;

    private final AtomicLong udpQueries = new AtomicLong();
    private final AtomicLong tcpQueries = new AtomicLong();
    private final List<Received> received = new ArrayList<>();
    private volatile long tcpConnectionsAtReset;

    private TestUpstream(List<Zone> zones, Duration tcpIdleTimeout) throws IOException {
        this.answerer = new ZoneAnswerer(zones);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "test-upstream-delay");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
        this.server = new AuthoritativeServer(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), this, tcpIdleTimeout);
        try {
            server.start();
        } catch (IOException e) {
            scheduler.shutdownNow();
            throw e;
        }
    }

    /** Starts describing an upstream. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address to send queries to: 127.0.0.1 and the bound port, for UDP and TCP alike. */
    public InetSocketAddress address() {
        return server.address();
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The zones currently served, deepest origin first. */
    public List<Zone> zones() {
        return answerer.zones();
    }

    // ---- records at runtime ------------------------------------------------------------------------------------

    /** Adds a record from its presentation form, e.g. {@code addRecord("a.example.", Type.A, 30, "192.0.2.1")}. */
    public TestUpstream addRecord(String name, int type, long ttl, String rdata) {
        return addRecord(Records.parse(name, type, ttl, rdata));
    }

    /** Adds a record to the zone holding it, creating a zone at its top-level domain when none does. */
    public synchronized TestUpstream addRecord(Record record) {
        Zone zone = answerer.zoneFor(record.getName());
        if (zone == null) {
            List<Zone> zones = new ArrayList<>(answerer.zones());
            zones.add(Records.zone(Records.topLevel(record.getName()), Builder.DEFAULT_SOA_TTL,
                    Builder.DEFAULT_SOA_MINIMUM, List.of(record)));
            answerer = new ZoneAnswerer(zones);
        } else {
            zone.addRecord(record);
        }
        return this;
    }

    /** Removes every record of {@code type} at {@code name}. */
    public TestUpstream removeRecords(String name, int type) {
        Name owner = Records.name(name);
        Zone zone = answerer.zoneFor(owner);
        if (zone != null) {
            zone.removeRRset(owner, type);
        }
        return this;
    }

    /** Adds (or replaces, by origin) a zone. */
    public synchronized TestUpstream addZone(Zone zone) {
        List<Zone> zones = new ArrayList<>(answerer.zones());
        zones.removeIf(z -> z.getOrigin().equals(zone.getOrigin()));
        zones.add(zone);
        answerer = new ZoneAnswerer(zones);
        return this;
    }

    // ---- knobs --------------------------------------------------------------------------------------------------

    /** Holds every answer back by {@code delay} (zero answers at once). */
    public TestUpstream delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delay = delay;
        return this;
    }

    /** When on, receives and counts queries but sends nothing back. */
    public TestUpstream silent(boolean silent) {
        this.silent = silent;
        return this;
    }

    /** When on, UDP answers carry TC and no records, so the client must retry over TCP; TCP answers in full. */
    public TestUpstream truncate(boolean truncate) {
        this.truncate = truncate;
        return this;
    }

    /** When on, the answer's question name is {@code spoof.<qname>}: what an off-path spoofer's guess looks like. */
    public TestUpstream lie(boolean lie) {
        this.lie = lie;
        return this;
    }

    /** When on, the answer carries the query's id plus one. */
    public TestUpstream wrongId(boolean wrongId) {
        this.wrongId = wrongId;
        return this;
    }

    /** When on, every answer is an empty SERVFAIL. */
    public TestUpstream servfail(boolean servfail) {
        this.servfail = servfail;
        return this;
    }

    /** Answers every query empty with {@code rcode} (0 to 15), or as the zones say with {@link #NO_FORCED_RCODE}. */
    public TestUpstream rcode(int rcode) {
        if (rcode != NO_FORCED_RCODE && (rcode < 0 || rcode > 15)) {
            throw new IllegalArgumentException("rcode must be 0..15 or NO_FORCED_RCODE: " + rcode);
        }
        this.forcedRcode = rcode;
        return this;
    }

    /** Turns every knob off: no delay, not silent, no truncation, no lies, right ids, no forced rcode. */
    public TestUpstream behaveNormally() {
        delay = Duration.ZERO;
        silent = false;
        truncate = false;
        lie = false;
        wrongId = false;
        servfail = false;
        forcedRcode = NO_FORCED_RCODE;
        return this;
    }

    // ---- counters -----------------------------------------------------------------------------------------------

    /** Queries received since start or {@link #reset()}, over both transports. */
    public long queries() {
        return udpQueries.get() + tcpQueries.get();
    }

    /** Queries received over UDP. */
    public long udpQueries() {
        return udpQueries.get();
    }

    /** Queries received over TCP. */
    public long tcpQueries() {
        return tcpQueries.get();
    }

    /** Queries received for {@code name} (compared case-insensitively) and {@code type}, over both transports. */
    public long queriesFor(String name, int type) {
        Name wanted = Records.name(name);
        synchronized (received) {
            return received.stream().filter(r -> r.type() == type && r.name().equals(wanted)).count();
        }
    }

    /** The queries received, oldest first. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** TCP connections accepted since start or {@link #reset()}. */
    public long tcpConnections() {
        return server.tcpConnections() - tcpConnectionsAtReset;
    }

    /** Packets the server dropped as malformed (never reset). */
    public long malformed() {
        return server.malformedCount();
    }

    /** Zeroes the counters and forgets received queries; knobs stay as they are (see {@link #behaveNormally()}). */
    public void reset() {
        synchronized (received) {
            received.clear();
            udpQueries.set(0);
            tcpQueries.set(0);
            tcpConnectionsAtReset = server.tcpConnections();
        }
    }

    // ---- serving ------------------------------------------------------------------------------------------------

    /** Not for tests to call: the server hands each query here. */
    @Override
    public CompletionStage<Message> handle(Message query, Transport transport) {
        synchronized (received) {
            received.add(new Received(query, transport));
            (transport == Transport.UDP ? udpQueries : tcpQueries).incrementAndGet();
        }
        if (silent) {
            return CompletableFuture.completedFuture(null);
        }
        Message response = respond(query, transport);
        Duration wait = delay;
        if (wait.isZero()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<Message> later = new CompletableFuture<>();
        scheduler.schedule(() -> later.complete(response), wait.toNanos(), TimeUnit.NANOSECONDS);
        return later;
    }

    private Message respond(Message query, Transport transport) {
        int rcode = servfail ? Rcode.SERVFAIL : forcedRcode;
        Message response = rcode != NO_FORCED_RCODE ? Records.empty(query, rcode) : answerer.answer(query);
        if (truncate && transport == Transport.UDP) {
            Message truncated = Records.empty(query, response.getHeader().getRcode());
            if (response.getHeader().getFlag(Flags.AA)) {
                truncated.getHeader().setFlag(Flags.AA);
            }
            truncated.getHeader().setFlag(Flags.TC);
            response = truncated;
        }
        if (lie && query.getQuestion() != null) {
            Record question = query.getQuestion();
            response.removeAllRecords(Section.QUESTION);
            response.addRecord(Record.newRecord(Records.spoofed(question.getName()), question.getType(),
                    question.getDClass()), Section.QUESTION);
        }
        if (wrongId) {
            response.getHeader().setID((query.getHeader().getID() + 1) & 0xFFFF);
        }
        return response;
    }

    /** Stops the server; queries in flight get no answer. */
    @Override
    public void close() {
        server.close();
        scheduler.shutdownNow();
    }

    /** Describes the zones a {@link TestUpstream} starts with. */
    public static final class Builder {

        static final long DEFAULT_SOA_TTL = 60;
        static final long DEFAULT_SOA_MINIMUM = 60;

        private final List<Zone> zones = new ArrayList<>();
        private final Map<Name, long[]> soas = new LinkedHashMap<>();
        private final List<Record> records = new ArrayList<>();
        private Duration tcpIdleTimeout = AuthoritativeServer.DEFAULT_TCP_IDLE_TIMEOUT;

        private Builder() {
        }

        /** Serves {@code zone} as given. */
        public Builder withZone(Zone zone) {
            zones.add(Objects.requireNonNull(zone));
            return this;
        }

        /** Serves each of {@code zones}, e.g. {@code DemoZones.all()}. */
        public Builder withZones(Collection<Zone> zones) {
            zones.forEach(this::withZone);
            return this;
        }

        /**
         * Adds a record from presentation form ({@code "192.0.2.1"}, {@code "10 5 80 target.example."}) to the zone
         * that holds it; a name under no zone gets one at its top-level domain with a default SOA (TTL 60, MINIMUM 60).
         */
        public Builder withRecord(String name, int type, long ttl, String rdata) {
            return withRecord(Records.parse(name, type, ttl, rdata));
        }

        /** Adds {@code record} to the zone that holds it (see {@link #withRecord(String, int, long, String)}). */
        public Builder withRecord(Record record) {
            records.add(Objects.requireNonNull(record));
            return this;
        }

        /** Declares a zone at {@code origin} whose SOA has this TTL and MINIMUM (which bound negative caching). */
        public Builder withSoa(String origin, long ttl, long minimum) {
            soas.put(Records.name(origin), new long[] {ttl, minimum});
            return this;
        }

        /** How long an idle TCP connection stays open (default 30 s). */
        public Builder tcpIdleTimeout(Duration timeout) {
            this.tcpIdleTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Binds 127.0.0.1 port 0 for UDP and TCP and starts answering. */
        public TestUpstream start() {
            List<Zone> all = new ArrayList<>(zones);
            soas.forEach((origin, soa) -> all.add(Records.zone(origin, soa[0], soa[1], List.of())));
            try {
                TestUpstream upstream = new TestUpstream(all, tcpIdleTimeout);
                records.forEach(upstream::addRecord);
                return upstream;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
