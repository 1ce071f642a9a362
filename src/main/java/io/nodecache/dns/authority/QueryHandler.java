package io.nodecache.dns.authority;

import java.util.concurrent.CompletionStage;

import org.xbill.DNS.Message;

/**
 * Turns one parsed query into the response an {@link AuthoritativeServer} sends back.
 *
 * <p>Asynchronous so that a handler that answers late (a test upstream's {@code delay}) holds no server thread
 * while it waits.
 */
@FunctionalInterface
public interface QueryHandler {

    /**
     * Answers {@code query}, which came over {@code transport}.
     *
     * @return a stage completing with the response, or with {@code null} to send nothing at all
     */
    CompletionStage<Message> handle(Message query, Transport transport);
}
