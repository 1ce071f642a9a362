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
                p.map(Boolean::valueOf, "nodecache.embedded-upstream"),
                p.map(Integer::valueOf, "health-port", "nodecache.health-port"),
                p.map(Boolean::valueOf, "setupinterface", "nodecache.setupinterface"),
                p.map(Boolean::valueOf, "setupiptables", "nodecache.setupiptables"),
                p.get("interfacename", "nodecache.interfacename"),
                p.map(Boolean::valueOf, "skipteardown", "nodecache.skipteardown"),
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

    private <T> T map(Function<String, T> parse, String... names) {
        String v = get(names);
        return v == null || v.isBlank() ? null : parse.apply(v.strip());
    }
}
