package io.nodecache.dns.upstream;

/**
 * The deadline passed before any attempt could be made (CoreDNS {@code ErrNoHealthy}, "no healthy proxies");
 * in practice only with a deadline shorter than the time to pick an upstream. Answer the client with SERVFAIL.
 */
public final class NoHealthyUpstreamException extends Exception {

    private static final long serialVersionUID = 1L;

    public NoHealthyUpstreamException(String message) {
        super(message);
    }
}
