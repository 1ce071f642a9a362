package io.nodecache.dns.server;

import io.nodecache.dns.wire.QueryView;
import org.xbill.DNS.Rcode;

/** The first step for every packet: turn the parser's verdict into an answer, or hand the query to its router. */
final class Dispatch {

    private Dispatch() {}

    /** Returns false if the packet was dropped. */
    static boolean dispatch(QueryView.Verdict verdict, Exchange ex, QueryHandler router, ServerCounters counters) {
        switch (verdict) {
            case DROP -> {
                counters.countDropped(ex.transport());
                return false;
            }
            case FORMERR -> {
                counters.countFormErr(ex.transport());
                ex.respondError(Rcode.FORMERR);
            }
            case NOTIMP -> {
                counters.notImp.increment();
                ex.respondError(Rcode.NOTIMP);
            }
            case OK -> {
                try {
                    router.handle(ex);
                } catch (RuntimeException e) {
                    // A bug in a stage must cost one SERVFAIL, never the listener thread.
                    counters.handlerErrors.increment();
                    ex.respondError(Rcode.SERVFAIL);
                }
            }
        }
        return true;
    }
}
