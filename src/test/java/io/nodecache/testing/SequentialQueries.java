package io.nodecache.testing;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Queries sent one after another over UDP, each waiting for its answer (2 s), for tests that time a node's answers. */
public final class SequentialQueries {

    private SequentialQueries() {}

    /**
     * Asks {@code dns} for {@code name} A {@code n} times: returns answered, p50 and p99 nanos, and queries per
     * second over the whole run.
     */
    public static long[] drive(InetSocketAddress dns, String name, int n) throws Exception {
        long[] latencies = new long[n];
        int answered = 0;
        long start = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(2000);
            byte[] in = new byte[1232];
            for (int i = 0; i < n; i++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
                q.getHeader().setID(i & 0xFFFF);
                byte[] wire = q.toWire();
                long t = System.nanoTime();
                socket.send(new DatagramPacket(wire, wire.length, dns));
                DatagramPacket p = new DatagramPacket(in, in.length);
                try {
                    do {
                        socket.receive(p);
                    } while (((in[0] & 0xFF) << 8 | (in[1] & 0xFF)) != (i & 0xFFFF));
                    latencies[answered++] = System.nanoTime() - t;
                } catch (SocketTimeoutException e) {
                    // unanswered
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        long[] got = Arrays.copyOf(latencies, Math.max(answered, 1));
        Arrays.sort(got, 0, answered);
        return new long[] {answered, got[answered / 2], got[Math.min(answered - 1, (int) (answered * 0.99))],
                n * 1_000_000_000L / elapsed};
    }
}
