package io.nodecache.searchpath;

import io.nodecache.dns.event.QueryFields;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xbill.DNS.Rcode;

/**
 * Finds, per client IP, the chains a stub resolver with {@code search} and {@code ndots} sends for one lookup —
 * {@code www.google.com.default.svc.cluster.local.} NXDOMAIN, {@code www.google.com.svc.cluster.local.} NXDOMAIN,
 * {@code www.google.com.cluster.local.} NXDOMAIN, {@code www.google.com.} NOERROR — and reports each as a
 * {@link SearchChain}, with per-client and per-name tallies.
 *
 * <p>A chain opens on an NXDOMAIN for {@code <base>.<X>.svc.<domain>.}, the first suffix of every pod's search list,
 * which names the pod's namespace X without knowing it in advance. Every later query from the same IP whose name is
 * {@code <base>.} or {@code <base>.<anything>.} joins it: a new name is the next step (a suffix outside the cluster
 * domain is a node search domain), a name and type already asked is a retry. Ports are ignored, since glibc's
 * single-request-reopen and musl ask from new ports. Steps are sequential in every resolver, and only A and AAAA of
 * one step run in parallel, so answer order is step order. A chain closes when the answering name (or, all having
 * failed, the as-given name) has been asked with every type the chain used, when the first name comes round again
 * (a new lookup), or after {@code window} without a query in event time. Chains of a single name are dropped: a
 * lone NXDOMAIN for a service FQDN is not an expansion.
 *
 * <p>{@link #onEvent} and {@link #tick} must be called from one thread (the event dispatcher). The snapshot methods
 * and {@link #addListener} may be called from any thread. Listeners run on the dispatcher's thread.
 *
 * <p>Every event passes through here at the node's query rate, so the steady state allocates nothing: chains are
 * pooled {@link ChainRecord}s of primitive arrays, a closed one is kept as it is in the recent ring, and the public
 * {@link SearchChain} is built only for a listener or a reader ({@link SearchChainView}).
 */
public final class ChainDetector {

    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local.";
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_TRACKED = 10_000;
    public static final int DEFAULT_RECENT = 1_000;
    /** Concurrent lookups one client may have in flight; a multi-threaded app rarely has more. */
    static final int MAX_OPEN_PER_CLIENT = 8;
    private static final int POOL = 256;

    private static final Logger LOG = Logger.getLogger(ChainDetector.class.getName());

    private final String domain;
    /** {@code .svc.<domain>}, lower case, with the domain's trailing dot. */
    private final String svcSuffix;
    private final long windowMillis;
    private final int maxOpenClients;

    private final OpenChains open = new OpenChains();
    /** Records to reuse: a record pushed out of the recent ring comes back here. */
    private final ArrayDeque<ChainRecord> pool = new ArrayDeque<>();
    /** No open chain can have expired before this event time; a lower bound, tightened by each sweep. */
    private long nextSweepMillis = Long.MAX_VALUE;
    /** Written by the dispatcher only; volatile so metrics can read it. */
    private volatile long dropped;

    private final ChainAggregates aggregates;
    private final List<Consumer<SearchChain>> listeners = new CopyOnWriteArrayList<>();

    /** Detects chains under {@code cluster.local.} with the default window, caps and ring. */
    public ChainDetector() {
        this(DEFAULT_CLUSTER_DOMAIN);
    }

    public ChainDetector(String clusterDomain) {
        this(clusterDomain, DEFAULT_WINDOW, DEFAULT_MAX_TRACKED, DEFAULT_RECENT);
    }

