package io.nodecache.querylog;

import io.nodecache.dns.event.QueryFields;
import io.nodecache.dns.server.Transport;
import io.nodecache.dns.wire.Names;
import io.nodecache.dns.wire.Wire;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Formats a query event as the CoreDNS {@code log} plugin's common log format:
 * {@code [INFO] {remote}:{port} - {>id} "{type} {class} {name} {proto} {size} {>do} {>bufsize}" {rcode} {>rflags}
 * {rsize} {duration}}.
 */
public final class CoreDnsLogFormat {

    /** Room a line needs: a name escaped at worst ({@link Names#MAX_TEXT_LENGTH}) plus every other field. */
    public static final int MAX_LINE = Names.MAX_TEXT_LENGTH + 512;

    private static final byte[] INFO = ascii("[INFO] ");
    private static final byte[][] PROTOS = java.util.Arrays.stream(Transport.values())
            .map(t -> ascii(t.label())).toArray(byte[][]::new);
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[][] FLAG_NAMES = {ascii("qr"), ascii("aa"), ascii("tc"), ascii("rd"), ascii("ra"),
        ascii("z"), ascii("ad"), ascii("cd")};
    private static final int[] FLAG_BITS = {Wire.FLAG_QR, Wire.FLAG_AA, Wire.FLAG_TC, Wire.FLAG_RD, Wire.FLAG_RA,
        Wire.FLAG_Z, Wire.FLAG_AD, Wire.FLAG_CD};

    private CoreDnsLogFormat() {}

    public static String format(QueryFields e) {
        byte[] line = new byte[MAX_LINE];
        return new String(line, 0, write(e, line, 0), StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes the line (without a newline) as ASCII into {@code dst} at {@code pos}, which has {@link #MAX_LINE}
     * bytes of room, and returns the position after it. The query log writes straight from the event's ring slot
     * into its batch: no event object, no String, no encoding step per line.
     */
    public static int write(QueryFields e, byte[] dst, int pos) {
        pos = put(INFO, dst, pos);
        InetAddress client = e.clientAddress();
        // CoreDNS brackets IPv6 remotes (RFC 3986) and prints them as Go does, in RFC 5952's short form.
        if (client instanceof Inet6Address) {
            dst[pos++] = '[';
            pos = writeIpv6(client.getAddress(), dst, pos);
            dst[pos++] = ']';
        } else if (client instanceof Inet4Address) {
            // An Inet4Address's hash code is its address: no String, no byte array per line.
            int a = client.hashCode();
            pos = writeLong(a >>> 24, dst, pos);
            dst[pos++] = '.';
            pos = writeLong((a >>> 16) & 0xFF, dst, pos);
            dst[pos++] = '.';
            pos = writeLong((a >>> 8) & 0xFF, dst, pos);
            dst[pos++] = '.';
            pos = writeLong(a & 0xFF, dst, pos);
        } else {
            dst[pos++] = '-';
        }
        dst[pos++] = ':';
        pos = writeLong(e.clientPort(), dst, pos);
        dst[pos++] = ' ';
        dst[pos++] = '-';
        dst[pos++] = ' ';
        pos = writeLong(e.id(), dst, pos);
        dst[pos++] = ' ';
        dst[pos++] = '"';
        pos = put(TYPES.text(e.qtype()), dst, pos);
        dst[pos++] = ' ';
        pos = put(CLASSES.text(e.qclass()), dst, pos);
        dst[pos++] = ' ';
        pos = e.writeQname(dst, pos);
        dst[pos++] = ' ';
        pos = put(PROTOS[e.transport().ordinal()], dst, pos);
        dst[pos++] = ' ';
        pos = writeLong(e.requestSize(), dst, pos);
        dst[pos++] = ' ';
        pos = put(e.dnssecOk() ? TRUE : FALSE, dst, pos);
        dst[pos++] = ' ';
        pos = writeLong(e.udpSize(), dst, pos);
        dst[pos++] = '"';
        dst[pos++] = ' ';
        pos = put(RCODES.text(e.rcode()), dst, pos);
        dst[pos++] = ' ';
        pos = writeFlags(e.responseFlags(), dst, pos);
        dst[pos++] = ' ';
        pos = writeLong(e.responseSize(), dst, pos);
        dst[pos++] = ' ';
        return writeSeconds(e.durationNanos(), dst, pos);
    }

    /** Response flags in CoreDNS's order and spelling: qr,aa,tc,rd,ra,z,ad,cd. */
    public static String flagsText(int flags) {
        byte[] b = new byte[32];
        return new String(b, 0, writeFlags(flags, b, 0), StandardCharsets.ISO_8859_1);
    }

    private static int writeFlags(int flags, byte[] dst, int pos) {
        int start = pos;
        for (int i = 0; i < FLAG_BITS.length; i++) {
            if ((flags & FLAG_BITS[i]) != 0) {
                if (pos > start) {
                    dst[pos++] = ',';
                }
                pos = put(FLAG_NAMES[i], dst, pos);
            }
        }
        return pos;
    }

    /** RFC 5952 §4: lower-case hex, no leading zeros, the longest run of two or more zero groups as "::". */
    static String ipv6Text(byte[] address) {
        byte[] b = new byte[48];
        return new String(b, 0, writeIpv6(address, b, 0), StandardCharsets.ISO_8859_1);
    }

    private static int writeIpv6(byte[] a, byte[] dst, int pos) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && group(a, j) == 0) {
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
                dst[pos++] = ':';
                dst[pos++] = ':';
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) {
                dst[pos++] = ':';
            }
            pos = writeHex(group(a, i), dst, pos);
        }
        return pos;
    }

