package io.nodecache.dns.cache;

import io.nodecache.dns.wire.QueryView;
import io.nodecache.dns.wire.Wire;
import java.util.Arrays;

/**
 * The immutable key of a stored entry: lower-cased question name, type and class, and the query's DO and CD bits
 * (CoreDNS keys on name, type, DO and CD; the class is ours, so a CH query never meets an IN answer).
 *
 * <p>Lookups do not build one of these: a per-thread {@link ProbeKey} over the query bytes is handed to the map,
 * which calls {@code probe.equals(stored)}; both compute the same {@link #hash}.
 */
final class CacheKey {

    final byte[] qname;
    final int qtype;
    final int qclass;
    final boolean dnssecOk;
    final boolean checkingDisabled;
    private final int hash;

    private CacheKey(byte[] qname, int qtype, int qclass, boolean dnssecOk, boolean checkingDisabled, int hash) {
        this.qname = qname;
        this.qtype = qtype;
        this.qclass = qclass;
        this.dnssecOk = dnssecOk;
        this.checkingDisabled = checkingDisabled;
        this.hash = hash;
    }

    /** The key of the query {@code q} (copies and lower-cases its name). */
    static CacheKey of(QueryView q) {
        byte[] packet = q.packet();
        byte[] name = new byte[q.qnameLength()];
        for (int i = 0; i < name.length; i++) {
            name[i] = (byte) Wire.lower(packet[Wire.HEADER_LENGTH + i] & 0xFF);
        }
        return new CacheKey(name, q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled(),
                hash(q.qnameHash(), q.qtype(), q.qclass(), q.dnssecOk(), q.checkingDisabled()));
    }

    /** Mixes the case-insensitive name hash of {@link QueryView#qnameHash()} with the other key fields. */
    static int hash(int qnameHash, int qtype, int qclass, boolean dnssecOk, boolean checkingDisabled) {
        int h = qnameHash;
        h = h * 31 + qtype;
        h = h * 31 + qclass;
        h = h * 4 + (dnssecOk ? 2 : 0) + (checkingDisabled ? 1 : 0);
        return h;
    }

    boolean sameFields(int qtype, int qclass, boolean dnssecOk, boolean checkingDisabled) {
        return this.qtype == qtype && this.qclass == qclass && this.dnssecOk == dnssecOk
                && this.checkingDisabled == checkingDisabled;
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (o instanceof CacheKey k) {
            return k.hash == hash && sameFields(k.qtype, k.qclass, k.dnssecOk, k.checkingDisabled)
                    && Arrays.equals(qname, k.qname);
        }
        return o instanceof ProbeKey p && p.matches(this);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return io.nodecache.dns.wire.Names.toText(qname, 0, qname.length) + "/" + qtype + "/" + qclass
                + (dnssecOk ? "/do" : "") + (checkingDisabled ? "/cd" : "");
    }
}
