package io.nodecache.dns.runtime;

import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.QueryHandler;
import io.nodecache.dns.upstream.Forwarder;
import io.nodecache.dns.upstream.MaxConcurrentExceededException;
import io.nodecache.dns.wire.Responses;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The {@code forward} stage: sends the query upstream and answers with the reply, or SERVFAIL when no upstream
 * answers and REFUSED over {@code max_concurrent}; with {@code errors} the failure is logged as CoreDNS does.
 */
final class ForwardStage implements QueryHandler {

    private final Forwarder forwarder;
    private final QueryHandler next;
    private final PrintStream errorLog;

    /** @param errorLog where {@code errors} lines go, or null when the block has no {@code errors} */
    ForwardStage(Forwarder forwarder, QueryHandler next, PrintStream errorLog) {
        this.forwarder = forwarder;
        this.next = next;
        this.errorLog = errorLog;
    }

    @Override
    public void handle(Exchange exchange) {
        String name = exchange.query().qname().toLowerCase(Locale.ROOT);
        if (!forwarder.accepts(name)) {
            next.handle(exchange);
            return;
        }
        Exchange ex = exchange.detach();
        byte[] query = new byte[ex.query().questionEnd() + 16];
        int length = Responses.upstreamQuery(ex.query(), query);
        forwarder.forward(query, length, ex.transport() == io.nodecache.dns.server.Transport.TCP)
                .whenComplete((answer, error) -> {
                    if (error == null) {
                        ex.upstream(answer.upstream());
                        ex.respond(answer.wire(), answer.wire().length);
                        return;
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    int rcode = cause instanceof MaxConcurrentExceededException ? Rcode.REFUSED : Rcode.SERVFAIL;
                    if (errorLog != null) {
                        errorLog.println("[ERROR] plugin/errors: " + rcode + " " + ex.query().qname() + " "
                                + Type.string(ex.query().qtype()) + ": " + cause.getMessage());
                    }
                    ex.respondError(rcode);
                });
    }
}
