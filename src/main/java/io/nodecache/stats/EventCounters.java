package io.nodecache.stats;

import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.querylog.QueryEventListener;
import java.net.InetAddress;

/**
 * Cumulative counts over every answered query, kept on the dispatcher's thread from raw events (no allocation):
 * queries, rcodes, cache outcomes, time spent, and the busiest names (sampled) and clients.
 */
public final class EventCounters implements QueryEventListener {

    /**
     * Names already in the top-names table are always counted; a new name may enter only on one in this many
     * events with a name not in the table: entering builds the name as text and evicts the least-counted one, which, done for every eighth event,
     * was a seventh of the dispatcher's time.
     */
    static final int NAME_ADMISSION = 32;

    private volatile Totals totals = Totals.EMPTY;
    private long queries;
    private final long[] rcodes = new long[16];
    private final long[] outcomes = new long[CacheOutcome.values().length];
    private long durationNanos;
    private final TopK<InetAddress> clients = new TopK<>(64);
    private final TopK<String> names = new TopK<>(64);
    private int sample;

    @Override
    public void onRaw(RawQueryEvent e) {
        queries++;
        rcodes[e.rcode() & 0xF]++;
        if (e.outcome() != null) {
            outcomes[e.outcome().ordinal()]++;
        }
        durationNanos += e.durationNanos();
        if (e.clientAddress() != null) {
            clients.add(e.clientAddress());
        }
        if (!names.countIfPresent(e.qnameHash()) && ++sample >= NAME_ADMISSION) {
            sample = 0;
            names.admitHashed(e.qnameHash(), e.qname());
        }
        if ((queries & 4095) == 0) {
            // A dispatcher that never idles under steady load still publishes.
            publish();
        }
    }

    @Override
    public void onIdle(long nowMillis) {
        publish();
    }

    /** Makes the current counts visible to other threads (the sampler), as an immutable snapshot. */
    public void publish() {
        totals = new Totals(queries, rcodes.clone(), outcomes.clone(), durationNanos);
    }

    public Totals totals() {
        return totals;
    }

    public java.util.List<TopK.Entry<InetAddress>> topClients(int n) {
        return clients.top(n);
    }

    public java.util.List<TopK.Entry<String>> topNames(int n) {
        return names.top(n);
    }

    /**
     * Cumulative counts at one instant.
     *
     * @param queries       answered queries
     * @param rcodes        per response code (0..15)
     * @param outcomes      per {@link CacheOutcome} ordinal
     * @param durationNanos time spent answering, summed
     */
    public record Totals(long queries, long[] rcodes, long[] outcomes, long durationNanos) {
        static final Totals EMPTY = new Totals(0, new long[16], new long[CacheOutcome.values().length], 0);
    }
}
