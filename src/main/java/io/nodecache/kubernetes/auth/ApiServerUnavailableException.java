package io.nodecache.kubernetes.auth;

/**
 * A review could not be had: the API server did not answer, or answered with an error instead of a verdict. Never
 * cached and never taken for a yes: the caller gets a 503 and asks again.
 */
public final class ApiServerUnavailableException extends RuntimeException {

    public ApiServerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
