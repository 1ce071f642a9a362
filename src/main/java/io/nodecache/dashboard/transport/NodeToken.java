package io.nodecache.dashboard.transport;

import io.nodecache.kubernetes.auth.TokenFile;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The token the dashboard presents to every node (docs/node-api.md, "Who may call"): in a cluster its projected
 * ServiceAccount token for the nodes' audience, read from the file the kubelet keeps rotated; outside one the shared
 * token. Both transports send it on every request, stream or not, and so does the console pass-through, which goes
 * through them.
 */
public final class NodeToken {

    private static final NodeToken NONE = new NodeToken("none", () -> null);

    private final String source;
    private final Supplier<String> current;

    private NodeToken(String source, Supplier<String> current) {
        this.source = source;
        this.current = current;
    }

    /** No token: nodes on loopback without a check (the embedded default). */
    public static NodeToken none() {
        return NONE;
    }

    public static NodeToken fixed(String token) {
        return new NodeToken("a configured token", () -> token);
    }

    /** Read from {@code path} whenever the file changes; none while it is missing or empty. */
    public static NodeToken file(Path path) {
        TokenFile file = new TokenFile(path);
        return new NodeToken(path.toString(), file::current);
    }

    /** The token now, or null. */
    public String current() {
        return current.get();
    }

    /** Where it comes from, for the start-up log (never the token). */
    public String source() {
        return source;
    }
}
