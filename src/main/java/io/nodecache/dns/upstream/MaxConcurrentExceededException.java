package io.nodecache.dns.upstream;

/**
 * The query was not forwarded because {@code max_concurrent} queries were already in flight
 * (CoreDNS {@code ErrLimitExceeded}). Answer the client with REFUSED. Has no stack trace: it is
 * thrown at the rate of the overload.
 */
public final class MaxConcurrentExceededException extends Exception {

    private static final long serialVersionUID = 1L;

    public MaxConcurrentExceededException(int maxConcurrent) {
        super("max_concurrent " + maxConcurrent + " reached", null, false, false);
    }
}
