package io.nodecache.dns.runtime;

import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.QueryHandler;
import org.xbill.DNS.Rcode;

/** The end of a pipeline with nothing left to ask: SERVFAIL, as CoreDNS's "no next plugin found". */
final class Terminal implements QueryHandler {

    static final Terminal SERVFAIL = new Terminal();

    @Override
    public void handle(Exchange exchange) {
        exchange.respondError(Rcode.SERVFAIL);
    }
}
