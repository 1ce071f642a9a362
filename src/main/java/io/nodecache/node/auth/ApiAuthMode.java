package io.nodecache.node.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.core.env.Environment;

/** How the node checks its callers, decided once at start from {@link NodeAuthProperties} and the environment. */
enum ApiAuthMode {

    /** A projected ServiceAccount token, checked with a TokenReview and a SubjectAccessReview. */
    KUBERNETES,
    /** The shared token ({@code nodecache.api-token} or {@code -file}), compared in constant time. */
    TOKEN,
    /** No check: the web port binds to loopback alone and answers only a loopback {@code Host} (DNS rebinding). */
    NONE;

    /**
     * As asked ({@code nodecache.api-auth}), else {@code kubernetes} in a cluster, {@code token} when one is
     * configured, {@code none} otherwise.
     *
     * @throws IllegalStateException naming the properties when the choice cannot work: a token mode without a token,
     *                               two tokens, or no check on a {@code server.address} that is not loopback
     */
    static ApiAuthMode decide(NodeAuthProperties p, Environment env) {
        if (p.apiToken() != null && p.apiTokenFile() != null) {
            throw new IllegalStateException("nodecache.api-token and nodecache.api-token-file are both set: keep one");
        }
        boolean token = p.apiToken() != null || p.apiTokenFile() != null;
        ApiAuthMode mode;
        if (p.apiAuth() != null) {
            mode = switch (p.apiAuth().toLowerCase(Locale.ROOT)) {
                case "kubernetes" -> KUBERNETES;
                case "token" -> TOKEN;
                case "none" -> NONE;
                default -> throw new IllegalStateException("nodecache.api-auth: expected kubernetes, token or none, got '"
                        + p.apiAuth() + "'");
            };
        } else if (env.getProperty("KUBERNETES_SERVICE_HOST") != null) {
            mode = KUBERNETES;
        } else {
            mode = token ? TOKEN : NONE;
        }
        if (mode == TOKEN && !token) {
            throw new IllegalStateException("nodecache.api-auth=token needs nodecache.api-token or"
                    + " nodecache.api-token-file");
        }
        if (mode == NONE) {
            String configured = env.getProperty("server.address");
            InetAddress address;
            try {
                address = configured == null || configured.isBlank() ? null : InetAddress.getByName(configured.strip());
            } catch (UnknownHostException e) {
                throw new IllegalStateException("server.address=" + configured + ": no such address", e);
            }
            if (address != null && !address.isLoopbackAddress()) {
                throw new IllegalStateException("server.address=" + env.getProperty("server.address")
                        + " is not a loopback address, and the node API would have no check: set nodecache.api-token"
                        + " or nodecache.api-token-file (a shared token), or nodecache.api-auth=kubernetes in a cluster,"
                        + " or bind server.address to 127.0.0.1");
            }
        }
        return mode;
    }
}
