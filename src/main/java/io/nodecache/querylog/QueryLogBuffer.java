package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import io.nodecache.dns.wire.Names;
import io.nodecache.dns.wire.Wire;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The node's recent logged queries, a bounded ring (10 000 by default) the console and the API read with filters
 * and a {@code since} cursor (the event sequence), so a poller never sees a row twice.
 *
 * <p>Rows are preallocated and overwritten field by field rather than holding the events themselves: a ring of
 * 10 000 young objects that each live a fraction of a second is what a copying collector handles worst (every
 * young collection copied the whole ring), and it showed as most of the cost of logging.
 */
public final class QueryLogBuffer implements QueryEventListener {

    private final Row[] rows;
    private final LoggingSwitch logging;
    private long written;

    public QueryLogBuffer(int capacity, LoggingSwitch logging) {
        this.rows = new Row[capacity];
        for (int i = 0; i < capacity; i++) {
            rows[i] = new Row();
        }
        this.logging = logging;
    }

    @Override
    public void onRaw(RawQueryEvent event) {
        if (logging.logs(event)) {
            add(event);
        }
    }

    private synchronized void add(RawQueryEvent event) {
        rows[(int) (written++ % rows.length)].set(event);
    }

    /**
     * The newest matching events with a sequence greater than {@code since}, oldest first, at most {@code limit}.
     */
    public synchronized List<QueryEvent> query(QueryFilter filter, long since, int limit) {
        List<QueryEvent> out = new ArrayList<>();
        long oldest = Math.max(0, written - rows.length);
        for (long i = written - 1; i >= oldest && out.size() < limit; i--) {
            Row r = rows[(int) (i % rows.length)];
            if (r.sequence <= since) {
                break;
            }
            QueryEvent e = r.toEvent();
            if (filter.matches(e)) {
                out.add(e);
            }
        }
        Collections.reverse(out);
        return out;
    }

    public synchronized int size() {
        return (int) Math.min(written, rows.length);
    }

    public int capacity() {
        return rows.length;
    }

    /**
     * One logged query's fields, copied from the ring slot as primitives and bytes (the question name in wire form,
     * the client as address bytes): nothing is built until the API reads the row.
     */
    private static final class Row {
        long sequence;
        long epochMillis;
        final byte[] address = new byte[16];
        int addressLength;
        int clientPort;
        int id;
        /** Grown to the longest name this row has held: 10 000 rows of 256 bytes would be 2.5 MB of heap. */
        byte[] qname = new byte[64];
        int qnameLength;
        int qtype;
        int qclass;
        Transport transport;
        int requestSize;
        boolean dnssecOk;
        int udpSize;
        int rcode;
        int responseFlags;
        int responseSize;
        long durationNanos;
        CacheOutcome outcome;
        InetSocketAddress upstream;
        String zone;

        void set(RawQueryEvent e) {
            sequence = e.sequence();
            epochMillis = e.epochMillis();
            addressLength = e.clientAddressBytes(address);
            clientPort = e.clientPort();
            id = e.id();
            qnameLength = e.qnameLength();
            if (qnameLength > qname.length) {
                qname = new byte[Wire.MAX_NAME_LENGTH + 1];
            }
            System.arraycopy(e.qnameWire(), 0, qname, 0, qnameLength);
            qtype = e.qtype();
            qclass = e.qclass();
            transport = e.transport();
            requestSize = e.requestSize();
            dnssecOk = e.dnssecOk();
            udpSize = e.udpSize();
            rcode = e.rcode();
            responseFlags = e.responseFlags();
            responseSize = e.responseSize();
            durationNanos = e.durationNanos();
            outcome = e.outcome();
            upstream = e.upstreamAddress();
            zone = e.zone();
        }

        QueryEvent toEvent() {
            InetAddress client = null;
            if (addressLength > 0) {
                try {
                    client = InetAddress.getByAddress(java.util.Arrays.copyOf(address, addressLength));
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
            return new QueryEvent(sequence, epochMillis, client, clientPort, id, Names.toText(qname, 0, qnameLength),
                    qtype, qclass, transport, requestSize, dnssecOk, udpSize, rcode, responseFlags, responseSize,
                    durationNanos, outcome, upstream == null ? null : QueryEvent.upstreamText(upstream), zone);
        }
    }
}
