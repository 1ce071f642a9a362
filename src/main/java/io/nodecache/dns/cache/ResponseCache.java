package io.nodecache.dns.cache;

import io.nodecache.corefile.CacheConfig;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.wire.QueryView;
import io.nodecache.dns.wire.RecordWalker;
import io.nodecache.dns.wire.Responses;
import io.nodecache.dns.wire.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The two stores of a {@code cache} directive (success; denial = NXDOMAIN, NODATA and SERVFAIL), the rules that
 * decide what is stored and for how long, and the counters behind CoreDNS's {@code coredns_cache_*} metrics.
 *
 * <p>What is stored and for how long follows CoreDNS: the TTL is the lowest TTL in the message ({@code MinimalTTL},
 * 5 s for a message without records) clamped into the store's [MINTTL, TTL]; SERVFAIL is kept for {@code servfail};
 * truncated answers, other opcodes and other errors are never stored; a cacheable response for another question is
 * dropped and counted.
 */
public final class ResponseCache {

    /** {@link #write}'s TTL argument meaning "leave the stored TTLs" ({@code keepttl}). */
    static final int KEEP_TTL = -1;
    private static final int OPT_LENGTH = 11;

    private final CacheConfig config;
    private final Clock clock;
    private final CacheListener listener;
    private final EntryStore success;
    private final EntryStore denial;
    private final long successMin;
    private final long successMax;
    private final long denialMin;
    private final long denialMax;
    private final long servfailTtl;
    private final long staleUpTo;

    private final LongAdder requests = new LongAdder();
    private final LongAdder successHits = new LongAdder();
    private final LongAdder denialHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder servedStale = new LongAdder();
    private final LongAdder prefetches = new LongAdder();
    private final LongAdder successEvictions = new LongAdder();
    private final LongAdder denialEvictions = new LongAdder();
    private final LongAdder successInserts = new LongAdder();
    private final LongAdder denialInserts = new LongAdder();
    private final LongAdder drops = new LongAdder();

