package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.wire.Wire;
import java.net.Inet6Address;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Formats a query event as the CoreDNS {@code log} plugin's common log format:
 * {@code [INFO] {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags}
 * {rsize} {duration}}.
 */
public final class CoreDnsLogFormat {

    private CoreDnsLogFormat() {}

    public static String format(QueryEvent e) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("[INFO] ");
        String ip = e.clientAddress() == null ? "-" : e.clientAddress().getHostAddress();
        // CoreDNS brackets IPv6 remotes (RFC 3986) and prints zone-less addresses.
        if (e.clientAddress() instanceof Inet6Address) {
            int zone = ip.indexOf('%');
            sb.append('[').append(zone >= 0 ? ip.substring(0, zone) : ip).append(']');
        } else {
            sb.append(ip);
        }
        sb.append(':').append(e.clientPort()).append(" - ").append(e.id()).append(" \"")
                .append(Type.string(e.qtype())).append(' ').append(DClass.string(e.qclass())).append(' ')
                .append(e.qname()).append(' ').append(e.transport().label()).append(' ').append(e.requestSize())
                .append(' ').append(e.dnssecOk()).append(' ').append(e.udpSize()).append("\" ")
                .append(Rcode.string(e.rcode())).append(' ');
        appendFlags(sb, e.responseFlags());
        sb.append(' ').append(e.responseSize()).append(' ');
        appendSeconds(sb, e.durationNanos());
        return sb.toString();
    }

    /** Response flags in CoreDNS's order and spelling: qr,aa,tc,rd,ra,z,ad,cd. */
    static void appendFlags(StringBuilder sb, int flags) {
        int start = sb.length();
        flag(sb, start, flags, Wire.FLAG_QR, "qr");
        flag(sb, start, flags, Wire.FLAG_AA, "aa");
        flag(sb, start, flags, Wire.FLAG_TC, "tc");
        flag(sb, start, flags, Wire.FLAG_RD, "rd");
        flag(sb, start, flags, Wire.FLAG_RA, "ra");
        flag(sb, start, flags, Wire.FLAG_Z, "z");
        flag(sb, start, flags, Wire.FLAG_AD, "ad");
        flag(sb, start, flags, Wire.FLAG_CD, "cd");
    }

    private static void flag(StringBuilder sb, int start, int flags, int bit, String name) {
        if ((flags & bit) != 0) {
            if (sb.length() > start) {
                sb.append(',');
            }
            sb.append(name);
        }
    }

    /**
     * Seconds as Go's {@code strconv.FormatFloat(d.Seconds(), 'f', -1, 64)} prints them: the shortest decimal, no
     * exponent, then "s". A whole number of nanoseconds below 2^53 has that shortest form in its exact decimal.
     */
    static void appendSeconds(StringBuilder sb, long nanos) {
        sb.append(nanos / 1_000_000_000L);
        long frac = nanos % 1_000_000_000L;
        if (frac != 0) {
            String digits = Long.toString(1_000_000_000L + frac).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(digits, 0, end);
        }
        sb.append('s');
    }
}
