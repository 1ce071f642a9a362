package io.nodecache.dns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.nodecache.dns.server.BadPackets.Kind;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.RawDnsClient;
import io.nodecache.testing.TestUpstream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 11's fuzz run: 100 000+ random and broken packets over UDP and TCP at a real node (listeners, router,
 * cache, forwarder to a real upstream on loopback), in paced batches. Every packet either gets an answer dnsjava
 * can read or is counted as dropped ({@code nodecache_malformed_dropped_total{transport}}, or
 * {@code nodecache_tcp_truncated_total} for a frame cut short): sent = answered + counted, exactly (UDP: less what
 * the kernel itself dropped, read from {@code /proc/net/snmp}). A valid query is answered correctly throughout and
 * right after; afterwards no listener or connection thread is stuck and the node's threads are those it had before.
 *
 * <p>Sizes and seed: {@code -Dfuzz.udp=80000 -Dfuzz.tcp=22000 -Dfuzz.seed=N} (the seed is printed).
 */
class PacketFuzzTest {

    private static final String ZONE = "fuzz.";
    private static final String PROBE = "probe.fuzz.";
    private static final String PROBE_ADDRESS = "192.0.2.7";
    private static final int BATCH = 400;

    private final long seed = Long.getLong("fuzz.seed", System.nanoTime());
    private TestUpstream upstream;
    private NodeHarness node;
    private InetSocketAddress dns;

    /** The JVM's threads before this test's upstream and node started. */
    private java.util.Set<Thread> before;

