package io.nodecache.corefile;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.Address;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Reads argument values (counts, integers, durations, addresses, zones) and turns bad ones into a
 * {@link CorefileException} on the line of the word at fault.
 */
final class Args {

    private static final byte[] ANY_V4 = {0, 0, 0, 0};

    private final String source;

    Args(String source) {
        this.source = source;
    }

    CorefileException fail(int line, String message) {
        return new CorefileException(source, line, message);
    }

    CorefileException fail(Token at, String message) {
        return fail(at.line(), message);
    }

    /** Fails unless {@code d} has between {@code min} and {@code max} arguments. */
    void count(Directive d, String what, int min, int max) throws CorefileException {
        int n = d.args().size();
        if (n < min) {
            throw fail(d.name(), what + ": expected " + (min == max ? "" : "at least ") + min + " argument"
                    + (min == 1 ? "" : "s") + ", got " + n);
        }
        if (n > max) {
            Token extra = d.args().get(max);
            throw fail(extra, what + ": unexpected argument '" + extra.text() + "' (at most " + max + " allowed)");
        }
    }

    /** Fails if {@code d} opens a block. */
    void noBlock(Directive d, String what) throws CorefileException {
        if (d.block() != null) {
            throw fail(d.name(), what + ": takes no block of options");
        }
    }

    int integer(Token t, String what, int min) throws CorefileException {
        int value;
        try {
            value = Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw fail(t, what + " must be an integer, got '" + t.text() + "'");
        }
        if (value < min) {
            throw fail(t, what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    Duration duration(Token t, String what) throws CorefileException {
        Duration d;
        try {
            d = GoDuration.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw fail(t, what + ": '" + t.text() + "' is not a duration (e.g. 30s, 1m, 1h30m, 500ms)");
        }
        if (d.isNegative()) {
            throw fail(t, what + " can't be negative: " + t.text());
        }
        return d;
    }

    /** Parses an IPv4 or IPv6 literal; a host or interface name is refused, as resolving it here would be a guess. */
    static InetAddress ipLiteral(String text) {
        try {
            return Address.getByAddress(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Lower-cases {@code zone} and makes it absolute; {@code "."} stays the root. */
    String zone(Token t, String what) throws CorefileException {
        String z = t.text().toLowerCase(java.util.Locale.ROOT);
        if (!z.endsWith(".")) {
            z = z + ".";
        }
        try {
            Name.fromString(z);
        } catch (TextParseException e) {
            throw fail(t, what + ": '" + t.text() + "' is not a valid zone name");
        }
        if (z.startsWith(".") && !z.equals(".")) {
            throw fail(t, what + ": '" + t.text() + "' is not a valid zone name");
        }
        return z;
    }

    /**
     * Parses a listen address as CoreDNS's health and prometheus plugins take it: {@code HOST:PORT} where HOST is an
     * IP literal, {@code [IPv6]}, {@code localhost}, or empty for every IPv4 address.
     */
    InetSocketAddress listenAddress(Token t, String what) throws CorefileException {
        String text = t.text();
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw fail(t, what + ": '" + text + "' has no port (write HOST:PORT, or :PORT for every address)");
        }
        String host = text.substring(0, colon);
        int port = port(t, text.substring(colon + 1), what, 0);
        InetAddress address;
        if (host.isEmpty()) {
            address = address(ANY_V4);
        } else if (host.equalsIgnoreCase("localhost")) {
            // CoreDNS's prometheus default; resolving it would ask the DNS we are configuring, so pin it.
            address = address(new byte[] {127, 0, 0, 1});
        } else {
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw fail(t, what + ": IPv6 address in '" + text + "' must be in brackets, e.g. [::1]:8080");
            }
            address = ipLiteral(host);
            if (address == null) {
                throw fail(t, what + ": '" + host + "' is not an IP address");
            }
        }
        return new InetSocketAddress(address, port);
    }

    int port(Token t, String text, String what, int min) throws CorefileException {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw fail(t, what + ": '" + text + "' in '" + t.text() + "' is not a port number");
        }
        if (port < min || port > 65535) {
            throw fail(t, what + ": port " + port + " in '" + t.text() + "' is out of range " + min + "-65535");
        }
        return port;
    }

    static String words(List<Token> tokens) {
        return String.join(" ", tokens.stream().map(Token::text).toList());
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only thrown for a wrong length
        }
    }
}
