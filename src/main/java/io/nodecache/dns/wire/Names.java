package io.nodecache.dns.wire;

/** Conversions of uncompressed wire names for logging and zone matching. */
public final class Names {

    private Names() {}

    /**
     * Renders an uncompressed wire name {@code b[from, to)} as text with a trailing dot, escaping as RFC 4343 and
     * CoreDNS's log do ({@code \.} inside a label, {@code \DDD} for unprintable bytes).
     */
    public static String toText(byte[] b, int from, int to) {
        String plain = plainText(b, from, to);
        if (plain != null) {
            return plain;
        }
        StringBuilder sb = new StringBuilder(Math.max(1, to - from));
        int off = from;
        while (off < to) {
            int len = b[off] & 0xFF;
            if (len == 0) {
                break;
            }
            for (int i = off + 1; i <= off + len && i < to; i++) {
                int c = b[i] & 0xFF;
                if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == ' ' || c == '@') {
                    sb.append('\\').append((char) c);
                } else if (c < 0x21 || c > 0x7E) {
                    sb.append('\\').append((char) ('0' + c / 100)).append((char) ('0' + c / 10 % 10))
                            .append((char) ('0' + c % 10));
                } else {
                    sb.append((char) c);
                }
            }
            sb.append('.');
            off += 1 + len;
        }
        return sb.length() == 0 ? "." : sb.toString();
    }

    /**
     * The common case, names of letters, digits, '-' and '_': labels copied with dots for length bytes into one
     * Latin-1 string, no per-character appends (the event dispatcher does this for every event it builds).
     * Returns null when some byte needs escaping.
     */
    private static String plainText(byte[] b, int from, int to) {
        int n = to - from;
        if (n <= 1) {
            return ".";
        }
        byte[] out = new byte[n - 1];
        int off = from;
        int pos = 0;
        while (off < to) {
            int len = b[off] & 0xFF;
            if (len == 0) {
                break;
            }
            if (off + 1 + len > to) {
                return null;
            }
            for (int i = off + 1; i <= off + len; i++) {
                int c = b[i] & 0xFF;
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                    return null;
                }
                out[pos++] = (byte) c;
            }
            out[pos++] = '.';
            off += 1 + len;
        }
        return new String(out, 0, pos, java.nio.charset.StandardCharsets.ISO_8859_1);
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
