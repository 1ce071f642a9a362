package io.nodecache.kubednscm;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.NodeConfig;
import io.nodecache.corefile.PillarValues;
import io.nodecache.corefile.ServerBlock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Corefile node-cache writes to {@code -conf}: the base Corefile with its {@code __PILLAR__*} values
 * substituted, then one server block per stub domain.
 *
 * <p>What node-cache's {@code updateCorefile} does, and how this differs:
 * <ul>
 *   <li>{@code upstreamNameservers}, when set, replace {@code __PILLAR__UPSTREAM__SERVERS__}, else the node's own
 *       upstreams do (node-cache writes {@code /etc/resolv.conf}; nodecache's forward takes addresses, so it writes
 *       that file's nameservers, or {@code nodecache.upstream-servers}).</li>
 *   <li>With custom upstreams a {@code forward . __PILLAR__UPSTREAM__SERVERS__ { force_tcp }} block becomes plain
 *       {@code forward}: node-cache sends custom upstreams UDP. node-cache matches that block only with its own
 *       indentation; this matches any whitespace.</li>
 *   <li>Each stub block is node-cache's template: {@code DOMAIN:PORT} with {@code errors}, {@code cache 30},
 *       {@code bind} the local IPs, {@code forward .} the domain's nameservers. No {@code reload}, {@code loop},
 *       {@code log}, {@code prometheus} or {@code health}. The port is the one the base's {@code .} block listens
 *       on (its first block's when it has none): node-cache's is {@code -dns.port}, 53, which is what the
 *       upstream Corefile's blocks say.</li>
 *   <li>Stub blocks come in domain order (node-cache: Go's random map order), so an unchanged ConfigMap renders the
 *       same bytes and nothing reloads.</li>
 *   <li>A placeholder with no known value is an error, not node-cache's empty string; and the result is parsed
 *       before anyone writes it, so a Corefile the node would refuse (a stub domain the base serves already on that
 *       port) is never written.</li>
 * </ul>
 */
public final class CorefileRenderer {

    /** node-cache's {@code defaultTTL}: the stub blocks' {@code cache 30}. */
    static final int STUB_CACHE_TTL = 30;

    /** node-cache's {@code upstreamTCPBlock}, whatever the whitespace. */
    private static final Pattern TCP_UPSTREAM_BLOCK = Pattern.compile(
            "forward\\s+\\.\\s+" + Pattern.quote(PillarValues.UPSTREAM_SERVERS) + "\\s*\\{\\s*force_tcp\\s*}");

    private CorefileRenderer() {}

    /**
     * Renders {@code base} with {@code config}.
     *
     * @param base       the base Corefile's text
     * @param baseSource the base's path, for messages about it
     * @param config     the kube-dns ConfigMap (possibly {@link KubeDnsConfig#empty()})
     * @param pillars    the node's placeholder values; their upstream servers are the node's own
     * @param header     a comment line (without {@code #}) put first, or null
     * @param renderedSource the name messages about the whole rendering use (the {@code conf} path)
     * @return the Corefile text, parsed once to be sure the node accepts it
     * @throws CorefileException naming the base's line, or the rendered file's
     */
    public static String render(String base, String baseSource, KubeDnsConfig config, PillarValues pillars,
            String header, String renderedSource) throws CorefileException {
        String text = base;
        PillarValues values = pillars;
        if (!config.upstreamNameservers().isEmpty()) {
            Matcher tcp = TCP_UPSTREAM_BLOCK.matcher(text);
            text = tcp.replaceAll(Matcher.quoteReplacement("forward . " + PillarValues.UPSTREAM_SERVERS));
            values = pillars.withUpstreamServers(config.upstreamNameservers());
        }
        String substituted = values.substitute(text, baseSource);
        NodeConfig parsedBase = CorefileParser.parse(substituted, baseSource, PillarValues.none());
        int port = stubPort(parsedBase);

        StringBuilder out = new StringBuilder(substituted.length() + 160 * config.stubDomains().size() + 100);
        if (header != null) {
            out.append("# ").append(header).append('\n');
        }
        out.append(substituted);
        if (!substituted.endsWith("\n")) {
            out.append('\n');
        }
        for (Map.Entry<String, List<String>> stub : config.stubDomains().entrySet()) {
            out.append('\n').append(stub.getKey()).append(':').append(port).append(" {\n");
            out.append("    errors\n");
            out.append("    cache ").append(STUB_CACHE_TTL).append('\n');
            if (!pillars.localDns().isEmpty()) {
                out.append("    bind ").append(String.join(" ", pillars.localDns())).append('\n');
            }
            out.append("    forward . ").append(String.join(" ", stub.getValue())).append('\n');
            out.append("}\n");
        }
        String rendered = out.toString();
        CorefileParser.parse(rendered, renderedSource, PillarValues.none());
        return rendered;
    }

    private static int stubPort(NodeConfig base) {
        for (ServerBlock b : base.blocks()) {
            if (b.zones().contains(".")) {
                return b.port();
            }
        }
        return base.blocks().get(0).port();
    }
}
