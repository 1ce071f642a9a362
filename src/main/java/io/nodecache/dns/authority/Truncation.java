package io.nodecache.dns.authority;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Fits responses into a UDP datagram the client can take, and builds the fallback SERVFAIL. */
final class Truncation {

    /** RFC 1035 §4.2.1: without EDNS a UDP message is at most 512 bytes. */
    static final int CLASSIC_UDP_SIZE = 512;

    private Truncation() {
    }

    /** The largest UDP response {@code query} accepts: 512, or its EDNS payload size (RFC 6891 §6.2.5). */
    static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) {
            return CLASSIC_UDP_SIZE;
        }
        return Math.min(65535, Math.max(CLASSIC_UDP_SIZE, opt.getPayloadSize()));
    }

    /**
     * Returns the wire form of {@code response} for UDP; when it does not fit, the header with TC set, the question
     * and the OPT record only, so the client retries over TCP (RFC 1035 §4.2.1, RFC 2181 §9).
     */
    static byte[] forUdp(Message query, Message response) {
        byte[] wire = response.toWire();
        int limit = udpLimit(query);
        if (wire.length <= limit) {
            return wire;
        }
        Message truncated = headerOnly(response);
        truncated.getHeader().setFlag(Flags.TC);
        OPTRecord opt = response.getOPT();
        if (opt != null) {
            truncated.addRecord(opt, Section.ADDITIONAL);
        }
        byte[] small = truncated.toWire();
        // A question alone cannot outgrow 512 bytes (a name is at most 255), but never send more than allowed.
        return small.length <= limit ? small : truncated.toWire(limit);
    }

    /** A SERVFAIL for {@code query}, for when the handler itself failed. */
    static Message servfail(Message query) {
        Message response = new Message(query.getHeader().getID());
        Header header = response.getHeader();
        header.setFlag(Flags.QR);
        header.setOpcode(query.getHeader().getOpcode());
        if (query.getHeader().getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        header.setRcode(Rcode.SERVFAIL);
        return response;
    }

    /** Copies the header (id, opcode, flags, rcode) and question of {@code message}, with empty other sections. */
    static Message headerOnly(Message message) {
        Header from = message.getHeader();
        Message copy = new Message(from.getID());
        Header to = copy.getHeader();
        to.setOpcode(from.getOpcode());
        to.setRcode(from.getRcode());
        for (int flag = 0; flag < 16; flag++) {
            if (Flags.isFlag(flag) && from.getFlag(flag)) {
                to.setFlag(flag);
            }
        }
        for (Record question : message.getSection(Section.QUESTION)) {
            copy.addRecord(question, Section.QUESTION);
        }
        return copy;
    }
}
