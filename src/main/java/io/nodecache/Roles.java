package io.nodecache;

import io.nodecache.config.EarlyProperties;
import java.util.Map;
import java.util.Properties;

/**
 * Which roles this process runs, read before any Spring context exists (it decides how many there are) from the
 * arguments, system properties and environment, in Spring's order of precedence.
 *
 * @param node          run a DNS node ({@code nodecache.node.enabled}, default true unless {@code authority})
 * @param dashboard     run the dashboard ({@code nodecache.dashboard.enabled}, default: in the embedded default,
 *                      unless {@code authority})
 * @param embedded      no Corefile given: the embedded default
 * @param demo          demo pods ({@code nodecache.demo.enabled}, default: in the embedded default)
 * @param demoNodes     nodes the embedded default starts ({@code nodecache.demo.nodes}, default 2)
 * @param demoPods      demo pods in all ({@code nodecache.demo.pods}, default 6)
 * @param firstNodePort the first node's web port beside a dashboard ({@code nodecache.node.port}, default 8181)
 * @param teardownOnly  only remove the host networking the node would set up, then exit
 *                      ({@code nodecache.teardown-only}: what the container's supervisor runs after a JVM died)
 * @param authority     serve the demo zones alone, as an upstream, on {@code authorityListen}
 *                      ({@code nodecache.authority.enabled}, default false; {@link StandaloneAuthority})
 * @param authorityListen {@code nodecache.authority.listen}, default {@value StandaloneAuthority#DEFAULT_LISTEN}
 */
record Roles(boolean node, boolean dashboard, boolean embedded, boolean demo, int demoNodes, int demoPods,
        int firstNodePort, boolean teardownOnly, boolean authority, String authorityListen) {

    /**
     * @throws IllegalArgumentException when the authority is asked for beside a node or the dashboard: it runs
     *                                  alone, so that a node never answers from demo zones by surprise
     */
    Roles {
        if (authority && (node || dashboard)) {
            throw new IllegalArgumentException("nodecache.authority.enabled=true runs the authority alone: drop"
                    + " nodecache.node.enabled=true and nodecache.dashboard.enabled=true, or run them in another process");
        }
    }

    static Roles read(String[] args, Map<String, String> env, Properties system) {
        EarlyProperties v = EarlyProperties.from(args, env, system);
        String conf = v.get("conf", "nodecache.conf");
        boolean embedded = conf == null || conf.isBlank();
        boolean authority = bool(v, "nodecache.authority.enabled", false);
        String listen = v.get("nodecache.authority.listen");
        return new Roles(bool(v, "nodecache.node.enabled", !authority),
                bool(v, "nodecache.dashboard.enabled", embedded && !authority),
                embedded, bool(v, "nodecache.demo.enabled", embedded), integer(v, "nodecache.demo.nodes", 2),
                integer(v, "nodecache.demo.pods", 6), integer(v, "nodecache.node.port", 8181),
                bool(v, "nodecache.teardown-only", false), authority,
                listen == null || listen.isBlank() ? StandaloneAuthority.DEFAULT_LISTEN : listen.strip());
    }

    /** A typo ("ture") is an error naming the property, never a silent false that starts other roles. */
    private static boolean bool(EarlyProperties v, String name, boolean fallback) {
        Boolean b = v.bool(name);
        return b == null ? fallback : b;
    }

    private static int integer(EarlyProperties v, String name, int fallback) {
        Integer i = v.integer(name);
        return i == null ? fallback : i;
    }
}
