package io.nodecache.dns.wire;

/**
 * Steps through the resource records of a message without building objects, exposing each record's section,
 * type and the offsets of its TTL and RDATA.
 *
 * <p>Usage: {@code if (w.reset(buf, len)) while (w.next()) { ... }}; {@link #malformed()} tells a clean end from
 * a broken packet.
 */
public final class RecordWalker {

    public static final int ANSWER = 1;
    public static final int AUTHORITY = 2;
    public static final int ADDITIONAL = 3;

    private byte[] b;
    private int limit;
    private int off;
    private int index;
    private int answers;
    private int authorities;
    private int total;
    private boolean malformed;

    private int recordStart;
    private int type;
    private int ttlOffset;
    private int rdataOffset;
    private int rdlength;

    /** Positions the walker after the question section; false if the header or question cannot be read. */
    public boolean reset(byte[] message, int length) {
        b = message;
        limit = length;
        index = 0;
        malformed = false;
        if (length < Wire.HEADER_LENGTH) {
            malformed = true;
            return false;
        }
        answers = Wire.ancount(b);
        authorities = Wire.nscount(b);
        total = answers + authorities + Wire.arcount(b);
        off = Wire.HEADER_LENGTH;
        for (int q = Wire.qdcount(b); q > 0; q--) {
            off = Wire.skipName(b, off, limit);
            if (off < 0 || off + 4 > limit) {
                malformed = true;
                return false;
            }
            off += 4;
        }
        return true;
    }

    /** Advances to the next record; false at the end or on a malformed record. */
    public boolean next() {
        if (malformed || index >= total) {
            return false;
        }
        recordStart = off;
        int p = Wire.skipName(b, off, limit);
        if (p < 0 || p + 10 > limit) {
            malformed = true;
            return false;
        }
        type = Wire.u16(b, p);
        ttlOffset = p + 4;
        rdlength = Wire.u16(b, p + 8);
        rdataOffset = p + 10;
        off = rdataOffset + rdlength;
        if (off > limit) {
            malformed = true;
            return false;
        }
        index++;
        return true;
    }

    public boolean malformed() {
        return malformed;
    }

    /** The section of the current record: {@link #ANSWER}, {@link #AUTHORITY} or {@link #ADDITIONAL}. */
    public int section() {
        int i = index - 1;
        return i < answers ? ANSWER : i < answers + authorities ? AUTHORITY : ADDITIONAL;
    }

    public int recordStart() {
        return recordStart;
    }

    /** Offset just past the current record. */
    public int recordEnd() {
        return off;
    }

    public int type() {
        return type;
    }

    public int ttlOffset() {
        return ttlOffset;
    }

    public long ttl() {
        return Wire.u32(b, ttlOffset);
    }

    public int rdataOffset() {
        return rdataOffset;
    }

    public int rdlength() {
        return rdlength;
    }
}
