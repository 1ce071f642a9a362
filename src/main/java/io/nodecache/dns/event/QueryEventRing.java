package io.nodecache.dns.event;

import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Exchange;
import io.nodecache.dns.server.Transport;
import io.nodecache.dns.wire.Names;
import io.nodecache.dns.wire.QueryView;
import io.nodecache.dns.wire.Wire;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed ring of preallocated event slots that many DNS threads write and readers follow with their own cursor.
 *
 * <p>Writers claim a sequence with one atomic increment and copy primitives and the raw question name into the
 * slot, so publishing allocates nothing. Each slot carries a version stamp (a seqlock): a reader that finds the
 * slot rewritten under it, or that fell a whole ring behind, skips ahead and counts the events it lost.
 */
public final class QueryEventRing implements QueryEventSink {

    /** Returned by {@link #read(long, java.util.function.Predicate)} for an event its filter did not want. */
    public static final QueryEvent SKIPPED = new QueryEvent(-1, 0, null, 0, 0, ".", 0, 0, null, 0, false, 0, 0, 0,
            0, 0, null, null, ".");

    private final Slot[] slots;
    private final NameCache names = new NameCache();
    private final AddressCache addresses = new AddressCache();
    private final int mask;
    private final AtomicLong next = new AtomicLong();
    private final Clock clock;
    /**
     * A reader asleep in {@link #awaitPublish} until the next event, else null. Writers only read it (one volatile
     * load per event, no lock); the one that finds a sleeper clears it and wakes it, so idle readers need not poll.
     */
    private volatile Thread sleeper;

