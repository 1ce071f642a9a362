package io.nodecache.metrics;

import io.nodecache.dns.event.RawQueryEvent;
import io.nodecache.dns.server.CacheOutcome;
import io.nodecache.dns.server.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A raw event with settable fields, standing in for a ring slot when meters are fed directly. */
final class TestEvent implements RawQueryEvent {

    long epochMillis = System.currentTimeMillis();
    InetAddress client;
    int qtype = 1;
    int rcode;
    CacheOutcome outcome = CacheOutcome.HIT;
    String zone = "cluster.local.";
    long durationNanos = 50_000;
    Transport transport = Transport.UDP;
    int requestSize = 40;
    int responseSize = 120;
    boolean dnssecOk;
    boolean forwarded;

    TestEvent(InetAddress client) {
        this.client = client;
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }

    @Override
    public InetAddress clientAddress() {
        return client;
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
        return 0;
    }

    @Override
    public String qname() {
        return "test.cluster.local.";
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
        return forwarded;
    }

    @Override
    public InetSocketAddress upstreamAddress() {
        return forwarded ? UPSTREAM : null;
    }

    @Override
    public long sequence() {
        return 0;
    }

    @Override
    public int clientAddressBytes(byte[] dst) {
        byte[] a = client.getAddress();
        System.arraycopy(a, 0, dst, 0, a.length);
        return a.length;
    }

    @Override
    public byte[] qnameWire() {
        return NAME;
    }

    @Override
    public int qnameLength() {
        return NAME.length;
    }

    @Override
    public int clientPort() {
        return 40000;
    }

    @Override
    public int id() {
        return 1;
    }

    @Override
    public int qclass() {
        return 1;
    }

    @Override
    public int udpSize() {
        return 512;
    }

    @Override
    public int responseFlags() {
        return 0x8180;
    }

    private static final InetSocketAddress UPSTREAM = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5301);
    private static final byte[] NAME = io.nodecache.dns.wire.Names.toWire("test.cluster.local.");
}
