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
                env.getProperty("health-port", Integer.class, p.healthPort()),
                env.getProperty("setupinterface", Boolean.class, p.setupinterface()),
                env.getProperty("setupiptables", Boolean.class, p.setupiptables()),
                env.getProperty("interfacename", p.interfacename()),
                env.getProperty("skipteardown", Boolean.class, p.skipteardown()),
                duration(env.getProperty("syncinterval"), p.syncinterval()),
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

    private static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : DurationStyle.detectAndParse(text);
    }
}
