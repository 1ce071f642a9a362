package io.nodecache.dns.wire;

/**
 * Builds the bytes a client receives: error answers from its query, and client-shaped copies of full responses
 * (its ID and question case, its EDNS, truncated to what it can take).
 */
public final class Responses {

    /** The UDP payload size nodecache advertises and asks upstreams for (the DNS Flag Day 2020 value). */
    public static final int ADVERTISED_UDP_SIZE = 1232;
    private static final int OPT_LENGTH = 11;

    private Responses() {}

    /**
     * Writes an answer with {@code rcode} and no records for query {@code q} into {@code out}: ID, opcode, RD and
     * CD copied as a reply does, the question when it was readable, and an OPT when the client sent one.
     */
    public static int error(QueryView q, int rcode, byte[] out) {
        byte[] in = q.packet();
        int flags = Wire.FLAG_QR | (q.flags() & (0x7800 | Wire.FLAG_RD | Wire.FLAG_CD)) | (rcode & 0xF);
        Wire.putU16(out, 0, q.id());
        Wire.putU16(out, 2, flags);
        int qd = q.questionEnd() > 0 ? 1 : 0;
        Wire.putU16(out, 4, qd);
        Wire.putU16(out, 6, 0);
        Wire.putU16(out, 8, 0);
        Wire.putU16(out, 10, 0);
        int len = Wire.HEADER_LENGTH;
        if (qd == 1) {
            int qlen = q.questionEnd() - Wire.HEADER_LENGTH;
            System.arraycopy(in, Wire.HEADER_LENGTH, out, len, qlen);
            len += qlen;
            if (q.edns()) {
                len = appendOpt(out, len, q.dnssecOk());
            }
        }
        return len;
    }

    /** Appends nodecache's OPT record (RFC 6891 §6.1.2) at {@code len} and bumps ARCOUNT; returns the new length. */
    public static int appendOpt(byte[] out, int len, boolean dnssecOk) {
        out[len] = 0;
        Wire.putU16(out, len + 1, Wire.TYPE_OPT);
        Wire.putU16(out, len + 3, ADVERTISED_UDP_SIZE);
        out[len + 5] = 0;
        out[len + 6] = 0;
        Wire.putU16(out, len + 7, dnssecOk ? 0x8000 : 0);
        Wire.putU16(out, len + 9, 0);
        Wire.putU16(out, 10, Wire.arcount(out) + 1);
        return len + OPT_LENGTH;
    }

    /**
     * Copies response {@code msg} for client query {@code q} into {@code out}: the client's ID and question bytes
     * (its case, RFC 4343 §4), upstream OPT records replaced by ours when the client used EDNS, and TC with empty
     * sections when the result exceeds {@code limit} (RFC 2181 §9). Returns the length, or -1 if {@code msg} is
     * malformed or answers another question.
     *
     * @param out at least {@code msgLen + 11} bytes
     */
    public static int shape(QueryView q, byte[] msg, int msgLen, byte[] out, int limit, RecordWalker walker) {
        if (!walker.reset(msg, msgLen) || Wire.qdcount(msg) != 1) {
            return -1;
        }
        byte[] in = q.packet();
        int qlen = q.questionEnd() - Wire.HEADER_LENGTH;
        if (msgLen < q.questionEnd() || !q.qnameEqualsIgnoreCase(msg, Wire.HEADER_LENGTH, q.qnameLength())
                || Wire.u16(msg, q.qnameEnd()) != q.qtype() || Wire.u16(msg, q.qnameEnd() + 2) != q.qclass()) {
            return -1;
        }
        System.arraycopy(msg, 0, out, 0, Wire.HEADER_LENGTH);
        Wire.putU16(out, 0, q.id());
        System.arraycopy(in, Wire.HEADER_LENGTH, out, Wire.HEADER_LENGTH, qlen);
        int len = q.questionEnd();
        int additional = 0;
        while (walker.next()) {
            if (walker.section() == RecordWalker.ADDITIONAL) {
                if (walker.type() == Wire.TYPE_OPT) {
                    continue;
                }
                additional++;
            }
            int n = walker.recordEnd() - walker.recordStart();
            System.arraycopy(msg, walker.recordStart(), out, len, n);
            len += n;
        }
        if (walker.malformed()) {
            return -1;
        }
        Wire.putU16(out, 10, additional);
        if (q.edns()) {
            len = appendOpt(out, len, q.dnssecOk());
        }
        return len <= limit ? len : truncate(q, out, limit);
    }

    /** Rewrites {@code out} (already holding the full answer's header) as header + question + OPT with TC set. */
    public static int truncate(QueryView q, byte[] out, int limit) {
        Wire.putU16(out, 2, Wire.flags(out) | Wire.FLAG_TC);
        Wire.putU16(out, 6, 0);
        Wire.putU16(out, 8, 0);
        Wire.putU16(out, 10, 0);
        int len = q.questionEnd();
        System.arraycopy(q.packet(), Wire.HEADER_LENGTH, out, Wire.HEADER_LENGTH, len - Wire.HEADER_LENGTH);
        return q.edns() ? appendOpt(out, len, q.dnssecOk()) : len;
    }

    /**
     * Writes the query nodecache sends upstream for {@code q}: the client's question (case as asked), RD and CD as
     * the client set them, and our OPT asking for {@link #ADVERTISED_UDP_SIZE} bytes with the client's DO bit.
     */
    public static int upstreamQuery(QueryView q, byte[] out) {
        int qend = q.questionEnd();
        System.arraycopy(q.packet(), 0, out, 0, qend);
        Wire.putU16(out, 2, q.flags() & (Wire.FLAG_RD | Wire.FLAG_CD));
        Wire.putU16(out, 4, 1);
        Wire.putU16(out, 6, 0);
        Wire.putU16(out, 8, 0);
        Wire.putU16(out, 10, 0);
        return appendOpt(out, qend, q.dnssecOk());
    }
}
