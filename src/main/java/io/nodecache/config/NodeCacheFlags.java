package io.nodecache.config;

import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * Applies node-cache's flag names, given as top-level properties ({@code --localip=...}), over the
 * {@code nodecache.*} properties, so the upstream DaemonSet's args work unchanged.
 */
final class NodeCacheFlags {

    private NodeCacheFlags() {}

    static NodeProperties apply(NodeProperties p, Environment env) {
        return new NodeProperties(
                env.getProperty("conf", p.conf()),
                env.getProperty("localip", p.localip()),
                p.dnsServer(),
                p.dnsDomain(),
                env.getProperty("upstreamsvc", p.upstreamsvc()),
                p.clusterDns(),
                p.upstreamServers(),
                p.resolvConf(),
                p.embeddedUpstream(),
                typed(env, "health-port", Integer.class, p.healthPort()),
                typed(env, "setupinterface", Boolean.class, p.setupinterface()),
                typed(env, "setupiptables", Boolean.class, p.setupiptables()),
                env.getProperty("interfacename", p.interfacename()),
                typed(env, "skipteardown", Boolean.class, p.skipteardown()),
                duration(env, "syncinterval", p.syncinterval()),
                p.reloadInterval(),
                env.getProperty("basecorefile", p.basecorefile()),
                env.getProperty("kubednscm", p.kubednscm()),
                p.kubednscmInterval(),
                p.udpThreads(),
                p.udpTransport(),
                p.queryLogSize(),
                p.readTimeout(),
                p.deadline(),
                p.tcpMaxConnections(),
                p.tcpMaxInFlight(),
                p.tcpMaxQueries(),
                p.tcpIdleTimeout(),
                p.tcpReadTimeout(),
                p.tcpWriteTimeout());
    }

    private static Duration duration(Environment env, String name, Duration fallback) {
        String text = env.getProperty(name);
        try {
            return text == null ? fallback : DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a duration (e.g. 60s, 500ms, 1m)", e);
        }
    }

    /** As {@link Environment#getProperty(String, Class, Object)}, with an error that names the flag. */
    private static <T> T typed(Environment env, String name, Class<T> type, T fallback) {
        try {
            return env.getProperty(name, type, fallback);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": '" + env.getProperty(name) + "' is not "
                    + (type == Boolean.class ? "true or false" : "a number"), e);
        }
    }
}
