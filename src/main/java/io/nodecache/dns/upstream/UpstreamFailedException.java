package io.nodecache.dns.upstream;

/**
 * No upstream answered before the forward deadline: every attempt timed out or failed with an I/O error
 * (CoreDNS returns the last upstream error and SERVFAIL). The cause is the last attempt's error.
 * Answer the client with SERVFAIL.
 */
public final class UpstreamFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    public UpstreamFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