    public ResponseCache(CacheConfig config, Clock clock, CacheListener listener) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = listener == null ? CacheListener.NONE : listener;
        this.success = new EntryStore(StoreType.SUCCESS, config.success().capacity());
        this.denial = new EntryStore(StoreType.DENIAL, config.denial().capacity());
        this.successMin = seconds(config.success().minTtl());
        this.successMax = seconds(config.success().maxTtl());
        this.denialMin = seconds(config.denial().minTtl());
        this.denialMax = seconds(config.denial().maxTtl());
        this.servfailTtl = seconds(config.servfailTtl());
        this.staleUpTo = config.serveStale().map(s -> seconds(s.upTo())).orElse(0L);
    }

    private static long seconds(Duration d) {
        // Entries count TTLs in int seconds; nothing sensible is longer than 68 years.
        return d == null ? 0 : Math.max(0, Math.min(d.getSeconds(), Integer.MAX_VALUE / 2));
    }

    public CacheConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    // ---- lookups (hit path: no allocation) ----

    /**
     * The entry a query may be answered from at {@code now}, fresh or (under {@code serve_stale}) stale, or null;
     * counts the request and the hit or miss. The denial store is consulted first, but a SERVFAIL there does not
     * shadow a usable positive entry.
     */
    CacheEntry lookup(QueryView q, long now) {
        requests.increment();
        ProbeKey probe = ProbeKey.of(q);
        CacheEntry n = denial.get(probe);
        if (n != null && usable(n, now)) {
            if (n.rcode == 2) {
                CacheEntry p = success.get(probe);
                if (p != null && usable(p, now)) {
                    return hit(p);
                }
            }
            return hit(n);
        }
        CacheEntry p = success.get(probe);
        if (p != null && usable(p, now)) {
            return hit(p);
        }
        misses.increment();
        listener.miss();
        return null;
    }

    private boolean usable(CacheEntry e, long now) {
        int ttl = e.ttl(now);
        if (ttl > 0) {
            return true;
        }
        return staleUpTo > 0 && -(long) ttl < staleUpTo;
    }

    private CacheEntry hit(CacheEntry e) {
        (e.store == StoreType.SUCCESS ? successHits : denialHits).increment();
        listener.hit(e.store);
        return e;
    }

    /**
     * Answers {@code exchange} from entry {@code e} without allocating: copies the bytes into the exchange's buffer
     * and patches the client's ID and question, the flags of CoreDNS's {@code item.toMsg} (QR, AA, RD and CD from
     * the query; RA, AD and rcode from the entry; AD only for clients that set DO or AD, RFC 6840 §5.7-5.8) and
     * every TTL to {@code ttl} (or leaves them at {@link #KEEP_TTL}); then adds our OPT for EDNS clients and
     * truncates to what the client can take.
     */
    void write(Exchange exchange, CacheEntry e, int ttl) {
        QueryView q = exchange.query();
        byte[] src = e.wire;
        int len = src.length;
        byte[] buf = exchange.buffer(len + OPT_LENGTH);
        System.arraycopy(src, 0, buf, 0, len);
        Wire.putU16(buf, 0, q.id());
        System.arraycopy(q.packet(), Wire.HEADER_LENGTH, buf, Wire.HEADER_LENGTH,
                q.questionEnd() - Wire.HEADER_LENGTH);
        int qflags = q.flags();
        int flags = Wire.FLAG_QR | Wire.FLAG_AA | (qflags & (Wire.FLAG_RD | Wire.FLAG_CD))
                | (e.flags & Wire.FLAG_RA) | e.rcode;
        if ((e.flags & Wire.FLAG_AD) != 0 && (q.dnssecOk() || (qflags & Wire.FLAG_AD) != 0)) {
            flags |= Wire.FLAG_AD;
        }
        Wire.putU16(buf, 2, flags);
        if (ttl >= 0 && ttl != e.origTtl) {
            int[] offsets = e.ttlOffsets;
            for (int i = 0; i < offsets.length; i++) {
                Wire.putU32(buf, offsets[i], ttl);
            }
        }
        if (q.edns()) {
            len = Responses.appendOpt(buf, len, q.dnssecOk());
        }
        int limit = exchange.limit();
        if (len > limit) {
            len = Responses.truncate(q, buf, limit);
        }
        exchange.sendShaped(buf, len);
    }

    // ---- inserts (miss path) ----

    /** What {@link #offer} did: the TTL CoreDNS gives the reply, and the entry stored (or null). */
    record Offer(int ttl, CacheEntry stored) {}

    /**
     * Considers upstream response {@code msg} to query {@code q} for storage (CoreDNS's
     * {@code ResponseWriter.WriteMsg}). {@code refresh} marks background refreshes, whose positive answers also
     * clear the key's denial entry. Returns null for a malformed message.
     */
    Offer offer(QueryView q, byte[] msg, int length, boolean refresh) {
        RecordWalker walker = new RecordWalker();
        long now = clock.millis();
        ResponseAnalysis a = ResponseAnalysis.of(msg, length, walker, Math.floorDiv(now, 1000));
        if (a == null) {
            return null;
        }
        long duration;
        StoreType store;
        switch (a.kind) {
            case NAME_ERROR, NO_DATA -> {
                duration = clamp(a.minimalTtl, denialMin, denialMax);
                store = StoreType.DENIAL;
            }
            case SERVER_ERROR -> {
                duration = servfailTtl;
                store = StoreType.DENIAL;
            }
            default -> {
                duration = clamp(a.minimalTtl, successMin, successMax);
                store = StoreType.SUCCESS;
            }
        }
        int ttl = (int) duration;
        boolean cacheable = !a.truncated && a.kind != ResponseAnalysis.Kind.OTHER_ERROR
                && a.kind != ResponseAnalysis.Kind.META && a.kind != ResponseAnalysis.Kind.UPDATE;
        if (!cacheable || duration <= 0) {
            return new Offer(ttl, null);
        }
        if (!answers(q, msg, length)) {
            drops.increment();
            listener.drop();
            return new Offer(ttl, null);
        }
        if (a.recordAfterOpt) {
            // The OPT cannot be cut out without breaking compression pointers behind it; such messages are odd
            // enough to just not store.
            return new Offer(ttl, null);
        }
        CacheEntry e = CacheEntry.of(CacheKey.of(q), store, msg, length, ttl, now, walker);
        if (e == null) {
            return null;
        }
        EntryStore target = store == StoreType.SUCCESS ? success : denial;
        if (target.capacity() == 0) {
            return new Offer(ttl, null);
        }
        if (target.put(e)) {
            (store == StoreType.SUCCESS ? successEvictions : denialEvictions).increment();
            listener.eviction(store);
        }
        (store == StoreType.SUCCESS ? successInserts : denialInserts).increment();
        listener.insert(store);
        if (refresh && store == StoreType.SUCCESS) {
            // A positive refresh is the newest state for the key: forget the denial.
            denial.remove(e.key);
        }
        return new Offer(ttl, e);
    }

    private static long clamp(long ttl, long min, long max) {
        // CoreDNS's computeTTL: the cap wins over the floor.
        return Math.min(Math.max(ttl, min), max);
    }

    /** CoreDNS's {@code request.Match}: a response, one question, same name (any case), type and class. */
    static boolean answers(QueryView q, byte[] msg, int length) {
        return length >= q.questionEnd() && (Wire.flags(msg) & Wire.FLAG_QR) != 0 && Wire.qdcount(msg) == 1
                && q.qnameEqualsIgnoreCase(msg, Wire.HEADER_LENGTH, q.qnameLength())
                && Wire.u16(msg, q.qnameEnd()) == q.qtype() && Wire.u16(msg, q.qnameEnd() + 2) == q.qclass();
    }

    void staleServed() {
        servedStale.increment();
        listener.staleServed();
    }

    void prefetched() {
        prefetches.increment();
        listener.prefetch();
    }

    // ---- read-only stats ----

    /** Entries held by {@code store}, expired ones included ({@code coredns_cache_entries{type}}). */
    public int entries(StoreType store) {
        return storeOf(store).size();
    }

    public int capacity(StoreType store) {
        return storeOf(store).capacity();
    }

    /** Lookups ({@code coredns_cache_requests_total}). */
    public long requests() {
        return requests.sum();
    }

    /** Entries found, fresh or stale ({@code coredns_cache_hits_total{type}}). */
    public long hits(StoreType store) {
        return (store == StoreType.SUCCESS ? successHits : denialHits).sum();
    }

    /** Lookups that found nothing usable ({@code coredns_cache_misses_total}). */
    public long misses() {
        return misses.sum();
    }

    /** Answers from expired entries ({@code coredns_cache_served_stale_total}). */
    public long servedStale() {
        return servedStale.sum();
    }

    /** Background refreshes started, prefetches and stale refreshes ({@code coredns_cache_prefetch_total}). */
    public long prefetches() {
        return prefetches.sum();
    }

    /** Entries evicted to make room ({@code coredns_cache_evictions_total{type}}). */
    public long evictions(StoreType store) {
        return (store == StoreType.SUCCESS ? successEvictions : denialEvictions).sum();
    }

    /** Responses stored. */
    public long inserts(StoreType store) {
        return (store == StoreType.SUCCESS ? successInserts : denialInserts).sum();
    }

    /** Cacheable responses that answered another question ({@code coredns_cache_drops_total}). */
    public long drops() {
        return drops.sum();
    }

    private EntryStore storeOf(StoreType store) {
        return store == StoreType.SUCCESS ? success : denial;
    }
}
