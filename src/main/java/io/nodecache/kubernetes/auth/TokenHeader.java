package io.nodecache.kubernetes.auth;

/**
 * Where a caller puts its nodecache token. The API server's pod proxy authenticates the caller and then strips
 * {@code Authorization} before it connects to the pod, so a token meant for the node travels in a header of its own,
 * which the proxy passes on; direct callers may send it either way.
 */
public final class TokenHeader {

    /** The proxy-safe header: the token alone, no scheme. Wins over {@code Authorization} when both are sent. */
    public static final String NAME = "X-Nodecache-Token";

    private TokenHeader() {}
}
