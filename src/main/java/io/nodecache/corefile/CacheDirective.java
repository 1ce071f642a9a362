package io.nodecache.corefile;

import io.nodecache.corefile.CacheConfig.PrefetchConfig;
import io.nodecache.corefile.CacheConfig.ServeStaleConfig;
import io.nodecache.corefile.CacheConfig.StoreConfig;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code cache [TTL] [ZONES...] { ... }} into a {@link CacheConfig}, with the defaults and limits of CoreDNS's
 * cache plugin.
 */
final class CacheDirective {

    static final int DEFAULT_CAPACITY = 9984;
    static final Duration SUCCESS_MAX_TTL = Duration.ofSeconds(3600);
    static final Duration DENIAL_MAX_TTL = Duration.ofSeconds(1800);
    static final Duration MIN_TTL = Duration.ofSeconds(5);
    static final Duration SERVFAIL_TTL = Duration.ofSeconds(5);
    static final Duration SERVFAIL_MAX = Duration.ofMinutes(5);
    static final PrefetchConfig PREFETCH_DEFAULTS = new PrefetchConfig(1, Duration.ofMinutes(1), 10);
    static final ServeStaleConfig SERVE_STALE_DEFAULTS = new ServeStaleConfig(Duration.ofHours(1), false);

    private final Args args;

    CacheDirective(Args args) {
        this.args = args;
    }

    /** The configuration a bare {@code cache} line gives. */
    static CacheConfig defaults() {
        return new CacheConfig(
                new StoreConfig(DEFAULT_CAPACITY, SUCCESS_MAX_TTL, MIN_TTL),
                new StoreConfig(DEFAULT_CAPACITY, DENIAL_MAX_TTL, MIN_TTL),
                Optional.empty(), Optional.empty(), SERVFAIL_TTL, false);
    }

    CacheConfig read(Directive d, List<String> blockZones) throws CorefileException {
        StoreConfig success = new StoreConfig(DEFAULT_CAPACITY, SUCCESS_MAX_TTL, MIN_TTL);
        StoreConfig denial = new StoreConfig(DEFAULT_CAPACITY, DENIAL_MAX_TTL, MIN_TTL);
        List<Token> rest = d.args();
        if (!rest.isEmpty() && rest.get(0).text().matches("-?[0-9]+")) {
            // As in CoreDNS: a leading number is the TTL cap of both stores, anything else is a zone.
            Token ttlToken = rest.get(0);
            Duration ttl = Duration.ofSeconds(args.integer(ttlToken, "cache: TTL", 1));
            success = new StoreConfig(success.capacity(), ttl, success.minTtl());
            denial = new StoreConfig(denial.capacity(), ttl, denial.minTtl());
            rest = rest.subList(1, rest.size());
        }
        checkZones(rest, blockZones);

        Optional<PrefetchConfig> prefetch = Optional.empty();
        Optional<ServeStaleConfig> serveStale = Optional.empty();
        Duration servfail = SERVFAIL_TTL;
        boolean keepTtl = false;
        Set<String> seen = new HashSet<>();
        for (Directive o : d.block() == null ? List.<Directive>of() : d.block()) {
            if (!seen.add(o.text())) {
                throw args.fail(o.name(), "cache: option '" + o.text() + "' is given twice");
            }
            args.noBlock(o, "cache " + o.text());
            switch (o.text()) {
                case "success" -> success = store(o, success);
                case "denial" -> denial = store(o, denial);
                case "prefetch" -> prefetch = Optional.of(prefetch(o));
                case "serve_stale" -> serveStale = Optional.of(serveStale(o));
                case "servfail" -> {
                    args.count(o, "cache servfail", 1, 1);
                    Token t = o.args().get(0);
                    servfail = args.duration(t, "cache servfail");
                    if (servfail.compareTo(SERVFAIL_MAX) > 0) {
                        throw args.fail(t, "cache servfail: caching SERVFAIL for more than 5m is not permitted: " + t.text());
                    }
                }
                case "keepttl" -> {
                    args.count(o, "cache keepttl", 0, 0);
                    keepTtl = true;
                }
                default -> throw args.fail(o.name(), "cache: unknown option '" + o.text() + "'");
            }
        }
        return new CacheConfig(success, denial, prefetch, serveStale, servfail, keepTtl);
    }

