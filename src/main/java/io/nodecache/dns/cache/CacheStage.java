package io.nodecache.dns.cache;

import io.nodecache.corefile.CacheConfig;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.QueryHandler;
import io.nodecache.dns.server.Responder;
import io.nodecache.dns.server.ResponseObserver;
import io.nodecache.dns.wire.QueryView;
import io.nodecache.dns.wire.RecordWalker;
import io.nodecache.dns.wire.Wire;
import java.time.Clock;
import java.util.Arrays;
import java.util.Objects;

/**
 * The pipeline stage of the {@code cache} directive: answers from {@link ResponseCache} when it can, otherwise
 * passes the query to {@code next} and stores what comes back, as CoreDNS's cache plugin wraps the plugin after it.
 *
 * <p>The flow is CoreDNS's {@code ServeDNS}:
 * <ul>
 *   <li>fresh entry: answer it ({@link CacheOutcome#HIT}); if {@code prefetch} finds it popular and about to
 *       expire, also refresh it in the background ({@link CacheOutcome#PREFETCH});</li>
 *   <li>expired but within {@code serve_stale}: {@code immediate} answers it with TTL 0 and refreshes it in the
 *       background; {@code verify} asks upstream first and answers the stale entry only if that fails
 *       ({@link CacheOutcome#STALE});</li>
 *   <li>nothing: ask {@code next}, store the response, answer it with the stored TTL ({@link CacheOutcome#MISS}).</li>
 * </ul>
 * A hit allocates nothing. At most one background refresh runs per entry.
 */
public final class CacheStage implements QueryHandler {

    private final ResponseCache cache;
    private final QueryHandler next;
    private final boolean keepTtl;
    private final int prefetchAmount;
    private final long prefetchGapMillis;
    private final int prefetchPercentage;
    private final boolean verifyStale;
    private final ResponseObserver missObserver = new FillObserver(null, 0);

    public CacheStage(CacheConfig config, QueryHandler next, Clock clock, CacheListener listener) {
        this(new ResponseCache(config, clock, listener), next);
    }

