package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import java.util.Locale;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * What an operator filters the query log by; null fields match everything.
 *
 * @param client  client IP, exact
 * @param name    substring of the question name, case-insensitive
 * @param qtype   question type
 * @param rcode   response code
 * @param outcome cache outcome
 */
public record QueryFilter(String client, String name, Integer qtype, Integer rcode, CacheOutcome outcome) {

    public static final QueryFilter ALL = new QueryFilter(null, null, null, null, null);

    public QueryFilter {
        client = blank(client) ? null : client.strip();
        name = blank(name) ? null : name.strip().toLowerCase(Locale.ROOT);
    }

    /**
     * Builds a filter from request parameters, e.g. {@code qtype=AAAA}, {@code rcode=NXDOMAIN}, {@code outcome=hit}.
     *
     * @throws IllegalArgumentException naming the parameter that is not understood
     */
    public static QueryFilter parse(String client, String name, String qtype, String rcode, String outcome) {
        Integer type = null;
        if (!blank(qtype)) {
            type = Type.value(qtype.strip(), true);
            if (type < 0) {
                throw new IllegalArgumentException("qtype: unknown type '" + qtype + "'");
            }
        }
        Integer code = null;
        if (!blank(rcode)) {
            code = Rcode.value(rcode.strip());
            if (code < 0) {
                throw new IllegalArgumentException("rcode: unknown rcode '" + rcode + "'");
            }
        }
        CacheOutcome out = null;
        if (!blank(outcome)) {
            try {
                out = CacheOutcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("outcome: expected one of hit, prefetch, miss, stale, none; got '"
                        + outcome + "'");
            }
        }
        return new QueryFilter(client, name, type, code, out);
    }

    public boolean matches(QueryEvent e) {
        return (client == null || e.clientAddress() != null && client.equals(e.clientAddress().getHostAddress()))
                && (name == null || e.qname().toLowerCase(Locale.ROOT).contains(name))
                && (qtype == null || qtype == e.qtype())
                && (rcode == null || rcode == e.rcode())
                && (outcome == null || outcome == e.outcome());
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
