package io.nodecache.dns.upstream;

import java.net.InetSocketAddress;

/**
 * The reply an upstream gave to a forwarded query, with the caller's original ID restored.
 *
 * @param wire     the reply in wire format, exactly as long as the message
 * @param upstream the upstream that answered
 * @param overTcp  whether the answer came over TCP
 * @param rttNanos round-trip time of the attempt that produced this answer
 */
public record ForwardAnswer(byte[] wire, InetSocketAddress upstream, boolean overTcp, long rttNanos) {

    /** The reply's RCODE (header bits only; an extended RCODE in the OPT record is not folded in). */
    public int rcode() {
        return Wire.rcode(wire);
    }

    /** Whether the reply has the TC bit set (only possible over UDP). */
    public boolean truncated() {
        return Wire.truncated(wire);
    }
}
