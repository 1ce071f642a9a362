package io.nodecache.corefile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the parts of a {@code resolv.conf} a node cache needs: its nameservers (the upstreams for names outside the
 * cluster) and its search list and {@code ndots} (to recognise search-path expansion).
 *
 * @param nameservers IPv4 and IPv6 addresses from {@code nameserver} lines, in file order
 * @param search      the search domains, from the last {@code search} or {@code domain} line (as glibc does)
 * @param ndots       {@code options ndots:N} (default 1, capped at 15 as glibc does)
 */
public record ResolvConf(List<String> nameservers, List<String> search, int ndots) {

    static final int DEFAULT_NDOTS = 1;
    static final int MAX_NDOTS = 15;

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
    }

    /** Returns the nameserver addresses of {@code resolvConf}; a missing file has none. */
    public static List<String> nameservers(Path resolvConf) {
        return read(resolvConf).nameservers();
    }

    /** Reads {@code resolvConf}; a missing file reads as empty, with the defaults. */
    public static ResolvConf read(Path resolvConf) {
        try {
            return parse(Files.readString(resolvConf));
        } catch (NoSuchFileException e) {
            return parse("");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resolvConf, e);
        }
    }

    /**
     * Parses resolv.conf text. Lines it does not understand are skipped, as the C resolver skips them; a nameserver
     * that is not an IP address literal is skipped too.
     */
    public static ResolvConf parse(String text) {
        List<String> nameservers = new ArrayList<>();
        List<String> search = List.of();
        int ndots = DEFAULT_NDOTS;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] words = line.split("\\s+");
            switch (words[0]) {
                case "nameserver" -> {
                    if (words.length > 1 && isAddress(words[1])) {
                        nameservers.add(words[1]);
                    }
                }
                case "search", "domain" -> search = List.of(words).subList(1, words.length);
                case "options" -> {
                    for (int i = 1; i < words.length; i++) {
                        if (words[i].startsWith("ndots:")) {
                            ndots = ndots(words[i].substring("ndots:".length()), ndots);
                        }
                    }
                }
                default -> { } // sortlist, lookup, ...: nothing a DNS cache uses
            }
        }
        return new ResolvConf(nameservers, search, ndots);
    }

    private static boolean isAddress(String word) {
        // An IPv6 link-local nameserver may carry a zone (fe80::1%eth0); the address part decides.
        int zone = word.indexOf('%');
        return Args.ipLiteral(zone < 0 ? word : word.substring(0, zone)) != null;
    }

    private static int ndots(String value, int current) {
        try {
            return Math.min(Math.max(Integer.parseInt(value), 0), MAX_NDOTS);
        } catch (NumberFormatException e) {
            return current;
        }
    }
}
