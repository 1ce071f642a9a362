package io.nodecache.dns.cache;

import io.nodecache.dns.wire.RecordWalker;
import io.nodecache.dns.wire.Wire;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One stored response (CoreDNS's {@code item}): the wire bytes with ID 0 and the upstream OPT removed, every TTL
 * already set to the stored TTL, and the offsets of those TTLs so a hit can rewrite them in place.
 */
final class CacheEntry {

    final CacheKey key;
    final StoreType store;
    /** Header, question (upstream's case) and records; every TTL field holds {@link #origTtl}. */
    final byte[] wire;
    final int[] ttlOffsets;
    /** The upstream header flags (for RA and AD) and rcode. */
    final int flags;
    final int rcode;
    /** The TTL in seconds the entry was stored with, after clamping. */
    final int origTtl;
    final long storedMillis;

    /** At most one background refresh per entry (CoreDNS's {@code item.refreshing}). */
    final AtomicBoolean refreshing = new AtomicBoolean();

    /** Position in the store's slot array; guarded by the store's lock. */
    int slot = -1;

    // Prefetch popularity (CoreDNS's freq.Freq); guarded by this.
    private long lastHitMillis = Long.MIN_VALUE;
    private int hits;

    private CacheEntry(CacheKey key, StoreType store, byte[] wire, int[] ttlOffsets, int flags, int rcode,
            int origTtl, long storedMillis) {
        this.key = key;
        this.store = store;
        this.wire = wire;
        this.ttlOffsets = ttlOffsets;
        this.flags = flags;
        this.rcode = rcode;
        this.origTtl = origTtl;
        this.storedMillis = storedMillis;
    }

    /**
     * Copies response {@code msg} for storage: ID 0, OPT records dropped (they are hop-by-hop), every other TTL set
     * to {@code ttl}. Returns null if the message is malformed.
     */
    static CacheEntry of(CacheKey key, StoreType store, byte[] msg, int length, int ttl, long nowMillis,
            RecordWalker w) {
        if (!w.reset(msg, length)) {
            return null;
        }
        byte[] out = new byte[length];
        int[] offsets = new int[Wire.ancount(msg) + Wire.nscount(msg) + Wire.arcount(msg)];
        int records = 0;
        int additional = 0;
        int questionEnd = questionEnd(msg, length);
        if (questionEnd < 0) {
            return null;
        }
        System.arraycopy(msg, 0, out, 0, questionEnd);
        int len = questionEnd;
        while (w.next()) {
            if (w.section() == RecordWalker.ADDITIONAL) {
                if (w.type() == Wire.TYPE_OPT) {
                    continue;
                }
                additional++;
            }
            int n = w.recordEnd() - w.recordStart();
            System.arraycopy(msg, w.recordStart(), out, len, n);
            int ttlOffset = len + (w.ttlOffset() - w.recordStart());
            Wire.putU32(out, ttlOffset, ttl);
            offsets[records++] = ttlOffset;
            len += n;
        }
        if (w.malformed()) {
            return null;
        }
        Wire.putU16(out, 0, 0);
        Wire.putU16(out, 10, additional);
        int flags = Wire.flags(msg);
        return new CacheEntry(key, store, Arrays.copyOf(out, len), Arrays.copyOf(offsets, records), flags,
                flags & 0xF, ttl, nowMillis);
    }

    private static int questionEnd(byte[] msg, int length) {
        int off = Wire.HEADER_LENGTH;
        for (int q = Wire.qdcount(msg); q > 0; q--) {
            off = Wire.skipName(msg, off, length);
            if (off < 0 || off + 4 > length) {
                return -1;
            }
            off += 4;
        }
        return off;
    }

    int length() {
        return wire.length;
    }

    /** Remaining TTL: stored TTL minus whole seconds elapsed; zero or negative once expired. */
    int ttl(long nowMillis) {
        return origTtl - (int) ((nowMillis - storedMillis) / 1000);
    }

    /**
     * Records a hit at {@code now} (freq.Update): a gap of more than {@code gapMillis} since the last one starts
     * the count again at 1. Returns the hits so far.
     */
    synchronized int hit(long gapMillis, long now) {
        if (lastHitMillis < now - gapMillis) {
            hits = 1;
        } else {
            hits++;
        }
        lastHitMillis = now;
        return hits;
    }

    synchronized int hits() {
        return hits;
    }

    /** Carries popularity over from the entry this one replaced (freq.Reset). */
    synchronized void resetHits(long now, int hits) {
        this.lastHitMillis = now;
        this.hits = hits;
    }
}
