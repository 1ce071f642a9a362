package io.nodecache.dns.server;

/**
 * One stage of the query pipeline. A stage answers the query through {@link Exchange#respond} or
 * {@link Exchange#sendShaped}, now or later from any thread, or passes it to the stage it decorates.
 */
@FunctionalInterface
public interface QueryHandler {

    void handle(Exchange exchange);
}
