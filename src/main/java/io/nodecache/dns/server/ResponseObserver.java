package io.nodecache.dns.server;

/**
 * Sees a response before it is shaped for the client, as CoreDNS's cache wraps the ResponseWriter of the plugin
 * after it.
 */
@FunctionalInterface
public interface ResponseObserver {

    /**
     * Called with the full response (upstream ID and OPT still in it), or with {@code msg == null} and the rcode
     * of a failure. Return true if the observer answered the client itself (e.g. serve_stale's verify mode
     * answering with the stale entry), so the exchange sends nothing more.
     */
    boolean onResponse(Exchange exchange, byte[] msg, int length, int failureRcode);
}
