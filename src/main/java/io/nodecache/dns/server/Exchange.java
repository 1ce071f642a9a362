package io.nodecache.dns.server;

import io.nodecache.dns.event.QueryEventSink;
import io.nodecache.dns.wire.QueryView;
import io.nodecache.dns.wire.RecordWalker;
import io.nodecache.dns.wire.Responses;
import java.net.InetSocketAddress;
import org.xbill.DNS.Rcode;

/**
 * One query on its way through the pipeline: the request bytes and their parsed view, the client, and what the
 * stages learned (server block, cache outcome, upstream) for the query event.
 *
 * <p>A UDP receive thread reuses one exchange for every packet so a cache hit allocates nothing; a stage that
 * answers later (a miss going upstream) first takes a private copy with {@link #detach()}.
 */
public final class Exchange {

    static final int MAX_MESSAGE = 65535;

    private final QueryView query = new QueryView();
    private final RecordWalker walker = new RecordWalker();
    private final boolean reusable;
    private byte[] scratch;
    private byte[] request;
    private int requestLength;
    private InetSocketAddress client;
    private Transport transport;
    private Responder responder;
    private QueryEventSink events;
    private long startNanos;
    private String zone = ".";
    private CacheOutcome outcome = CacheOutcome.NONE;
    private InetSocketAddress upstream;
    private ResponseObserver observer;
    private QueryView.Verdict verdict;

    private Exchange(boolean reusable) {
        this.reusable = reusable;
    }

    /** An exchange a receive thread keeps and refills for every packet. */
    static Exchange reusable(Transport transport, Responder responder, QueryEventSink events) {
        Exchange ex = new Exchange(true);
        ex.transport = transport;
        ex.responder = responder;
        ex.events = events;
        ex.scratch = new byte[MAX_MESSAGE + 64];
        return ex;
    }

    /** A one-off exchange (TCP queries, background refreshes). */
    public static Exchange of(byte[] request, int length, InetSocketAddress client, Transport transport,
            Responder responder, QueryEventSink events) {
        Exchange ex = new Exchange(false);
        ex.transport = transport;
        ex.responder = responder;
        ex.events = events;
        ex.reset(request, length, client, System.nanoTime());
        return ex;
    }

    /** Starts a new query on this exchange and returns the parser's verdict. */
    QueryView.Verdict reset(byte[] request, int length, InetSocketAddress client, long startNanos) {
        this.request = request;
        this.requestLength = length;
        this.client = client;
        this.startNanos = startNanos;
        this.zone = ".";
        this.outcome = CacheOutcome.NONE;
        this.upstream = null;
        this.observer = null;
        this.verdict = query.parse(request, length);
        return verdict;
    }

    /** What the parser concluded about the request. */
    public QueryView.Verdict verdict() {
        return verdict;
    }

    /**
     * Returns an exchange that may outlive the current call: this one if it already can, else a copy holding its
     * own request bytes.
     */
    public Exchange detach() {
        if (!reusable) {
            return this;
        }
        byte[] copy = java.util.Arrays.copyOf(request, requestLength);
        Exchange ex = new Exchange(false);
        ex.transport = transport;
        ex.responder = responder;
        ex.events = events;
        ex.reset(copy, requestLength, client, startNanos);
        ex.zone = zone;
        ex.outcome = outcome;
        ex.upstream = upstream;
        ex.observer = observer;
        return ex;
    }

    /** A buffer of at least {@code size} bytes this exchange may write its answer into. */
    public byte[] buffer(int size) {
        if (scratch == null || scratch.length < size) {
            scratch = new byte[Math.max(size, 512)];
        }
        return scratch;
    }

    /**
     * Answers with a full response message (any ID, upstream OPT and all): observers see it first, then it is
     * shaped for the client (ID, question case, EDNS, truncation) and sent.
     */
    public void respond(byte[] msg, int length) {
        ResponseObserver o = observer;
        observer = null;
        if (o != null && o.onResponse(this, msg, length, -1)) {
            return;
        }
        byte[] out = buffer(length + 64);
        int n = Responses.shape(query, msg, length, out, limit(), walker);
        if (n < 0) {
            n = Responses.error(query, Rcode.SERVFAIL, out);
        }
        sendShaped(out, n);
    }

    /** Answers with an error rcode and no records; observers see the failure first. */
    public void respondError(int rcode) {
        ResponseObserver o = observer;
        observer = null;
        if (o != null && o.onResponse(this, null, 0, rcode)) {
            return;
        }
        byte[] out = buffer(query.questionEnd() + 64);
        sendShaped(out, Responses.error(query, rcode, out));
    }

    /** Sends bytes already shaped for this client and publishes the query event. */
    public void sendShaped(byte[] out, int length) {
        responder.send(this, out, length);
        if (events != null) {
            events.publish(this, out, length, System.nanoTime() - startNanos);
        }
    }

    /** The largest answer this client can take over its transport (RFC 6891 §6.2.5). */
    public int limit() {
        return transport == Transport.UDP ? query.udpSize() : MAX_MESSAGE;
    }

    /** Registers the stage that must see the response before the client does (one per exchange). */
    public void observe(ResponseObserver observer) {
        this.observer = observer;
    }

    public QueryView query() {
        return query;
    }

    public byte[] request() {
        return request;
    }

    public int requestLength() {
        return requestLength;
    }

    public InetSocketAddress client() {
        return client;
    }

    public Transport transport() {
        return transport;
    }

    public long startNanos() {
        return startNanos;
    }

    public String zone() {
        return zone;
    }

    public void zone(String zone) {
        this.zone = zone;
    }

    public CacheOutcome outcome() {
        return outcome;
    }

    public void outcome(CacheOutcome outcome) {
        this.outcome = outcome;
    }

    public InetSocketAddress upstream() {
        return upstream;
    }

    public void upstream(InetSocketAddress upstream) {
        this.upstream = upstream;
    }

    /** Whether this exchange answers a real client (false for background refreshes). */
    public boolean hasClient() {
        return responder != Responder.NONE;
    }
}
