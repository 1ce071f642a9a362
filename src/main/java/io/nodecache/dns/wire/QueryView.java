package io.nodecache.dns.wire;

/**
 * A reusable, allocation-free view of one incoming query: header fields, the question and the client's EDNS
 * options, read straight from the packet bytes.
 *
 * <p>One instance belongs to one receive thread and is overwritten by every {@link #parse} call; copy what must
 * outlive the call.
 */
public final class QueryView {

    /** What {@link #parse} concluded about a packet. */
    public enum Verdict {
        /** A well-formed standard query. */
        OK,
        /** Too short or otherwise unreadable, or itself a response: drop it and count it. */
        DROP,
        /** The header is readable but the query is not (QDCOUNT≠1, bad name, bad OPT): answer FORMERR. */
        FORMERR,
        /** An opcode other than QUERY: answer NOTIMP. */
        NOTIMP
    }

    /** EDNS payload size assumed for clients that send no OPT record (RFC 1035 §4.2.1). */
    public static final int NO_EDNS_UDP_SIZE = 512;

    private byte[] packet;
    private int length;
    private int id;
    private int flags;
    private int questionEnd;
    private int qnameEnd;
    private int qtype;
    private int qclass;
    private int qnameHash;
    private boolean edns;
    private int udpSize;
    private boolean dnssecOk;
    private int ednsVersion;

    /** Reads {@code packet[0, length)}; the array is kept by reference until the next call. */
    public Verdict parse(byte[] packet, int length) {
        this.packet = packet;
        this.length = length;
        this.edns = false;
        this.udpSize = NO_EDNS_UDP_SIZE;
        this.dnssecOk = false;
        this.ednsVersion = 0;
        this.questionEnd = 0;
        if (length < Wire.HEADER_LENGTH) {
            return Verdict.DROP;
        }
        id = Wire.id(packet);
        flags = Wire.flags(packet);
        if ((flags & Wire.FLAG_QR) != 0) {
            return Verdict.DROP;
        }
        if (Wire.opcode(flags) != 0) {
            return Verdict.NOTIMP;
        }
        if (Wire.qdcount(packet) != 1) {
            return Verdict.FORMERR;
        }
        if (!readQuestion()) {
            return Verdict.FORMERR;
        }
        return readEdns() ? Verdict.OK : Verdict.FORMERR;
    }

    private boolean readQuestion() {
        int off = Wire.HEADER_LENGTH;
        int hash = 0x811C9DC5;
        while (true) {
            if (off >= length) {
                return false;
            }
            int len = packet[off] & 0xFF;
            // The question is the first name in the message: nothing precedes it to point at.
            if ((len & 0xC0) != 0) {
                return false;
            }
            hash = (hash ^ len) * 0x01000193;
            if (len == 0) {
                off++;
                break;
            }
            if (off + 1 + len > length) {
                return false;
            }
            for (int i = off + 1; i <= off + len; i++) {
                hash = (hash ^ Wire.lower(packet[i] & 0xFF)) * 0x01000193;
            }
            off += 1 + len;
            if (off - Wire.HEADER_LENGTH > Wire.MAX_NAME_LENGTH) {
                return false;
            }
        }
        if (off + 4 > length) {
            return false;
        }
        qnameEnd = off;
        qtype = Wire.u16(packet, off);
        qclass = Wire.u16(packet, off + 2);
        questionEnd = off + 4;
        qnameHash = hash;
        return true;
    }

    /**
     * Finds the OPT record (RFC 6891 §6.1.1) among the additional records. More than one, one outside the
     * additional section, one not owned by the root or options that do not exactly fill its RDATA are a FORMERR,
     * as BIND and CoreDNS (whose unpacking fails on a bad option length) answer them.
     */
    private boolean readEdns() {
        int records = Wire.ancount(packet) + Wire.nscount(packet);
        int additional = Wire.arcount(packet);
        int off = questionEnd;
        for (int i = 0; i < records + additional; i++) {
            int owner = off;
            off = Wire.skipName(packet, off, length);
            if (off < 0 || off + 10 > length) {
                return false;
            }
            int type = Wire.u16(packet, off);
            int rdlength = Wire.u16(packet, off + 8);
            if (type == Wire.TYPE_OPT) {
                if (i < records || edns || packet[owner] != 0 || off + 10 + rdlength > length
                        || !optionsFit(off + 10, rdlength)) {
                    return false;
                }
                edns = true;
                udpSize = Math.max(NO_EDNS_UDP_SIZE, Wire.u16(packet, off + 2));
                ednsVersion = packet[off + 5] & 0xFF;
                dnssecOk = (Wire.u16(packet, off + 6) & 0x8000) != 0;
            }
            off += 10 + rdlength;
            if (off > length) {
                return false;
            }
        }
        return true;
    }

    /** Whether the RDATA {@code [from, from + rdlength)} is a whole sequence of {code, length, data} options. */
    private boolean optionsFit(int from, int rdlength) {
        int off = from;
        int end = from + rdlength;
        while (off < end) {
            if (off + 4 > end) {
                return false;
            }
            off += 4 + Wire.u16(packet, off + 2);
        }
        return off == end;
    }

    public byte[] packet() {
        return packet;
    }

    public int length() {
        return length;
    }

    public int id() {
        return id;
    }

    public int flags() {
        return flags;
    }

    public boolean recursionDesired() {
        return (flags & Wire.FLAG_RD) != 0;
    }

    public boolean checkingDisabled() {
        return (flags & Wire.FLAG_CD) != 0;
    }

    /** Offset of the first byte after the question; 0 when no question was read. */
    public int questionEnd() {
        return questionEnd;
    }

    /** Offset just past the question name's root label. */
    public int qnameEnd() {
        return qnameEnd;
    }

    public int qnameLength() {
        return qnameEnd - Wire.HEADER_LENGTH;
    }

    public int qtype() {
        return qtype;
    }

    public int qclass() {
        return qclass;
    }

    /** FNV-1a over the lower-cased question name, for case-insensitive cache keys. */
    public int qnameHash() {
        return qnameHash;
    }

    public boolean edns() {
        return edns;
    }

    /** The client's advertised UDP payload size, at least 512. */
    public int udpSize() {
        return udpSize;
    }

    public boolean dnssecOk() {
        return dnssecOk;
    }

    public int ednsVersion() {
        return ednsVersion;
    }

    /** The question name in presentation form with a trailing dot, as asked (allocates: not for the hit path). */
    public String qname() {
        return Names.toText(packet, Wire.HEADER_LENGTH, qnameEnd);
    }

    /** Whether the question name equals, ignoring ASCII case, the wire name at {@code other[off]}. */
    public boolean qnameEqualsIgnoreCase(byte[] other, int off, int len) {
        if (len != qnameLength()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (Wire.lower(packet[Wire.HEADER_LENGTH + i] & 0xFF) != Wire.lower(other[off + i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }
}
