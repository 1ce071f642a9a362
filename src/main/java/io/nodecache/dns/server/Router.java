package io.nodecache.dns.server;

import io.nodecache.dns.wire.Names;
import io.nodecache.dns.wire.Wire;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Rcode;

/**
 * Sends each query to the server block whose zone is the longest suffix of its name, as CoreDNS picks a server
 * block; a name no block serves is REFUSED.
 */
public final class Router implements QueryHandler {

    private final byte[][] zones;
    private final String[] labels;
    private final QueryHandler[] handlers;
    private final ServerCounters counters;

    /** @param blocks zone (lower-case, absolute) to that block's pipeline */
    public Router(Map<String, QueryHandler> blocks, ServerCounters counters) {
        List<Map.Entry<String, QueryHandler>> sorted = new ArrayList<>(blocks.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, QueryHandler> e) -> Names.toWire(e.getKey()).length)
                .reversed());
        zones = new byte[sorted.size()][];
        labels = new String[sorted.size()];
        handlers = new QueryHandler[sorted.size()];
        for (int i = 0; i < sorted.size(); i++) {
            zones[i] = Names.toWire(sorted.get(i).getKey());
            labels[i] = sorted.get(i).getKey();
            handlers[i] = sorted.get(i).getValue();
        }
        this.counters = counters;
    }

    @Override
    public void handle(Exchange ex) {
        byte[] packet = ex.query().packet();
        int end = ex.query().qnameEnd();
        for (int i = 0; i < zones.length; i++) {
            if (Names.isSubdomain(packet, Wire.HEADER_LENGTH, end, zones[i])) {
                ex.zone(labels[i]);
                handlers[i].handle(ex);
                return;
            }
        }
        counters.refused.increment();
        ex.respondError(Rcode.REFUSED);
    }
}
