package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's recent logged queries, a bounded ring (10 000 by default) the console and the API read with filters
 * and a {@code since} cursor (the event sequence), so a poller never sees a row twice.
 */
public final class QueryLogBuffer implements QueryEventListener {

    private final QueryEvent[] ring;
    private final LoggingSwitch logging;
    private long written;

    public QueryLogBuffer(int capacity, LoggingSwitch logging) {
        this.ring = new QueryEvent[capacity];
        this.logging = logging;
    }

    @Override
    public boolean wants(RawQueryEvent event) {
        return logging.logs(event);
    }

    @Override
    public synchronized void onEvent(QueryEvent event) {
        ring[(int) (written++ % ring.length)] = event;
    }

    /**
     * The newest matching events with a sequence greater than {@code since}, oldest first, at most {@code limit}.
     */
    public synchronized List<QueryEvent> query(QueryFilter filter, long since, int limit) {
        List<QueryEvent> out = new ArrayList<>();
        long oldest = Math.max(0, written - ring.length);
        for (long i = written - 1; i >= oldest && out.size() < limit; i--) {
            QueryEvent e = ring[(int) (i % ring.length)];
            if (e.sequence() <= since) {
                break;
            }
            if (filter.matches(e)) {
                out.add(e);
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    public synchronized int size() {
        return (int) Math.min(written, ring.length);
    }

    public int capacity() {
        return ring.length;
    }
}
