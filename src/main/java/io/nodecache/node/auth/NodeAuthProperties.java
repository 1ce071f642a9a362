package io.nodecache.node.auth;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How callers of the node's web port prove who they are ({@code nodecache.api-*}).
 *
 * @param apiAuth      {@code kubernetes} (TokenReview and SubjectAccessReview; the default in a cluster, i.e. with
 *                     {@code KUBERNETES_SERVICE_HOST}), {@code token} (the shared token; the default when one is
 *                     configured) or {@code none} (no check: only on a loopback {@code server.address}; the default
 *                     otherwise, which binds the web port to 127.0.0.1)
 * @param apiAudience  the audience a caller's ServiceAccount token must be for (its projected volume's
 *                     {@code audience}); default {@value #DEFAULT_AUDIENCE}
 * @param apiToken     the shared token, as text
 * @param apiTokenFile a file holding the shared token, read again when it changes
 */
@ConfigurationProperties("nodecache")
public record NodeAuthProperties(String apiAuth, String apiAudience, String apiToken, Path apiTokenFile) {

    public static final String DEFAULT_AUDIENCE = "nodecache";

    public NodeAuthProperties {
        apiAuth = apiAuth == null || apiAuth.isBlank() ? null : apiAuth.strip();
        apiAudience = apiAudience == null || apiAudience.isBlank() ? DEFAULT_AUDIENCE : apiAudience.strip();
        apiToken = apiToken == null || apiToken.isBlank() ? null : apiToken.strip();
    }
}
