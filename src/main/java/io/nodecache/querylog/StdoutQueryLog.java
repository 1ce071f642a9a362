package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import java.io.PrintStream;
import java.util.Set;

/** Writes CoreDNS log lines for the queries of the server blocks that have {@code log}. */
public final class StdoutQueryLog implements QueryEventListener {

    private final PrintStream out;
    private volatile Set<String> loggedZones = Set.of();

    public StdoutQueryLog(PrintStream out) {
        this.out = out;
    }

    /** The zones (server block keys) whose queries are logged; replaced on every (re)load. */
    public void loggedZones(Set<String> zones) {
        this.loggedZones = Set.copyOf(zones);
    }

    @Override
    public boolean wants(String zone) {
        return loggedZones.contains(zone);
    }

    @Override
    public void onEvent(QueryEvent event) {
        if (wants(event.zone())) {
            out.println(CoreDnsLogFormat.format(event));
        }
    }
}
