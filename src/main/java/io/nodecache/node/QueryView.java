package io.nodecache.node;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.querylog.CoreDnsLogFormat;
import java.time.Instant;
import java.util.Locale;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * One logged query as the API shows it: names instead of numbers, and the CoreDNS log line alongside.
 */
record QueryView(long seq, Instant time, String client, int port, int id, String name, String type, String qclass,
        String proto, int size, boolean dnssecOk, int bufsize, String rcode, String flags, int rsize,
        double durationMs, String cache, String upstream, String server, String line) {

    static QueryView of(QueryEvent e) {
        return new QueryView(e.sequence(), Instant.ofEpochMilli(e.epochMillis()),
                e.clientAddress() == null ? null : e.clientAddress().getHostAddress(), e.clientPort(), e.id(),
                e.qname(), Type.string(e.qtype()), DClass.string(e.qclass()), e.transport().label(), e.requestSize(),
                e.dnssecOk(), e.udpSize(), Rcode.string(e.rcode()), flags(e.responseFlags()), e.responseSize(),
                e.durationNanos() / 1e6, e.outcome().name().toLowerCase(Locale.ROOT), e.upstream(), e.zone(),
                CoreDnsLogFormat.format(e));
    }

    private static String flags(int f) {
        return CoreDnsLogFormat.flagsText(f);
    }
}
