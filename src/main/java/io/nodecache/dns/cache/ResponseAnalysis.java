package io.nodecache.dns.cache;

import io.nodecache.dns.wire.RecordWalker;
import io.nodecache.dns.wire.Wire;

/**
 * What the cache needs to know about an upstream response, read from its wire bytes: CoreDNS's classification
 * ({@code response.Typify}) and the lowest TTL in it ({@code dnsutil.MinimalTTL}).
 */
final class ResponseAnalysis {

    /** CoreDNS's {@code response.Type}. */
    enum Kind {
        /** A positive answer (or an empty NOERROR without SOA or NS). */
        NO_ERROR,
        /** NXDOMAIN with an SOA in the authority section. */
        NAME_ERROR,
        /** SERVFAIL (CoreDNS also counts NOTIMP here; nodecache does not cache NOTIMP). */
        SERVER_ERROR,
        /** NOERROR, no answer, SOA in the authority section. */
        NO_DATA,
        /** NOERROR, no answer, NS records in the authority section. */
        DELEGATION,
        /** NOTIFY, zone transfers and other non-QUERY opcodes. */
        META,
        /** Dynamic update. */
        UPDATE,
        /** Anything else: other rcodes, NXDOMAIN without SOA, expired signatures. Never cached. */
        OTHER_ERROR
    }

    /** CoreDNS's {@code MinimalDefaultTTL}: the TTL of messages without records, and of other types. */
    static final long MINIMAL_DEFAULT_TTL = 5;
    /** CoreDNS's {@code MaximumDefaulTTL}: where the search for the lowest TTL starts. */
    static final long MAXIMUM_DEFAULT_TTL = 3600;

    private static final int TYPE_NS = 2;
    private static final int TYPE_RRSIG = 46;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int OPCODE_UPDATE = 5;
    private static final long YEAR68 = 1L << 31;

    final Kind kind;
    /** The lowest TTL in seconds, as {@code MinimalTTL} computes it for {@link #kind}. */
    final long minimalTtl;
    final boolean truncated;
    /** The full rcode: header bits plus the extended bits of an OPT record (RFC 6891 §6.1.3). */
    final int rcode;
    /** Whether a non-OPT record follows an OPT record (the bytes cannot be stored without the OPT). */
    final boolean recordAfterOpt;

    private ResponseAnalysis(Kind kind, long minimalTtl, boolean truncated, int rcode, boolean recordAfterOpt) {
        this.kind = kind;
        this.minimalTtl = minimalTtl;
        this.truncated = truncated;
        this.rcode = rcode;
        this.recordAfterOpt = recordAfterOpt;
    }

    /**
     * Analyses {@code msg[0, length)} at {@code nowSeconds} (Unix time, for RRSIG validity); null if malformed.
     */
    static ResponseAnalysis of(byte[] msg, int length, RecordWalker w, long nowSeconds) {
        if (!w.reset(msg, length)) {
            return null;
        }
        int flags = Wire.flags(msg);
        int answers = 0;
        int records = 0;
        boolean soa = false;
        int ns = 0;
        boolean opt = false;
        boolean dnssecOk = false;
        boolean recordAfterOpt = false;
        boolean expiredSignature = false;
        int extendedRcode = 0;
        long minTtl = MAXIMUM_DEFAULT_TTL;
        while (w.next()) {
            int type = w.type();
            int section = w.section();
            if (section == RecordWalker.ADDITIONAL && type == Wire.TYPE_OPT) {
                opt = true;
                // OPT's TTL field holds the extended rcode and flags, not a TTL (RFC 6891 §6.1.3).
                extendedRcode = msg[w.ttlOffset()] & 0xFF;
                dnssecOk = (Wire.u16(msg, w.ttlOffset() + 2) & 0x8000) != 0;
                continue;
            }
            recordAfterOpt |= opt;
            records++;
            if (section == RecordWalker.ANSWER) {
                answers++;
            } else if (section == RecordWalker.AUTHORITY) {
                if (type == Wire.TYPE_SOA) {
                    soa = true;
                } else if (type == TYPE_NS) {
                    ns++;
                }
            }
            if (type == TYPE_RRSIG && w.rdlength() >= 16 && !validityPeriod(msg, w.rdataOffset(), nowSeconds)) {
                expiredSignature = true;
            }
            minTtl = Math.min(minTtl, w.ttl());
        }
        if (w.malformed()) {
            return null;
        }
        int rcode = (extendedRcode << 4) | (flags & 0xF);
        int qtype = Wire.qdcount(msg) > 0 ? questionType(msg, length) : -1;
        Kind kind = classify(Wire.opcode(flags), qtype, dnssecOk && expiredSignature, answers, soa, ns, rcode);
        long ttl;
        if (kind != Kind.NO_ERROR && kind != Kind.NAME_ERROR && kind != Kind.NO_DATA) {
            ttl = MINIMAL_DEFAULT_TTL;
        } else if (records == 0) {
            // No records, or OPT the only one: a short TTL as a fail-safe.
            ttl = MINIMAL_DEFAULT_TTL;
        } else {
            ttl = minTtl;
        }
        return new ResponseAnalysis(kind, ttl, (flags & Wire.FLAG_TC) != 0, rcode, recordAfterOpt);
    }

    private static int questionType(byte[] msg, int length) {
        int off = Wire.skipName(msg, Wire.HEADER_LENGTH, length);
        return off < 0 || off + 2 > length ? -1 : Wire.u16(msg, off);
    }

    private static Kind classify(int opcode, int qtype, boolean expired, int answers, boolean soa, int ns,
            int rcode) {
        if (opcode == OPCODE_UPDATE) {
            return Kind.UPDATE;
        }
        // CoreDNS names NOTIFY here; any opcode other than QUERY is equally not an answer to cache.
        if (opcode != 0 || qtype == TYPE_AXFR || qtype == TYPE_IXFR) {
            return Kind.META;
        }
        if (expired) {
            return Kind.OTHER_ERROR;
        }
        if (answers > 0 && rcode == 0) {
            return Kind.NO_ERROR;
        }
        if (soa && rcode == 0) {
            return Kind.NO_DATA;
        }
        if (soa && rcode == 3) {
            return Kind.NAME_ERROR;
        }
        if (rcode == 2) {
            return Kind.SERVER_ERROR;
        }
        if (ns > 0 && rcode == 0) {
            return Kind.DELEGATION;
        }
        return rcode == 0 ? Kind.NO_ERROR : Kind.OTHER_ERROR;
    }

    /**
     * Whether the RRSIG whose RDATA starts at {@code rdata} is valid at {@code now}, with the RFC 1982 serial
     * arithmetic of RFC 4034 §3.1.5 (as miekg/dns {@code RRSIG.ValidityPeriod}).
     */
    static boolean validityPeriod(byte[] msg, int rdata, long now) {
        long expiration = Wire.u32(msg, rdata + 8);
        long inception = Wire.u32(msg, rdata + 12);
        long ti = inception + ((inception - now) / YEAR68) * YEAR68;
        long te = expiration + ((expiration - now) / YEAR68) * YEAR68;
        return ti <= now && now <= te;
    }
}