    public CacheStage(ResponseCache cache, QueryHandler next) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.next = Objects.requireNonNull(next, "next");
        CacheConfig config = cache.config();
        this.keepTtl = config.keepTtl();
        this.prefetchAmount = config.prefetch().map(CacheConfig.PrefetchConfig::amount).orElse(0);
        this.prefetchGapMillis = config.prefetch().map(p -> p.duration().toMillis()).orElse(0L);
        this.prefetchPercentage = config.prefetch().map(CacheConfig.PrefetchConfig::percentage).orElse(0);
        this.verifyStale = config.serveStale().map(CacheConfig.ServeStaleConfig::verify).orElse(false);
    }

    /** The stores and counters behind this stage. */
    public ResponseCache cache() {
        return cache;
    }

    @Override
    public void handle(Exchange exchange) {
        QueryView q = exchange.query();
        long now = cache.clock().millis();
        CacheEntry e = cache.lookup(q, now);
        if (e == null) {
            Exchange detached = exchange.detach();
            detached.outcome(CacheOutcome.MISS);
            detached.observe(missObserver);
            next.handle(detached);
            return;
        }
        int ttl = e.ttl(now);
        if (ttl < 0) {
            serveStale(exchange, e, now, ttl);
            return;
        }
        boolean refresh = prefetchDue(e, now, ttl) && e.refreshing.compareAndSet(false, true);
        // Copy the request before the answer is written: the exchange's buffers are reused after handle returns.
        byte[] request = refresh ? Arrays.copyOf(exchange.request(), exchange.requestLength()) : null;
        exchange.outcome(refresh ? CacheOutcome.PREFETCH : CacheOutcome.HIT);
        cache.write(exchange, e, keepTtl ? ResponseCache.KEEP_TTL : ttl);
        if (refresh) {
            refresh(exchange, request, e, now);
        }
    }

    /** CoreDNS's {@code shouldPrefetch}: AMOUNT hits without a gap of DURATION, TTL at most PERCENTAGE% left. */
    private boolean prefetchDue(CacheEntry e, long now, int ttl) {
        if (prefetchAmount <= 0) {
            return false;
        }
        int hits = e.hit(prefetchGapMillis, now);
        long threshold = (prefetchPercentage * (long) e.origTtl + 99) / 100;
        return hits >= prefetchAmount && ttl <= threshold;
    }

    private void serveStale(Exchange exchange, CacheEntry e, long now, int ttl) {
        if (verifyStale) {
            Exchange detached = exchange.detach();
            detached.outcome(CacheOutcome.MISS);
            detached.observe(new VerifyObserver(e));
            next.handle(detached);
            return;
        }
        boolean refresh = e.refreshing.compareAndSet(false, true);
        byte[] request = refresh ? Arrays.copyOf(exchange.request(), exchange.requestLength()) : null;
        exchange.outcome(CacheOutcome.STALE);
        cache.staleServed();
        cache.write(exchange, e, keepTtl ? ResponseCache.KEEP_TTL : 0);
        if (refresh) {
            // CoreDNS moves "now" back to the expiry so the refreshed entry's popularity starts from there.
            refresh(exchange, request, e, now + ttl * 1000L);
        }
    }

    /** Starts a background refresh of {@code previous} through {@code next}, with no client to answer. */
    private void refresh(Exchange exchange, byte[] request, CacheEntry previous, long resetNow) {
        cache.prefetched();
        Exchange background = Exchange.of(request, request.length, exchange.client(), exchange.transport(),
                Responder.NONE, null);
        background.zone(exchange.zone());
        background.outcome(CacheOutcome.PREFETCH);
        background.observe(new FillObserver(previous, resetNow));
        try {
            next.handle(background);
        } catch (RuntimeException ex) {
            // The client has its answer already; a failed refresh only means the next hit may try again.
            previous.refreshing.set(false);
        }
    }

    /**
     * Answers the client with upstream response {@code msg} as CoreDNS's cache does on a miss: every TTL but OPT's
     * set to the TTL the response is cached with (no jarring 1799 → 8), AD cleared for clients that set neither DO
     * nor AD; then shaped for the client by the exchange.
     */
    private static void answer(Exchange exchange, byte[] msg, int length, int ttl) {
        byte[] copy = Arrays.copyOf(msg, length);
        RecordWalker w = new RecordWalker();
        if (w.reset(copy, length)) {
            while (w.next()) {
                if (w.type() != Wire.TYPE_OPT || w.section() != RecordWalker.ADDITIONAL) {
                    Wire.putU32(copy, w.ttlOffset(), ttl);
                }
            }
        }
        QueryView q = exchange.query();
        if (!q.dnssecOk() && (q.flags() & Wire.FLAG_AD) == 0) {
            Wire.putU16(copy, 2, Wire.flags(copy) & ~Wire.FLAG_AD);
        }
        // The observer has been taken off the exchange, so this shapes and sends.
        exchange.respond(copy, length);
    }

    /**
     * Stores what {@code next} answers. For a client's miss it then answers the client; for a background refresh
     * ({@code previous != null}) it carries the old entry's popularity over and lets the next refresh start.
     */
    private final class FillObserver implements ResponseObserver {

        private final CacheEntry previous;
        private final long resetNow;

        FillObserver(CacheEntry previous, long resetNow) {
            this.previous = previous;
            this.resetNow = resetNow;
        }

        @Override
        public boolean onResponse(Exchange exchange, byte[] msg, int length, int failureRcode) {
            try {
                if (msg == null) {
                    return !exchange.hasClient();
                }
                ResponseCache.Offer offer = cache.offer(exchange.query(), msg, length, previous != null);
                if (previous != null && offer != null && offer.stored() != null) {
                    offer.stored().resetHits(resetNow, previous.hits());
                }
                if (!exchange.hasClient()) {
                    return true;
                }
                if (offer == null) {
                    return false;
                }
                answer(exchange, msg, length, offer.ttl());
                return true;
            } finally {
                if (previous != null) {
                    previous.refreshing.set(false);
                }
            }
        }
    }

    /**
     * {@code serve_stale verify}: a NOERROR or NXDOMAIN from upstream is stored and answered (RFC 8767 §4); anything
     * else, or no answer at all, is replaced by the stale entry.
     */
    private final class VerifyObserver implements ResponseObserver {

        private final CacheEntry stale;

        VerifyObserver(CacheEntry stale) {
            this.stale = stale;
        }

        @Override
        public boolean onResponse(Exchange exchange, byte[] msg, int length, int failureRcode) {
            if (msg != null && length >= Wire.HEADER_LENGTH && (Wire.rcode(msg) == 0 || Wire.rcode(msg) == 3)) {
                ResponseCache.Offer offer = cache.offer(exchange.query(), msg, length, true);
                if (offer != null) {
                    answer(exchange, msg, length, offer.ttl());
                    return true;
                }
            }
            exchange.outcome(CacheOutcome.STALE);
            cache.staleServed();
            cache.write(exchange, stale, keepTtl ? ResponseCache.KEEP_TTL : 0);
            return true;
        }
    }
}