    /**
     * @param clusterDomain  the cluster domain, with or without its trailing dot
     * @param window         a chain with no query for this long is closed
     * @param maxTracked     clients and base names tallied (each), and clients with open chains; least recently
     *                       seen evicted
     * @param recentCapacity completed chains kept for {@link #recentChains}
     */
    public ChainDetector(String clusterDomain, Duration window, int maxTracked, int recentCapacity) {
        String d = clusterDomain.toLowerCase(Locale.ROOT);
        while (d.startsWith(".")) {
            d = d.substring(1);
        }
        if (d.isEmpty() || d.equals(".")) {
            throw new IllegalArgumentException("cluster domain must not be the root: " + clusterDomain);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        if (maxTracked < 1 || recentCapacity < 0) {
            throw new IllegalArgumentException("maxTracked must be >= 1 and recentCapacity >= 0");
        }
        this.domain = d.endsWith(".") ? d : d + ".";
        this.svcSuffix = ".svc." + this.domain;
        this.windowMillis = window.toMillis();
        this.maxOpenClients = maxTracked;
        this.aggregates = new ChainAggregates(maxTracked, recentCapacity);
    }

    /**
     * Calls {@code listener} with each completed chain, on the dispatcher's thread; it must be quick. While any
     * listener is registered, every chain is built as a {@link SearchChain} when it completes (allocating).
     */
    public void addListener(Consumer<SearchChain> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<SearchChain> listener) {
        listeners.remove(listener);
    }

    /**
     * Feeds one answered query; most return at once (nothing open anywhere, or nothing open for this client and not
     * an NXDOMAIN). Dispatcher thread only.
     */
    public void onEvent(QueryFields event) {
        int rcode = event.rcode();
        if (open.isEmpty()) {
            // Most events on a node: nothing pending anywhere, and only an NXDOMAIN can open a chain.
            if (rcode == Rcode.NXDOMAIN) {
                tryStart(event, null);
            }
            return;
        }
        long now = event.epochMillis();
        if (now >= nextSweepMillis) {
            sweep(now);
        }
        ChainRecord head = open.head(event.clientAddress());
        if (head == null) {
            if (rcode == Rcode.NXDOMAIN) {
                tryStart(event, null);
            }
            return;
        }
        String qname = event.qname();
        ChainRecord member = null;
        for (ChainRecord c = head; c != null; c = c.next) {
            if (c.isMember(qname) && (member == null || c.baseLength() > member.baseLength())) {
                member = c;
            }
        }
        if (member == null) {
            if (rcode == Rcode.NXDOMAIN) {
                tryStart(event, head);
            }
            return;
        }
        join(member, event);
    }

    /** Closes chains idle for the window as of {@code nowMillis} (event-time clock). Dispatcher thread only. */
    public void tick(long nowMillis) {
        if (nowMillis >= nextSweepMillis) {
            sweep(nowMillis);
        }
    }

    /** The latest completed chains, newest first. */
    public List<SearchChain> recentChains(int limit) {
        return aggregates.recent(limit);
    }

    /** The latest completed chains numbered above {@code after} (-1: from the first), newest first, at most limit. */
    public List<NumberedChain> recentChains(long after, int limit) {
        return aggregates.numbered(after, limit);
    }

    /** Tallies per client IP, most recently seen first. */
    public Map<String, ChainStats> byClient() {
        return aggregates.byClient();
    }

    /** Tallies per base name (case-insensitive), most recently seen first. */
    public Map<String, ChainStats> byName() {
        return aggregates.byName();
    }

    /** The clients that wasted the most queries, worst first. */
    public List<ChainStats> topOffenders(int limit) {
        return aggregates.topClients(limit);
    }

    /** The base names that wasted the most queries, worst first. */
    public List<ChainStats> topNames(int limit) {
        return aggregates.topNames(limit);
    }

    /** Chains completed so far. */
    public long chainsSeen() {
        return aggregates.recorded();
    }

    /** Queries wasted by all completed chains. */
    public long wastedQueries() {
        return aggregates.wastedQueries();
    }

    /** Chain starts not tracked because {@code maxTracked} clients already had open chains. */
    public long droppedStarts() {
        return dropped;
    }

    /** Chains still open (not thread-safe; for tests and the dispatcher's thread). */
    int openChains() {
        return open.chains();
    }

    private void join(ChainRecord chain, QueryFields event) {
        String qname = event.qname();
        int name = chain.findName(qname);
        if (name < 0 && chain.decided() || name == 0 && chain.nameCount() > 1) {
            // The same base again after the answer, or from the top: a new lookup.
            close(chain);
            if (event.rcode() == Rcode.NXDOMAIN) {
                tryStart(event, open.head(event.clientAddress()));
            }
            return;
        }
        if (name < 0) {
            if (chain.full()) {
                close(chain);
                return;
            }
            name = chain.addName(qname);
        }
        long endNanos = event.epochMillis() * 1_000_000L;
        chain.record(name, event.qtype(), event.rcode(), endNanos, event.durationNanos());
        chain.lastMillis = Math.max(chain.lastMillis, event.epochMillis());
        if (chain.complete()) {
            close(chain);
        }
    }

    /** Opens a chain if {@code qname} is {@code <base>.<X>.svc.<domain>.} with a non-empty base. */
    private void tryStart(QueryFields event, ChainRecord head) {
        String qname = event.qname();
        int len = qname.length();
        int sfx = len - svcSuffix.length();
        // needs at least "b.x" before ".svc.<domain>"
        if (sfx < 3 || !qname.regionMatches(true, sfx, svcSuffix, 0, svcSuffix.length())) {
            return;
        }
        int dot = qname.lastIndexOf('.', sfx - 1);
        if (dot < 1 || dot == sfx - 1) {
            return;
        }
        InetAddress client = event.clientAddress();
        if (head == null && open.clients() >= maxOpenClients) {
            dropped = dropped + 1;
            return;
        }
        if (head != null && count(head) >= MAX_OPEN_PER_CLIENT) {
            close(oldest(head));
        }
        ChainRecord chain = pool.isEmpty() ? new ChainRecord(domain) : pool.pop();
        chain.start(client, qname, dot, dot + 1, sfx);
        open.add(chain);
        chain.lastMillis = event.epochMillis();
        nextSweepMillis = Math.min(nextSweepMillis, chain.lastMillis + windowMillis);
        chain.record(chain.addName(qname), event.qtype(), event.rcode(), event.epochMillis() * 1_000_000L,
                event.durationNanos());
    }

    private static int count(ChainRecord head) {
        int n = 0;
        for (ChainRecord c = head; c != null; c = c.next) {
            n++;
        }
        return n;
    }

    private static ChainRecord oldest(ChainRecord head) {
        ChainRecord o = head;
        for (ChainRecord c = head; c != null; c = c.next) {
            if (c.lastMillis < o.lastMillis) {
                o = c;
            }
        }
        return o;
    }

    /** Closes the chains idle for the window and recomputes the earliest deadline. */
    private void sweep(long now) {
        long earliest = Long.MAX_VALUE;
        ChainRecord c = open.oldest();
        while (c != null) {
            ChainRecord newer = c.newerOpen;
            if (now - c.lastMillis >= windowMillis) {
                close(c);
            } else {
                earliest = Math.min(earliest, c.lastMillis + windowMillis);
            }
            c = newer;
        }
        nextSweepMillis = earliest;
    }

    /** Unlinks a chain from the open ones, then reports it. */
    private void close(ChainRecord chain) {
        open.remove(chain);
        finish(chain);
    }

    /**
     * Reports a chain of two names or more (the ring keeps its record), then reuses the record that leaves the ring,
     * or this one when it was too short to report.
     */
    private void finish(ChainRecord chain) {
        if (chain.nameCount() < 2) {
            recycle(chain);
            return;
        }
        chain.summarize();
        ChainRecord leaving = aggregates.record(chain);
        if (!listeners.isEmpty()) {
            publish(SearchChainView.of(chain));
        }
        recycle(leaving); // last: with no ring, that is this chain
    }

    private void publish(SearchChain done) {
        for (Consumer<SearchChain> l : listeners) {
            try {
                l.accept(done);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "search chain listener failed", ex);
            }
        }
    }

    private void recycle(ChainRecord record) {
        if (record == null) {
            return;
        }
        record.clear();
        if (pool.size() < POOL) {
            pool.push(record);
        }
    }
}