    public QueryEventRing(int capacityPowerOfTwo, Clock clock) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two: " + capacityPowerOfTwo);
        }
        this.slots = new Slot[capacityPowerOfTwo];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(names, addresses);
        }
        this.mask = capacityPowerOfTwo - 1;
        this.clock = clock;
    }

    /** How many events the ring holds before the oldest is overwritten. */
    public int capacity() {
        return slots.length;
    }

    @Override
    public void publish(Exchange ex, byte[] response, int length, long durationNanos) {
        long seq = next.getAndIncrement();
        Slot s = slots[(int) (seq & mask)];
        s.version = -1;
        // Readers must never see new field values under the old version stamp.
        VarHandle.storeStoreFence();
        QueryView q = ex.query();
        InetSocketAddress client = ex.client();
        s.epochMillis = clock.millis();
        s.setClient(client);
        s.id = Wire.id(ex.request());
        int nameLen = q.questionEnd() > 0 ? q.qnameLength() : 0;
        System.arraycopy(ex.request(), Wire.HEADER_LENGTH, s.qname, 0, nameLen);
        s.qnameLength = nameLen;
        s.qtype = q.questionEnd() > 0 ? q.qtype() : 0;
        s.qnameHash = q.questionEnd() > 0 ? q.qnameHash() : 0;
        s.qclass = q.questionEnd() > 0 ? q.qclass() : 0;
        s.transport = ex.transport();
        s.requestSize = ex.requestLength();
        s.dnssecOk = q.dnssecOk();
        s.udpSize = q.udpSize();
        s.rcode = length >= Wire.HEADER_LENGTH ? Wire.rcode(response) : 0;
        s.responseFlags = length >= Wire.HEADER_LENGTH ? Wire.flags(response) : 0;
        s.responseSize = length;
        s.durationNanos = durationNanos;
        s.outcome = ex.outcome();
        s.upstream = ex.upstream();
        s.zone = ex.zone();
        s.version = seq;
        // Both volatile: either this load sees the sleeper, or the sleeper's re-check of head() sees seq.
        Thread t = sleeper;
        if (t != null) {
            sleeper = null;
            LockSupport.unpark(t);
        }
    }

    /**
     * Parks the calling reader until an event past {@code cursor} is claimed, or {@code maxNanos} pass, or it is
     * unparked. For the one reader that sleeps (the dispatcher), once it has seen nothing for a while: a reader that
     * polls often makes writers pay no wake-up, one asleep here costs the next writer one unpark.
     */
    public void awaitPublish(long cursor, long maxNanos) {
        Thread me = Thread.currentThread();
        sleeper = me;
        if (next.get() == cursor) {
            LockSupport.parkNanos(this, maxNanos);
        }
        sleeper = null;
    }

    /** The sequence the next published event will get; a new reader starts here to see only new events. */
    public long head() {
        return next.get();
    }

    /**
     * Reads the event at {@code sequence} into a new {@link QueryEvent}; returns null if it is not yet published.
     *
     * @throws LostEventsException if the writers have already overwritten it
     */
    public QueryEvent read(long sequence) throws LostEventsException {
        return read(sequence, zone -> true);
    }

    /**
     * Like {@link #read(long)}, but builds the event only if {@code wanted} accepts its zone; otherwise returns
     * {@link #SKIPPED}, so readers that filter pay no allocation for events they drop.
     */
    public QueryEvent read(long sequence, java.util.function.Predicate<String> wanted) throws LostEventsException {
        Slot s = slots[(int) (sequence & mask)];
        long v = s.version;
        if (v == sequence) {
            QueryEvent e = wanted.test(s.zone) ? s.snapshot(sequence) : SKIPPED;
            // The field reads above must complete before the stamp is checked again.
            VarHandle.loadLoadFence();
            if (s.version == sequence) {
                return e;
            }
        } else if (v < sequence && next.get() - sequence <= slots.length) {
            // Not claimed yet, or claimed by a writer that has not finished stamping it.
            return null;
        }
        long resume = Math.max(sequence + 1, next.get() - slots.length + 1);
        throw new LostEventsException(resume - sequence, resume);
    }

    /** A reader fell so far behind that events were overwritten; it should resume at {@link #resumeAt}. */
    public static final class LostEventsException extends Exception {
        private final long lost;
        private final long resumeAt;

        LostEventsException(long lost, long resumeAt) {
            super(lost + " query events lost", null, false, false);
            this.lost = lost;
            this.resumeAt = resumeAt;
        }

        public long lost() {
            return lost;
        }

        public long resumeAt() {
            return resumeAt;
        }
    }

    /**
     * Shows the event at {@code sequence} to {@code visitor} in place, then tells whether it was still intact;
     * returns false (and the visitor saw nothing trustworthy) if it is not yet published.
     *
     * @throws LostEventsException if the writers have already overwritten it
     */
    public boolean visit(long sequence, java.util.function.Consumer<RawQueryEvent> visitor) throws LostEventsException {
        Slot s = slots[(int) (sequence & mask)];
        long v = s.version;
        if (v == sequence) {
            visitor.accept(s);
            VarHandle.loadLoadFence();
            if (s.version == sequence) {
                return true;
            }
        } else if (v < sequence && next.get() - sequence <= slots.length) {
            return false;
        }
        long resume = Math.max(sequence + 1, next.get() - slots.length + 1);
        throw new LostEventsException(resume - sequence, resume);
    }

    /**
     * One event's fields. The client is kept as primitives, not as the packet's address object: a ring of
     * references to young objects made every young collection copy (and soon promote) 8192 client addresses.
     */
    private static final class Slot implements RawQueryEvent {
        volatile long version = Long.MIN_VALUE;
        private final NameCache names;
        private final AddressCache addresses;
        int qnameHash;
        long epochMillis;
        /** The IPv4 client as an int; an IPv6 client is kept as its (rarer) address object. */
        int clientV4;
        InetAddress clientOther;
        boolean clientKnown;
        int clientPort;
        int id;
        final byte[] qname = new byte[Wire.MAX_NAME_LENGTH + 1];
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

        Slot(NameCache names, AddressCache addresses) {
            this.names = names;
            this.addresses = addresses;
        }

        void setClient(InetSocketAddress client) {
            clientKnown = client != null;
            clientPort = client == null ? 0 : client.getPort();
            InetAddress a = client == null ? null : client.getAddress();
            if (a instanceof Inet4Address) {
                // An Inet4Address's hash code is its address.
                clientV4 = a.hashCode();
                clientOther = null;
            } else {
                clientOther = a;
            }
        }

        @Override
        public long sequence() {
            return version;
        }

        @Override
        public long epochMillis() {
            return epochMillis;
        }

        @Override
        public int clientPort() {
            return clientPort;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public int qclass() {
            return qclass;
        }

        @Override
        public int udpSize() {
            return udpSize;
        }

        @Override
        public int responseFlags() {
            return responseFlags;
        }

        @Override
        public byte[] qnameWire() {
            return qname;
        }

        @Override
        public int qnameLength() {
            return qnameLength;
        }

        @Override
        public int writeQname(byte[] dst, int pos) {
            return Names.writeText(qname, 0, qnameLength, dst, pos);
        }

        @Override
        public InetSocketAddress upstreamAddress() {
            return upstream;
        }

        @Override
        public int clientAddressBytes(byte[] dst) {
            if (!clientKnown) {
                return 0;
            }
            if (clientOther == null) {
                dst[0] = (byte) (clientV4 >>> 24);
                dst[1] = (byte) (clientV4 >>> 16);
                dst[2] = (byte) (clientV4 >>> 8);
                dst[3] = (byte) clientV4;
                return 4;
            }
            byte[] a = clientOther.getAddress();
            System.arraycopy(a, 0, dst, 0, a.length);
            return a.length;
        }

        @Override
        public InetAddress clientAddress() {
            if (!clientKnown) {
                return null;
            }
            return clientOther != null ? clientOther : addresses.v4(clientV4);
        }

        @Override
        public int qtype() {
            return qtype;
        }

        @Override
        public int rcode() {
            return rcode;
        }

        @Override
        public CacheOutcome outcome() {
            return outcome;
        }

        @Override
        public String zone() {
            return zone;
        }

        @Override
        public long durationNanos() {
            return durationNanos;
        }

        @Override
        public int qnameHash() {
            return qnameHash;
        }

        @Override
        public String qname() {
            return names.text(qname, qnameLength, qnameHash);
        }

        @Override
        public Transport transport() {
            return transport;
        }

        @Override
        public int requestSize() {
            return requestSize;
        }

        @Override
        public int responseSize() {
            return responseSize;
        }

        @Override
        public boolean dnssecOk() {
            return dnssecOk;
        }

        @Override
        public boolean forwarded() {
            return upstream != null;
        }

        QueryEvent snapshot(long sequence) {
            String name = names.text(qname, qnameLength, qnameHash);
            String up = upstream == null ? null : QueryEvent.upstreamText(upstream);
            return new QueryEvent(sequence, epochMillis, clientAddress(), clientPort, id, name, qtype, qclass,
                    transport, requestSize, dnssecOk, udpSize, rcode, responseFlags, responseSize, durationNanos,
                    outcome, up, zone);
        }
    }
}
