package io.nodecache.dns.wire;

/** Offsets, flags and primitive reads/writes of the DNS header (RFC 1035 §4.1.1). */
public final class Wire {

    public static final int HEADER_LENGTH = 12;
    public static final int MAX_NAME_LENGTH = 255;
    public static final int TYPE_OPT = 41;
    public static final int TYPE_SOA = 6;

    public static final int FLAG_QR = 0x8000;
    public static final int FLAG_AA = 0x0400;
    public static final int FLAG_TC = 0x0200;
    public static final int FLAG_RD = 0x0100;
    public static final int FLAG_RA = 0x0080;
    public static final int FLAG_Z = 0x0040;
    public static final int FLAG_AD = 0x0020;
    public static final int FLAG_CD = 0x0010;

    private Wire() {}

    public static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    public static long u32(byte[] b, int off) {
        return ((long) (b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8)
                | (b[off + 3] & 0xFF);
    }

    public static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    public static int id(byte[] b) {
        return u16(b, 0);
    }

    public static int flags(byte[] b) {
        return u16(b, 2);
    }

    public static int rcode(byte[] b) {
        return u16(b, 2) & 0xF;
    }

    public static int opcode(int flags) {
        return (flags >>> 11) & 0xF;
    }

    public static int qdcount(byte[] b) {
        return u16(b, 4);
    }

    public static int ancount(byte[] b) {
        return u16(b, 6);
    }

    public static int nscount(byte[] b) {
        return u16(b, 8);
    }

    public static int arcount(byte[] b) {
        return u16(b, 10);
    }

    /**
     * Returns the offset just past the (possibly compressed) name starting at {@code off}, or -1 when the name runs
     * past {@code limit} or uses a label type RFC 6891 retired.
     */
    public static int skipName(byte[] b, int off, int limit) {
        while (off < limit) {
            int len = b[off] & 0xFF;
            if (len == 0) {
                return off + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                return off + 2 <= limit ? off + 2 : -1;
            }
            if ((len & 0xC0) != 0) {
                return -1;
            }
            off += 1 + len;
        }
        return -1;
    }

    /** ASCII lower-casing of one name byte; DNS names compare case-insensitively in ASCII only (RFC 4343). */
    public static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
