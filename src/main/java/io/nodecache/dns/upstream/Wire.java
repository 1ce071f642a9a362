package io.nodecache.dns.upstream;

import io.nodecache.dns.wire.RecordWalker;

/**
 * Reads and writes the few header and question fields forwarding needs, straight on the wire bytes
 * (RFC 1035 section 4.1), so a reply is checked without parsing it into records.
 */
final class Wire {

    static final int HEADER = 12;

    private static final int MAX_POINTERS = 32;

    private Wire() {
    }

    static int id(byte[] m) {
        return ((m[0] & 0xff) << 8) | (m[1] & 0xff);
    }

    static void setId(byte[] m, int id) {
        m[0] = (byte) (id >>> 8);
        m[1] = (byte) id;
    }

    static int rcode(byte[] m) {
        return m[3] & 0x0f;
    }

    static boolean truncated(byte[] m) {
        return (m[2] & 0x02) != 0;
    }

    static boolean isResponse(byte[] m) {
        return (m[2] & 0x80) != 0;
    }

    static int questionCount(byte[] m) {
        return ((m[4] & 0xff) << 8) | (m[5] & 0xff);
    }

    /** {@code . IN NS} with RD set, the query CoreDNS's health check sends. */
    static byte[] healthCheckQuery(int id) {
        byte[] m = new byte[HEADER + 5];
        setId(m, id);
        m[2] = 0x01; // RD
        m[5] = 1; // QDCOUNT
        // root name is the single zero byte at 12
        m[14] = 2; // NS
        m[16] = 1; // IN
        return m;
    }

    /**
     * Whether {@code reply} answers {@code query}: it is a response, carries the query's ID, and its question has the
     * same name (ASCII case-insensitively, RFC 4343), type and class. A reply without a question (some servers send
     * FORMERR or NOTIMP that way) matches on the ID alone, as CoreDNS's {@code request.Match} does.
     */
    static boolean answers(byte[] query, int queryLength, byte[] reply, int replyLength) {
        if (replyLength < HEADER || queryLength < HEADER) {
            return false;
        }
        if (reply[0] != query[0] || reply[1] != query[1] || !isResponse(reply)) {
            return false;
        }
        if (questionCount(reply) == 0) {
            return true;
        }
        if (questionCount(query) == 0) {
            return false;
        }
        int q = HEADER;
        int r = HEADER;
        int qEnd = -1;
        int rEnd = -1;
        int hops = 0;
        while (true) {
            // follow compression pointers on either side; remember where each name ends in the message
            while (q < queryLength && (query[q] & 0xc0) == 0xc0) {
                if (q + 1 >= queryLength || ++hops > MAX_POINTERS) {
                    return false;
                }
                if (qEnd < 0) {
                    qEnd = q + 2;
                }
                q = ((query[q] & 0x3f) << 8) | (query[q + 1] & 0xff);
            }
            while (r < replyLength && (reply[r] & 0xc0) == 0xc0) {
                if (r + 1 >= replyLength || ++hops > MAX_POINTERS) {
                    return false;
                }
                if (rEnd < 0) {
                    rEnd = r + 2;
                }
                r = ((reply[r] & 0x3f) << 8) | (reply[r + 1] & 0xff);
            }
            if (q >= queryLength || r >= replyLength) {
                return false;
            }
            int len = query[q] & 0xff;
            if ((len & 0xc0) != 0 || len != (reply[r] & 0xff)) {
                return false;
            }
            if (q + 1 + len > queryLength || r + 1 + len > replyLength) {
                return false;
            }
            for (int i = 1; i <= len; i++) {
                if (lower(query[q + i]) != lower(reply[r + i])) {
                    return false;
                }
            }
            q += 1 + len;
            r += 1 + len;
            if (len == 0) {
                break;
            }
        }
        if (qEnd < 0) {
            qEnd = q;
        }
        if (rEnd < 0) {
            rEnd = r;
        }
        if (qEnd + 4 > queryLength || rEnd + 4 > replyLength) {
            return false;
        }
        for (int i = 0; i < 4; i++) { // QTYPE and QCLASS
            if (query[qEnd + i] != reply[rEnd + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code reply} can be read to the end of its records: the question and every record the header counts
     * lie within the message (miekg/dns, under CoreDNS, fails an attempt whose reply does not unpack). Trailing
     * bytes are tolerated as miekg/dns does. {@code walker} is the caller's own, so nothing is allocated.
     */
    static boolean wellFormed(RecordWalker walker, byte[] reply, int length) {
        if (!walker.reset(reply, length)) {
            return false;
        }
        while (walker.next()) {
            // walking is the check
        }
        return !walker.malformed();
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}
