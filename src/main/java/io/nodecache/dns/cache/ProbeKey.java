package io.nodecache.dns.cache;

import io.nodecache.dns.wire.QueryView;

/**
 * A mutable, per-thread stand-in for a {@link CacheKey} that reads the key fields straight from a parsed query, so a
 * lookup allocates nothing. {@code ConcurrentHashMap.get(probe)} calls {@code probe.equals(storedKey)}.
 *
 * <p>Never stored in a map, and valid only until the next {@link #set}.
 */
final class ProbeKey {

    private static final ThreadLocal<ProbeKey> PER_THREAD = ThreadLocal.withInitial(ProbeKey::new);

    private QueryView query;
    private int hash;

    /** This thread's probe, pointed at {@code q}. */
    static ProbeKey of(QueryView q) {
        return PER_THREAD.get().set(q);
    }

    ProbeKey set(QueryView q) {
        this.query = q;
        this.hash = CacheKey.hash(q.qnameHash(), q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled());
        return this;
    }

    boolean matches(CacheKey k) {
        QueryView q = query;
        return k.hashCode() == hash && k.sameFields(q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled())
                && q.qnameEqualsIgnoreCase(k.qname, 0, k.qname.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheKey k && matches(k);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