    private void start(boolean epoll) {
        before = liveThreads();
        upstream = TestUpstream.builder().withRecord(PROBE, Type.A, 3600, PROBE_ADDRESS).withSoa(ZONE, 60, 5).start();
        node = NodeHarness.start("""
                fuzz.:0 {
                    bind 127.0.0.1
                    cache 3600
                    forward . 127.0.0.1:%d
                }
                """.formatted(upstream.port()), new MutableClock(), NodeHarness.testOptions().withEpoll(epoll));
        dns = node.dns();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The production UDP transport (a blocking NIO receive per thread, the default), 102 000 packets. */
    @Test
    void aHundredThousandBadPacketsOverUdpAndTcpAreAnsweredOrCountedAndTheNodeKeepsServing() throws Exception {
        fuzz(false, Integer.getInteger("fuzz.udp", 80_000), Integer.getInteger("fuzz.tcp", 22_000));
    }

    /** The batched transport (Netty epoll, recvmmsg), still selectable: a shorter run. */
    @Test
    void theEpollTransportSurvivesTheSameAbuse() throws Exception {
        fuzz(true, Integer.getInteger("fuzz.udp", 80_000) / 8, Integer.getInteger("fuzz.tcp", 22_000) / 8);
    }

    private void fuzz(boolean epoll, int udpPackets, int tcpFrames) throws Exception {
        start(epoll);
        System.out.println("fuzz (" + (epoll ? "epoll" : "nio") + " UDP) seed " + seed + " (-Dfuzz.seed=" + seed
                + " repeats this run)");
        probe();
        probeTcp();
        // The node's long-lived threads: listeners, dispatcher, forwarder (pooled connection threads come and go).
        java.util.Set<Thread> nodeThreads = liveThreads();
        nodeThreads.removeAll(before);
        nodeThreads.removeIf(t -> !t.getName().startsWith("nodecache-") || t.getName().equals("nodecache-tcp-conn"));
        ServerCounters counters = node.runtime().server().counters();
        long dropped0Udp = counters.malformedDropped(Transport.UDP);
        long dropped0Tcp = counters.malformedDropped(Transport.TCP);
        long formErr0 = counters.formErr();
        long notImp0 = counters.notImp();
        long refused0 = counters.refused();
        long truncated0 = counters.tcpTruncated();
        long[] kernel0 = udpKernelDrops();
        long started = System.nanoTime();

        UdpResult udp = fuzzUdp(udpPackets, counters, dropped0Udp);
        TcpResult tcp = fuzzTcp(tcpFrames, counters, dropped0Tcp, truncated0);

        // Right after: a valid query over each transport gets its right answer.
        probe();
        probeTcp();
        long elapsed = Duration.ofNanos(System.nanoTime() - started).toMillis();
        long[] kernel1 = udpKernelDrops();
        long droppedUdp = counters.malformedDropped(Transport.UDP) - dropped0Udp;
        long droppedTcp = counters.malformedDropped(Transport.TCP) - dropped0Tcp;
        long truncated = counters.tcpTruncated() - truncated0;
        long kernelDrops = kernel1[0] - kernel0[0];

        System.out.printf("fuzz: %d packets in %d ms (seed %d)%n", udp.sent + tcp.sent, elapsed, seed);
        System.out.printf("  UDP: sent %d, answered %d (rcodes %s), unreadable answers %d, "
                        + "nodecache_malformed_dropped_total{transport=udp} +%d, kernel UDP RcvbufErrors +%d "
                        + "InErrors +%d (whole machine)%n", udp.sent, udp.answered.get(), udp.rcodes,
                udp.unreadable.get(), droppedUdp, kernelDrops, kernel1[1] - kernel0[1]);
        System.out.printf("  TCP: frames sent %d on %d connections, answered %d (rcodes %s), closed unanswered %d, "
                        + "nodecache_malformed_dropped_total{transport=tcp} +%d, nodecache_tcp_truncated_total +%d%n",
                tcp.sent, tcp.connections, tcp.answered, tcp.rcodes, tcp.closedUnanswered, droppedTcp, truncated);
        System.out.printf("  counters: nodecache_formerr_total +%d (udp %d, tcp %d), nodecache_notimp_total +%d, "
                        + "nodecache_refused_no_zone_total +%d; probes answered %d%n",
                counters.formErr() - formErr0, counters.formErr(Transport.UDP), counters.formErr(Transport.TCP),
                counters.notImp() - notImp0, counters.refused() - refused0, probes.get());
        System.out.printf("  kinds sent: UDP %s%n        TCP %s%n", udp.kinds, tcp.kinds);

        assertEquals(udpPackets + tcpFrames, udp.sent + tcp.sent);
        assertEquals(0, udp.unreadable.get(), "every UDP answer is a DNS message dnsjava reads");
        assertEquals(0, tcp.unreadable, "every TCP answer is a DNS message dnsjava reads");
        // Every UDP packet was answered or counted; the kernel may have dropped some before the node saw them.
        long unaccounted = udp.sent - udp.answered.get() - droppedUdp;
        assertThat(unaccounted).as("UDP packets neither answered nor counted").isBetween(0L, kernelDrops);
        // TCP frames are sent one at a time, so each is answered, or counted when the node hangs up.
        assertEquals(tcp.sent, tcp.answered + droppedTcp + truncated, "TCP frames answered or counted");
        assertEquals(tcp.closedUnanswered, droppedTcp + truncated);
        // The error answers the node made itself are counted (the upstream's own FORMERRs come on top); NOTIMP
        // only the node gives, as it forwards QUERY alone.
        assertThat(counters.formErr() - formErr0)
                .isLessThanOrEqualTo(udp.rcodes.getOrDefault("FORMERR", 0L) + tcp.rcodes.getOrDefault("FORMERR", 0L))
                .isPositive();
        assertEquals(udp.rcodes.getOrDefault("NOTIMP", 0L) + tcp.rcodes.getOrDefault("NOTIMP", 0L),
                counters.notImp() - notImp0);
        // The upstream refuses what it does not serve too (a flipped class, say), so REFUSED answers may be more.
        assertThat(counters.refused() - refused0)
                .isLessThanOrEqualTo(udp.rcodes.getOrDefault("REFUSED", 0L) + tcp.rcodes.getOrDefault("REFUSED", 0L))
                .isPositive();

        assertNoThreadStuck(nodeThreads);
    }

    // --- UDP ------------------------------------------------------------------------------------------------------

    private record UdpResult(long sent, AtomicLong answered, AtomicLong unreadable, Map<String, Long> rcodes,
            Map<Kind, Integer> kinds) {}

    private UdpResult fuzzUdp(int packets, ServerCounters counters, long dropped0) throws Exception {
        BadPackets gen = new BadPackets(seed, ZONE);
        AtomicLong answered = new AtomicLong();
        AtomicLong unreadable = new AtomicLong();
        Map<String, Long> rcodes = new ConcurrentHashMap<>();
        Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
        long sent = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
            ch.bind(new InetSocketAddress(dns.getAddress(), 0));
            Thread receiver = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocate(65535);
                while (ch.isOpen()) {
                    try {
                        in.clear();
                        ch.receive(in);
                    } catch (IOException e) {
                        return;
                    }
                    byte[] b = java.util.Arrays.copyOf(in.array(), in.position());
                    answered.incrementAndGet();
                    try {
                        rcodes.merge(Rcode.string(new Message(b).getRcode()), 1L, Long::sum);
                    } catch (IOException e) {
                        unreadable.incrementAndGet();
                    }
                }
            }, "fuzz-udp-receiver");
            receiver.setDaemon(true);
            receiver.start();
            ByteBuffer out = ByteBuffer.allocate(65535);
            for (int batch = 0; sent < packets; batch++) {
                for (int i = 0; i < BATCH && sent < packets; i++) {
                    Kind kind = gen.nextKind(false);
                    byte[] p = gen.next(kind);
                    out.clear();
                    out.put(p).flip();
                    ch.send(out, dns);
                    sent++;
                    kinds.merge(kind, 1, Integer::sum);
                }
                // Pacing: the next batch waits until this one is answered or counted, so no socket buffer overflows
                // (a query forwarded upstream may take the forwarder's deadline).
                long target = sent;
                await(() -> answered.get() + counters.malformedDropped(Transport.UDP) - dropped0 >= target,
                        Duration.ofSeconds(3));
                if (batch % 20 == 0) {
                    probe();
                }
            }
            long target = sent;
            await(() -> answered.get() + counters.malformedDropped(Transport.UDP) - dropped0 >= target,
                    Duration.ofSeconds(5));
            Thread.sleep(200); // anything later would be an answer too many
        }
        return new UdpResult(sent, answered, unreadable, new TreeMap<>(rcodes), kinds);
    }

    // --- TCP ------------------------------------------------------------------------------------------------------

    private static final class TcpResult {
        long sent;
        long answered;
        long closedUnanswered;
        long unreadable;
        long connections;
        final Map<String, Long> rcodes = new TreeMap<>();
        final Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    }

    /**
     * One frame at a time on a connection kept while the node keeps it: an answer comes back, or the node hangs up
     * (a dropped message loses the framing) and the next frame opens a new connection. The framing kinds send a
     * zero length, a length beyond what follows, or half a length prefix, and then close.
     */
    private TcpResult fuzzTcp(int frames, ServerCounters counters, long dropped0, long truncated0) throws Exception {
        BadPackets gen = new BadPackets(seed + 1, ZONE);
        TcpResult r = new TcpResult();
        Socket s = null;
        try {
            for (int i = 0; i < frames; i++) {
                Kind kind = gen.nextKind(true);
                byte[] p = gen.next(kind);
                r.kinds.merge(kind, 1, Integer::sum);
                if (s == null) {
                    s = new Socket(dns.getAddress(), dns.getPort());
                    s.setSoTimeout(5000);
                    s.setTcpNoDelay(true);
                    r.connections++;
                }
                OutputStream out = s.getOutputStream();
                r.sent++;
                if (kind == Kind.LENGTH_BEYOND_DATA || kind == Kind.HALF_LENGTH_PREFIX) {
                    byte[] msg = gen.validQuery(false);
                    if (kind == Kind.LENGTH_BEYOND_DATA) {
                        int claimed = msg.length + 1 + gen.random().nextInt(65535 - msg.length);
                        out.write(new byte[] {(byte) (claimed >>> 8), (byte) claimed});
                        out.write(msg);
                    } else {
                        out.write(new byte[] {(byte) gen.random().nextInt(256)});
                    }
                    out.flush();
                    s.close();
                    s = null;
                    r.closedUnanswered++;
                    long expected = r.closedUnanswered;
                    // Wait for the node to see the close, so frames are counted one at a time as over UDP.
                    await(() -> counters.malformedDropped(Transport.TCP) - dropped0 + counters.tcpTruncated()
                            - truncated0 >= expected, Duration.ofSeconds(3));
                    continue;
                }
                byte[] framed = new byte[p.length + 2];
                framed[0] = (byte) (p.length >>> 8);
                framed[1] = (byte) p.length;
                System.arraycopy(p, 0, framed, 2, p.length);
                try {
                    out.write(framed);
                    out.flush();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] answer = new byte[in.readUnsignedShort()];
                    in.readFully(answer);
                    r.answered++;
                    try {
                        r.rcodes.merge(Rcode.string(new Message(answer).getRcode()), 1L, Long::sum);
                    } catch (IOException e) {
                        r.unreadable++;
                    }
                } catch (EOFException | SocketException e) {
                    // The node hung up: this frame's message was dropped (counted by the node).
                    r.closedUnanswered++;
                    s.close();
                    s = null;
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no answer and no hang-up within 5 s for a " + kind + " frame", e);
                }
                if (i % 2000 == 0) {
                    probe();
                    probeTcp();
                }
            }
        } finally {
            if (s != null) {
                s.close();
            }
        }
        long expected = r.closedUnanswered;
        await(() -> counters.malformedDropped(Transport.TCP) - dropped0 + counters.tcpTruncated() - truncated0
                >= expected, Duration.ofSeconds(5));
        return r;
    }

    // --- probes, threads, kernel counters ---------------------------------------------------------------------------

    private final AtomicLong probes = new AtomicLong();

    private void probe() throws IOException {
        check(RawDnsClient.udp(dns, RawDnsClient.query(PROBE, Type.A, 1232), Duration.ofSeconds(3)));
    }

    private void probeTcp() throws IOException {
        check(RawDnsClient.tcp(dns, RawDnsClient.query(PROBE, Type.A, 0), Duration.ofSeconds(3)));
    }

    private void check(Message m) {
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        assertEquals(PROBE_ADDRESS, ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
        probes.incrementAndGet();
    }

    /** Every live thread of the JVM (other test classes' leftovers included: they are told apart by identity). */
    private static java.util.Set<Thread> liveThreads() {
        java.util.Set<Thread> out = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * No connection thread is still serving a connection (every client has closed); every thread the node had
     * before the run (its UDP and TCP listeners, dispatcher, forwarder) is still alive; and no other thread has
     * appeared but idle pooled connection threads (a cached pool keeps them 60 s), the test upstream's own
     * ({@code authority-*}) and the attach listener the JVM starts on demand.
     */
    private void assertNoThreadStuck(java.util.Set<Thread> nodeThreads) throws Exception {
        List<String> busy = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        boolean settled = await(() -> {
            busy.clear();
            extra.clear();
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (!t.isAlive() || before.contains(t) || nodeThreads.contains(t)
                        || t.getName().equals("fuzz-udp-receiver")) {
                    return;
                }
                if (t.getName().equals("nodecache-tcp-conn")) {
                    if (serving(stack)) {
                        busy.add(t.getName() + " " + t.getState() + " at " + java.util.Arrays.toString(stack));
                    }
                } else if (!t.getName().startsWith("authority-") && !t.getName().equals("Attach Listener")) {
                    extra.add(t.getName() + " " + t.getState());
                }
            });
            return busy.isEmpty() && extra.isEmpty();
        }, Duration.ofSeconds(10));
        List<String> dead = nodeThreads.stream().filter(t -> !t.isAlive()).map(Thread::getName).toList();
        System.out.printf("  threads: the node's %d before the run all alive: %s; new since: %s; serving still: %s%n",
                nodeThreads.size(), dead.isEmpty(), extra, busy);
        assertThat(dead).as("node threads that died during the run").isEmpty();
        assertThat(busy).as("connection threads still serving after every client closed").isEmpty();
        assertThat(extra).as("threads the run left behind").isEmpty();
        assertThat(settled).isTrue();
    }

    private static boolean serving(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (e.getClassName().contains("TcpListener")) {
                return true;
            }
        }
        return false;
    }

    /** UDP RcvbufErrors and InErrors of the whole machine (Linux), or zeros elsewhere. */
    private static long[] udpKernelDrops() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    return new long[] {Long.parseLong(values[names.indexOf("RcvbufErrors")]),
                        Long.parseLong(values[names.indexOf("InErrors")])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no kernel figures to account for
        }
        return new long[] {0, 0};
    }

    private static boolean await(BooleanSupplier condition, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }
}