    /**
     * Accepts cache zones only when they cover every zone of the block, since {@link CacheConfig} has no zone filter:
     * {@code cache 30 .} means the same as {@code cache 30}, but {@code cache 30 example.org} in a {@code .} block
     * would not.
     */
    private void checkZones(List<Token> zones, List<String> blockZones) throws CorefileException {
        if (zones.isEmpty()) {
            return;
        }
        List<String> cacheZones = new java.util.ArrayList<>();
        for (Token z : zones) {
            cacheZones.add(args.zone(z, "cache"));
        }
        for (String blockZone : blockZones) {
            if (cacheZones.stream().noneMatch(c -> ServerBlockReader.isSubdomain(blockZone, c))) {
                throw args.fail(zones.get(0), "cache: zones " + Args.words(zones)
                        + " do not cover the block's zone " + blockZone + "; caching only part of a block is not supported");
            }
        }
    }

    private StoreConfig store(Directive o, StoreConfig current) throws CorefileException {
        String what = "cache " + o.text();
        args.count(o, what, 1, 3);
        List<Token> a = o.args();
        int capacity = args.integer(a.get(0), what + ": capacity", 1);
        Duration maxTtl = current.maxTtl();
        Duration minTtl = current.minTtl();
        if (a.size() > 1) {
            maxTtl = Duration.ofSeconds(args.integer(a.get(1), what + ": TTL", 1));
        }
        if (a.size() > 2) {
            minTtl = Duration.ofSeconds(args.integer(a.get(2), what + ": minimum TTL", 0));
        }
        return new StoreConfig(capacity, maxTtl, minTtl);
    }

    private PrefetchConfig prefetch(Directive o) throws CorefileException {
        args.count(o, "cache prefetch", 1, 3);
        List<Token> a = o.args();
        int amount = args.integer(a.get(0), "cache prefetch: amount", 0);
        Duration duration = PREFETCH_DEFAULTS.duration();
        int percentage = PREFETCH_DEFAULTS.percentage();
        int i = 1;
        if (i < a.size() && !a.get(i).text().endsWith("%")) {
            duration = args.duration(a.get(i), "cache prefetch: duration");
            i++;
        }
        if (i < a.size()) {
            percentage = percentage(a.get(i));
            i++;
        }
        if (i < a.size()) {
            throw args.fail(a.get(i), "cache prefetch: unexpected argument '" + a.get(i).text() + "'");
        }
        return new PrefetchConfig(amount, duration, percentage);
    }

    private int percentage(Token t) throws CorefileException {
        String text = t.text();
        if (!text.endsWith("%")) {
            throw args.fail(t, "cache prefetch: percentage must end in '%', got '" + text + "'");
        }
        Token number = new Token(text.substring(0, text.length() - 1), t.line(), t.quoted());
        int pct = args.integer(number, "cache prefetch: percentage", Integer.MIN_VALUE);
        if (pct < 10 || pct > 90) {
            throw args.fail(t, "cache prefetch: percentage must be in [10%, 90%], got " + text);
        }
        return pct;
    }

    private ServeStaleConfig serveStale(Directive o) throws CorefileException {
        args.count(o, "cache serve_stale", 0, 2);
        List<Token> a = o.args();
        Duration upTo = SERVE_STALE_DEFAULTS.upTo();
        boolean verify = false;
        if (!a.isEmpty()) {
            upTo = args.duration(a.get(0), "cache serve_stale");
        }
        if (a.size() > 1) {
            String mode = a.get(1).text().toLowerCase(Locale.ROOT);
            if (!mode.equals("immediate") && !mode.equals("verify")) {
                throw args.fail(a.get(1), "cache serve_stale: refresh mode must be immediate or verify, got '"
                        + a.get(1).text() + "'");
            }
            verify = mode.equals("verify");
        }
        return new ServeStaleConfig(upTo, verify);
    }
}