    private static int group(byte[] a, int i) {
        return ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
    }

    private static int writeHex(int v, byte[] dst, int pos) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int d = (v >>> shift) & 0xF;
            if (d != 0 || started || shift == 0) {
                dst[pos++] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
                started = true;
            }
        }
        return pos;
    }

    /**
     * Seconds as Go's {@code strconv.FormatFloat(d.Seconds(), 'f', -1, 64)} prints them: the shortest decimal, no
     * exponent, then "s". A whole number of nanoseconds below 2^53 has that shortest form in its exact decimal.
     */
    static int writeSeconds(long nanos, byte[] dst, int pos) {
        pos = writeLong(nanos / 1_000_000_000L, dst, pos);
        long frac = nanos % 1_000_000_000L;
        if (frac != 0) {
            int digits = 9;
            while (frac % 10 == 0) {
                frac /= 10;
                digits--;
            }
            dst[pos++] = '.';
            for (int i = digits - 1; i >= 0; i--) {
                dst[pos + i] = (byte) ('0' + frac % 10);
                frac /= 10;
            }
            pos += digits;
        }
        dst[pos++] = 's';
        return pos;
    }

    static int writeLong(long v, byte[] dst, int pos) {
        if (v < 0) {
            dst[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long p = 10; p <= v && digits < 19; p *= 10) {
            digits++;
        }
        for (int i = digits - 1; i >= 0; i--) {
            dst[pos + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return pos + digits;
    }

    private static int put(byte[] src, byte[] dst, int pos) {
        System.arraycopy(src, 0, dst, pos, src.length);
        return pos + src.length;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static final Mnemonics TYPES = new Mnemonics(Type::string);
    private static final Mnemonics CLASSES = new Mnemonics(DClass::string);
    private static final Mnemonics RCODES = new Mnemonics(Rcode::string);

    /** dnsjava's names for the common small values as bytes, looked up once instead of per line. */
    private static final class Mnemonics {
        private final byte[][] names = new byte[256][];
        private final java.util.function.IntFunction<String> lookup;

        Mnemonics(java.util.function.IntFunction<String> lookup) {
            this.lookup = lookup;
            for (int i = 0; i < names.length; i++) {
                names[i] = ascii(lookup.apply(i));
            }
        }

        byte[] text(int value) {
            return value >= 0 && value < names.length ? names[value] : ascii(lookup.apply(value));
        }
    }
}
