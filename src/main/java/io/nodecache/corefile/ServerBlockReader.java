package io.nodecache.corefile;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Turns one {@link Structure.RawBlock} into a {@link ServerBlock}: its keys, then each directive. */
final class ServerBlockReader {

    static final int DEFAULT_PORT = 53;
    static final Duration DEFAULT_RELOAD = Duration.ofSeconds(30);
    /** CoreDNS's reload refuses a shorter interval, and a jitter between 0 and 1s. */
    static final Duration MIN_RELOAD = Duration.ofSeconds(2);
    static final Duration MIN_JITTER = Duration.ofSeconds(1);
    static final String DEFAULT_HEALTH = ":8080";
    static final String DEFAULT_PROMETHEUS = "localhost:9153";

    private final Args args;

    ServerBlockReader(Args args) {
        this.args = args;
    }

    ServerBlock read(Structure.RawBlock raw) throws CorefileException {
        List<String> zones = new ArrayList<>();
        Integer port = null;
        Token first = raw.keys().get(0);
        for (Token key : raw.keys()) {
            for (String part : key.text().split(",")) {
                if (part.isEmpty()) {
                    continue; // "a, b {": Caddy allows commas between keys
                }
                int keyPort = keyPort(key, part);
                if (port != null && port != keyPort) {
                    // CoreDNS would serve the block on each port; ServerBlock has a single port.
                    throw args.fail(key, "keys of one server block must share a port: " + Args.words(raw.keys()));
                }
                port = keyPort;
                String zone = keyZone(key, part);
                if (zones.contains(zone)) {
                    throw args.fail(key, "zone " + zone + " is listed twice in the server block key");
                }
                zones.add(zone);
            }
        }
        if (zones.isEmpty()) {
            throw args.fail(first, "server block key has no zone");
        }

        Set<String> seen = new HashSet<>();
        Set<InetAddress> binds = new LinkedHashSet<>();
        boolean errors = false;
        boolean log = false;
        boolean loop = false;
        Optional<CacheConfig> cache = Optional.empty();
        Optional<ForwardConfig> forward = Optional.empty();
        Optional<Duration> reload = Optional.empty();
        Optional<InetSocketAddress> health = Optional.empty();
        Duration lameduck = Duration.ZERO;
        Optional<InetSocketAddress> prometheus = Optional.empty();
        for (Directive d : raw.body()) {
            String name = d.text();
            if (!seen.add(name)) {
                throw args.fail(d.name(), "directive '" + name + "' is given twice in this server block");
            }
            if (!name.equals("cache") && !name.equals("forward") && !name.equals("health")) {
                args.noBlock(d, name);
            }
            switch (name) {
                case "errors" -> {
                    args.count(d, "errors", 0, 0);
                    errors = true;
                }
                case "log" -> {
                    args.count(d, "log", 0, 0);
                    log = true;
                }
                case "loop" -> {
                    args.count(d, "loop", 0, 0);
                    loop = true;
                }
                case "reload" -> reload = Optional.of(reload(d));
                case "bind" -> binds.addAll(bind(d));
                case "health" -> {
                    args.count(d, "health", 0, 1);
                    health = Optional.of(listen(d, "health", DEFAULT_HEALTH));
                    lameduck = lameduck(d);
                }
                case "prometheus" -> {
                    args.count(d, "prometheus", 0, 1);
                    prometheus = Optional.of(listen(d, "prometheus", DEFAULT_PROMETHEUS));
                }
                case "cache" -> cache = Optional.of(new CacheDirective(args).read(d, zones));
                case "forward" -> forward = Optional.of(new ForwardDirective(args).read(d));
                default -> throw args.fail(d.name(), "unknown directive '" + name + "'");
            }
        }
        return new ServerBlock(zones, port, List.copyOf(binds), errors, log, loop, cache, forward, reload, health,
                lameduck, prometheus, first.line());
    }

    /** CoreDNS's {@code health [ADDRESS] { lameduck DURATION }}: the only option the health plugin has. */
    private Duration lameduck(Directive d) throws CorefileException {
        Duration lameduck = Duration.ZERO;
        for (Directive o : d.block() == null ? List.<Directive>of() : d.block()) {
            if (!o.text().equals("lameduck")) {
                throw args.fail(o.name(), "health: unknown option '" + o.text() + "' (only lameduck)");
            }
            args.noBlock(o, "health lameduck");
            args.count(o, "health lameduck", 1, 1);
            lameduck = args.duration(o.args().get(0), "health lameduck");
        }
        return lameduck;
    }

    private int keyPort(Token key, String part) throws CorefileException {
        String hostPort = stripScheme(key, part);
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? DEFAULT_PORT : args.port(key, hostPort.substring(colon + 1), "server block key", 0);
    }

    private String keyZone(Token key, String part) throws CorefileException {
        String hostPort = stripScheme(key, part);
        int colon = hostPort.lastIndexOf(':');
        String zone = colon < 0 ? hostPort : hostPort.substring(0, colon);
        if (zone.isEmpty()) {
            throw args.fail(key, "server block key '" + key.text() + "' has no zone (write .:PORT for the root)");
        }
        if (zone.contains("/")) {
            throw args.fail(key, "server block key '" + key.text() + "': CIDR keys are not supported, write the "
                    + "reverse zone (e.g. in-addr.arpa)");
        }
        return args.zone(new Token(zone, key.line(), key.quoted()), "server block key");
    }

    private String stripScheme(Token key, String part) throws CorefileException {
        int scheme = part.indexOf("://");
        if (scheme < 0) {
            return part;
        }
        String name = part.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (!name.equals("dns")) {
            throw args.fail(key, "server block key '" + key.text() + "': " + name
                    + ":// is not supported (plain DNS only)");
        }
        return part.substring(scheme + 3);
    }

    private Duration reload(Directive d) throws CorefileException {
        args.count(d, "reload", 0, 2);
        Duration interval = DEFAULT_RELOAD;
        if (!d.args().isEmpty()) {
            Token t = d.args().get(0);
            interval = args.duration(t, "reload interval");
            if (interval.compareTo(MIN_RELOAD) < 0) {
                throw args.fail(t, "reload interval must be at least 2s, got " + t.text());
            }
        }
        if (d.args().size() > 1) {
            // Jitter only spreads reloads over time; we check it as CoreDNS does but keep only the interval.
            Token t = d.args().get(1);
            Duration jitter = args.duration(t, "reload jitter");
            if (!jitter.isZero() && jitter.compareTo(MIN_JITTER) < 0) {
                throw args.fail(t, "reload jitter must be 0 (off) or at least 1s, got " + t.text());
            }
        }
        return interval;
    }

    private List<InetAddress> bind(Directive d) throws CorefileException {
        args.count(d, "bind", 1, Integer.MAX_VALUE);
        List<InetAddress> out = new ArrayList<>();
        for (Token t : d.args()) {
            InetAddress address = Args.ipLiteral(t.text());
            if (address == null) {
                throw args.fail(t, "bind: '" + t.text() + "' is not an IP address (interface names are not supported)");
            }
            out.add(address);
        }
        return out;
    }

    private InetSocketAddress listen(Directive d, String what, String fallback) throws CorefileException {
        Token t = d.args().isEmpty() ? new Token(fallback, d.line(), false) : d.args().get(0);
        return args.listenAddress(t, what);
    }

    /** Whether {@code name} equals {@code zone} or lies under it (both lower-case, absolute). */
    static boolean isSubdomain(String name, String zone) {
        return zone.equals(".") || name.equals(zone) || name.endsWith("." + zone);
    }
}
