package io.nodecache.dns.wire;

/** Conversions of uncompressed wire names for logging and zone matching. */
public final class Names {

    private Names() {}

    /** The longest text {@link #writeText} can produce: 255 wire bytes, each escaped as {@code \DDD}. */
    public static final int MAX_TEXT_LENGTH = 4 * 255 + 1;

    /**
     * Renders an uncompressed wire name {@code b[from, to)} as text with a trailing dot, escaping as RFC 4343 and
     * CoreDNS's log do ({@code \.} inside a label, {@code \DDD} for unprintable bytes).
     */
    public static String toText(byte[] b, int from, int to) {
        byte[] out = new byte[Math.min(MAX_TEXT_LENGTH, 4 * Math.max(1, to - from))];
        int n = writeText(b, from, to, out, 0);
        return new String(out, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes {@link #toText}'s text as ASCII bytes into {@code dst} at {@code pos} (room for
     * {@link #MAX_TEXT_LENGTH} bytes) and returns the position after it: the query log formats names straight from
     * the event's wire bytes, with no String per line.
     */
    public static int writeText(byte[] b, int from, int to, byte[] dst, int pos) {
        int start = pos;
        int off = from;
        while (off < to) {
            int len = b[off] & 0xFF;
            if (len == 0) {
                break;
            }
            for (int i = off + 1; i <= off + len && i < to; i++) {
                int c = b[i] & 0xFF;
                if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == ' ' || c == '@') {
                    dst[pos++] = '\\';
                    dst[pos++] = (byte) c;
                } else if (c < 0x21 || c > 0x7E) {
                    dst[pos++] = '\\';
                    dst[pos++] = (byte) ('0' + c / 100);
                    dst[pos++] = (byte) ('0' + c / 10 % 10);
                    dst[pos++] = (byte) ('0' + c % 10);
                } else {
                    dst[pos++] = (byte) c;
                }
            }
            dst[pos++] = '.';
            off += 1 + len;
        }
        if (pos == start) {
            dst[pos++] = '.';
        }
        return pos;
    }

    /**
     * Whether the uncompressed wire name {@code b[from, to)} equals or lies under {@code zone}, given as lower-case
     * wire bytes; ASCII case is ignored.
     */
    public static boolean isSubdomain(byte[] b, int from, int to, byte[] zone) {
        int nameLen = to - from;
        if (zone.length > nameLen) {
            return false;
        }
        int start = to - zone.length;
        for (int i = 0; i < zone.length; i++) {
            if (Wire.lower(b[start + i] & 0xFF) != zone[i]) {
                return false;
            }
        }
        // The suffix must start on a label boundary: walk labels from the front until we reach it.
        int off = from;
        while (off < start) {
            off += 1 + (b[off] & 0xFF);
        }
        return off == start;
    }

    /** Encodes a lower-cased absolute name like {@code "cluster.local."} as uncompressed wire bytes. */
    public static byte[] toWire(String absoluteName) {
        String name = absoluteName.toLowerCase(java.util.Locale.ROOT);
        if (name.equals(".")) {
            return new byte[] {0};
        }
        if (!name.endsWith(".")) {
            name = name + ".";
        }
        byte[] out = new byte[name.length() + 1];
        int pos = 0;
        for (String label : name.substring(0, name.length() - 1).split("\\.", -1)) {
            byte[] bytes = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            out[pos++] = (byte) bytes.length;
            System.arraycopy(bytes, 0, out, pos, bytes.length);
            pos += bytes.length;
        }
        out[pos] = 0;
        return out;
    }
}
