package io.nodecache.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reads {@link NodeProperties} from command-line arguments, system properties and environment variables without
 * Spring's {@code Binder}, whose start-up (conversion service, relaxed names) cost the first answer most of a
 * second on one core. It understands the forms a DaemonSet uses: {@code --nodecache.upstream-servers=a,b},
 * node-cache's flags ({@code --localip=...}), {@code -Dnodecache.conf=...} and {@code NODECACHE_CONF=...}.
 * Anything it misreads is caught when Spring's own binding disagrees, and the node is rebuilt with Spring's.
 */
public final class EarlyProperties {

    private final Map<String, String> values = new HashMap<>();

    private EarlyProperties() {}

    /**
     * The arguments, system properties and {@code NODECACHE_*} environment variables, by relaxed name, as Spring
     * would see them before any context exists: the launcher reads its roles from here too.
     */
    public static EarlyProperties from(String[] args, Map<String, String> env, java.util.Properties system) {
        EarlyProperties p = new EarlyProperties();
        // Lowest precedence first, as Spring orders them: environment, system properties, arguments.
        env.forEach((k, v) -> {
            if (k.startsWith("NODECACHE_")) {
                p.values.put(canonical("nodecache." + k.substring("NODECACHE_".length())), v);
            }
        });
        system.forEach((k, v) -> p.values.put(canonical(k.toString()), v.toString()));
        for (String arg : args) {
            if (arg.startsWith("--") && arg.indexOf('=') > 2) {
                p.values.put(canonical(arg.substring(2, arg.indexOf('='))), arg.substring(arg.indexOf('=') + 1));
            }
        }
        return p;
    }

    static NodeProperties read(String[] args, Map<String, String> env, java.util.Properties system) {
        EarlyProperties p = from(args, env, system);
        return new NodeProperties(
                p.get("conf", "nodecache.conf"),
                p.get("localip", "nodecache.localip"),
                p.get("nodecache.dns-server"),
                p.get("nodecache.dns-domain"),
                p.get("upstreamsvc", "nodecache.upstreamsvc"),
                p.get("nodecache.cluster-dns"),
                p.map(v -> List.of(v.split("\\s*,\\s*")), "nodecache.upstream-servers"),
                p.get("nodecache.resolv-conf"),
                p.bool("nodecache.embedded-upstream"),
                p.map(Integer::valueOf, "health-port", "nodecache.health-port"),
                p.bool("setupinterface", "nodecache.setupinterface"),
                p.bool("setupiptables", "nodecache.setupiptables"),
                p.get("interfacename", "nodecache.interfacename"),
                p.bool("skipteardown", "nodecache.skipteardown"),
                p.map(DurationStyle::detectAndParse, "syncinterval", "nodecache.syncinterval"),
                p.map(DurationStyle::detectAndParse, "nodecache.reload-interval"),
                p.get("basecorefile", "nodecache.basecorefile"),
                p.get("kubednscm", "nodecache.kubednscm"),
                p.map(DurationStyle::detectAndParse, "nodecache.kubednscm-interval"),
                p.map(Integer::valueOf, "nodecache.udp-threads"),
                p.get("nodecache.udp-transport"),
                p.map(Integer::valueOf, "nodecache.query-log-size"),
                p.map(DurationStyle::detectAndParse, "nodecache.read-timeout"),
                p.map(DurationStyle::detectAndParse, "nodecache.deadline"),
                p.map(Integer::valueOf, "nodecache.tcp-max-connections"),
                p.map(Integer::valueOf, "nodecache.tcp-max-in-flight"),
                p.map(Integer::valueOf, "nodecache.tcp-max-queries"),
                p.map(DurationStyle::detectAndParse, "nodecache.tcp-idle-timeout"),
                p.map(DurationStyle::detectAndParse, "nodecache.tcp-read-timeout"),
                p.map(DurationStyle::detectAndParse, "nodecache.tcp-write-timeout"));
    }

    /** Spring's relaxed form: lower case, no dashes or underscores, dots kept ({@code upstreamservers}). */
    static String canonical(String name) {
        return name.toLowerCase(Locale.ROOT).replace("_", ".").replace("-", "")
                .replace("nodecache.", "nodecache#").replace(".", "").replace("nodecache#", "nodecache.");
    }

    /** The value of the first name set, flag names before {@code nodecache.*}, as {@link NodeCacheFlags} does. */
    public String get(String... names) {
        for (String n : names) {
            String v = values.get(canonical(n));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /**
     * The value of the first name set, parsed; a value that does not parse is an error naming the property, as
     * Spring's binding would name it (these are read before Spring exists).
     */
    private <T> T map(Function<String, T> parse, String... names) {
        for (String n : names) {
            String v = values.get(canonical(n));
            if (v != null) {
                if (v.isBlank()) {
                    return null;
                }
                try {
                    return parse.apply(v.strip());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(n + ": '" + v + "' is not a valid value: " + e.getMessage(), e);
                }
            }
        }
        return null;
    }

    /** A boolean as Spring converts one (true/false, on/off, yes/no, 1/0, any case); anything else is an error. */
    public Boolean bool(String... names) {
        return map(EarlyProperties::parseBoolean, names);
    }

    /** An integer; a value that is not one is an error naming the property. */
    public Integer integer(String... names) {
        return map(Integer::valueOf, names);
    }

    private static Boolean parseBoolean(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> Boolean.TRUE;
            case "false", "off", "no", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }
}
