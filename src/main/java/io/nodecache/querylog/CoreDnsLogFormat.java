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
        return appendTo(new StringBuilder(160), e).toString();
    }

    /** Appends the line (without a newline) to {@code sb}; the query log formats straight into its batch. */
    public static StringBuilder appendTo(StringBuilder sb, QueryEvent e) {
        sb.append("[INFO] ");
        // CoreDNS brackets IPv6 remotes (RFC 3986) and prints them as Go does, in RFC 5952's short form.
        if (e.clientAddress() instanceof Inet6Address) {
            sb.append('[');
            appendIpv6(sb, e.clientAddress().getAddress());
            sb.append(']');
        } else if (e.clientAddress() instanceof java.net.Inet4Address v4) {
            // An Inet4Address's hash code is its address: formatting from it allocates nothing, where
            // getHostAddress() built a String per line.
            int a = v4.hashCode();
            sb.append(a >>> 24).append('.').append((a >>> 16) & 0xFF).append('.').append((a >>> 8) & 0xFF)
                    .append('.').append(a & 0xFF);
        } else {
            sb.append("-");
        }
        sb.append(':').append(e.clientPort()).append(" - ").append(e.id()).append(" \"")
                .append(TYPES.text(e.qtype())).append(' ').append(CLASSES.text(e.qclass())).append(' ')
                .append(e.qname()).append(' ').append(e.transport().label()).append(' ').append(e.requestSize())
                .append(' ').append(e.dnssecOk()).append(' ').append(e.udpSize()).append("\" ")
                .append(RCODES.text(e.rcode())).append(' ');
        appendFlags(sb, e.responseFlags());
        sb.append(' ').append(e.responseSize()).append(' ');
        appendSeconds(sb, e.durationNanos());
        return sb;
    }

    /** RFC 5952 §4: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
    static void appendIpv6(StringBuilder sb, byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
    }

    /** Response flags in CoreDNS's order and spelling: qr,aa,tc,rd,ra,z,ad,cd. */
    public static void appendFlags(StringBuilder sb, int flags) {
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
            int digits = 9;
            while (frac % 10 == 0) {
                frac /= 10;
                digits--;
            }
            sb.append('.');
            for (long p = pow10(digits - 1); p > 0; p /= 10) {
                sb.append((char) ('0' + frac / p % 10));
            }
        }
        sb.append('s');
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static final Mnemonics TYPES = new Mnemonics(Type::string);
    private static final Mnemonics CLASSES = new Mnemonics(DClass::string);
    private static final Mnemonics RCODES = new Mnemonics(Rcode::string);

    /** dnsjava's names for the common small values, looked up once instead of boxed into a map per line. */
    private static final class Mnemonics {
        private final String[] names = new String[256];
        private final java.util.function.IntFunction<String> lookup;

        Mnemonics(java.util.function.IntFunction<String> lookup) {
            this.lookup = lookup;
            for (int i = 0; i < names.length; i++) {
                names[i] = lookup.apply(i);
            }
        }

        String text(int value) {
            return value >= 0 && value < names.length ? names[value] : lookup.apply(value);
        }
    }
}
