package io.nodecache.dns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.TestUpstream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The TCP listener's limits over real sockets: the connection cap, queries in flight and per connection, the idle,
 * read and write timeouts, and that slow senders and huge length prefixes cost neither threads nor memory. Each
 * test prints the counts it tried.
 */
class TcpLimitsTest {

    private static final Clock CLOCK = Clock.systemUTC();

    private static NodeHarness node(TestUpstream up, TcpLimits limits) {
        RuntimeOptions options = NodeHarness.testOptions().withTcp(limits);
        return NodeHarness.start("""
                test.:0 {
                    bind 127.0.0.1
                    cache 300
                    forward . 127.0.0.1:%d
                }
                """.formatted(up.port()), CLOCK, options);
    }

    private static TestUpstream upstream() {
        return TestUpstream.builder().withSoa("test.", 60, 60).withRecord("a.test.", Type.A, 300, "192.0.2.1")
                .start();
    }

    @Test
    void connectionsOverTheCapAreRefusedAndCountedWhileAdmittedOnesAndFreshOnesAreServed() throws Exception {
        int cap = 16;
        int tried = 2 * cap;
        TcpLimits limits = new TcpLimits(cap, 64, 0, Duration.ofSeconds(30), Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        try (TestUpstream up = upstream(); NodeHarness node = node(up, limits)) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < tried; i++) {
                    sockets.add(connect(node.dns()));
                }
                int refused = 0;
                List<Socket> admitted = new ArrayList<>();
                for (Socket s : sockets) {
                    if (closedByServer(s, Duration.ofMillis(300))) {
                        refused++;
                    } else {
                        admitted.add(s);
                    }
                }
                ServerCounters c = node.runtime().server().counters();
                System.out.printf("TCP connection cap %d: opened %d, admitted %d, refused %d (counted %d)%n", cap,
                        tried, admitted.size(), refused, c.tcpRejected());
                assertEquals(cap, admitted.size());
                assertEquals(tried - cap, refused);
                assertEquals(tried - cap, c.tcpRejected());
                assertEquals(cap, c.tcpOpen());
                for (Socket s : admitted) {
                    assertEquals("192.0.2.1", firstA(ask(s, "a.test.", 1)));
                }
                admitted.get(0).close();
                awaitTrue(() -> c.tcpOpen() < cap, "a closed connection leaves the count");
                try (Socket fresh = connect(node.dns())) {
                    assertEquals("192.0.2.1", firstA(ask(fresh, "a.test.", 7)), "a fresh connection is served");
                }
                assertEquals(tried - cap, c.tcpRejected());
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
        }
    }

    @Test
    void slowlorisAndHugeLengthPrefixesHoldNoThreadAndLittleMemoryAndAreCutAtTheReadTimeout() throws Exception {
        int slow = 100;
        int huge = 500;
        Duration read = Duration.ofSeconds(1);
        TcpLimits limits = new TcpLimits(1024, 64, 0, Duration.ofSeconds(30), read, Duration.ofSeconds(5));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (TestUpstream up = upstream(); NodeHarness node = node(up, limits)) {
            assertEquals("192.0.2.1", firstA(node.query("a.test.", Type.A)));
            ServerCounters c = node.runtime().server().counters();
            for (int i = 0; i < 4; i++) {
                // Netty starts an event-loop thread with its first connection: let both start first.
                assertEquals("192.0.2.1", firstA(node.queryTcp("a.test.", Type.A)));
            }
            int port = node.dns().getPort();
            int threadsBefore = tcpThreads(port);
            int jvmThreadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            int jvmThreadsDuring = 0;
            long heapBefore = heapAfterGc(memory);
            long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
            long start = System.nanoTime();
            List<Socket> dribblers = new ArrayList<>();
            List<Socket> prefixes = new ArrayList<>();
            try {
                byte[] query = frame(Message.newQuery(Record.newRecord(Name.fromString("a.test."), Type.A,
                        DClass.IN)), 9);
                for (int i = 0; i < slow; i++) {
                    dribblers.add(connect(node.dns()));
                }
                for (int i = 0; i < huge; i++) {
                    Socket s = connect(node.dns());
                    // 65535 announced, 10 sent: the listener must not hold 64 KiB for what never comes.
                    s.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
                    prefixes.add(s);
                }
                int threadsDuring = 0;
                long heapDuring = 0;
                long directDuring = 0;
                long worstUdp = 0;
                long worstTcp = 0;
                int answered = 0;
                long allCutAfter = 0;
                int alive = slow;
                boolean[] dead = new boolean[slow];
                for (int step = 0; alive > 0 && System.nanoTime() - start < Duration.ofSeconds(15).toNanos();
                        step++) {
                    alive = 0;
                    for (int i = 0; i < slow; i++) {
                        if (dead[i]) {
                            continue;
                        }
                        try {
                            // One byte of the query every 200 ms: a 40-byte message would take 8 s.
                            dribblers.get(i).getOutputStream().write(query[step % query.length]);
                            alive++;
                        } catch (IOException e) {
                            dead[i] = true;
                        }
                    }
                    if (step == 2) {
                        threadsDuring = tcpThreads(port);
                        jvmThreadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
                        heapDuring = heapAfterGc(memory);
                        directDuring = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
                    }
                    long t0 = System.nanoTime();
                    if (allCutAfter == 0 && c.tcpClosed(TcpClose.READ_TIMEOUT) == slow + huge) {
                        allCutAfter = t0 - start;
                    }
                    assertEquals("192.0.2.1", firstA(node.query("a.test.", Type.A)), "UDP answered meanwhile");
                    long t1 = System.nanoTime();
                    assertEquals("192.0.2.1", firstA(node.queryTcp("a.test.", Type.A)), "TCP answered meanwhile");
                    long t2 = System.nanoTime();
                    worstUdp = Math.max(worstUdp, t1 - t0);
                    worstTcp = Math.max(worstTcp, t2 - t1);
                    answered += 2;
                    Thread.sleep(200);
                }
                long elapsed = System.nanoTime() - start;
                int prefixesClosed = 0;
                for (Socket s : prefixes) {
                    if (closedByServer(s, Duration.ofSeconds(3))) {
                        prefixesClosed++;
                    }
                }
                int closedPrefixes = prefixesClosed;
                // dnsjava's TCP client keeps its own connection open for reuse: count the cut ones, not the open ones.
                awaitTrue(() -> c.tcpClosed(TcpClose.READ_TIMEOUT) == slow + huge,
                        () -> "every attacking connection closed: open " + c.tcpOpen()
                        + ", read timeouts " + c.tcpClosed(TcpClose.READ_TIMEOUT) + ", alive dribblers "
                        + java.util.stream.IntStream.range(0, slow).filter(i -> !dead[i]).count()
                        + ", huge prefixes closed " + closedPrefixes + ", idle " + c.tcpClosed(TcpClose.IDLE));
                int threadsAfter = tcpThreads(port);
                int jvmThreadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
                System.out.printf("slowloris %d connections (1 byte / 200 ms) + %d huge-prefix connections "
                        + "(65535 announced, 10 sent), read timeout %d ms: all counted cut by the server %d ms after the first connect, every dribbler's "
                        + "write failing by %d ms, huge prefixes closed %d, counted read timeouts %d; nodecache-tcp threads before/during/after %d/%d/%d, "
                        + "JVM threads %d/%d/%d; "
                        + "heap after GC before/during %d/%d KiB; pooled direct memory before/during %d/%d KiB; "
                        + "%d queries from fresh clients answered meanwhile, slowest UDP %d ms, slowest TCP %d ms%n",
                        slow, huge, read.toMillis(), allCutAfter / 1_000_000, elapsed / 1_000_000, prefixesClosed,
                        c.tcpClosed(TcpClose.READ_TIMEOUT), threadsBefore, threadsDuring, threadsAfter,
                        jvmThreadsBefore, jvmThreadsDuring, jvmThreadsAfter,
                        heapBefore >> 10, heapDuring >> 10, directBefore >> 10, directDuring >> 10, answered,
                        worstUdp / 1_000_000, worstTcp / 1_000_000);
                assertEquals(0, alive, "every dribbling connection was cut");
                assertEquals(huge, prefixesClosed);
                assertEquals(slow + huge, c.tcpClosed(TcpClose.READ_TIMEOUT));
                assertEquals(threadsBefore, threadsDuring, "no thread per connection");
                assertEquals(threadsBefore, threadsAfter);
                assertTrue(jvmThreadsDuring < jvmThreadsBefore + 10, "JVM threads " + jvmThreadsDuring);
                // An up-front 64 KiB per huge prefix would be 32 MiB for these 500.
                assertTrue(heapDuring - heapBefore < 8 << 20, "heap grew " + ((heapDuring - heapBefore) >> 10));
                assertTrue(directDuring - directBefore < 16 << 20,
                        "direct memory grew " + ((directDuring - directBefore) >> 10));
                assertTrue(worstUdp < Duration.ofSeconds(2).toNanos() && worstTcp < Duration.ofSeconds(2).toNanos());
            } finally {
                for (Socket s : dribblers) {
                    s.close();
                }
                for (Socket s : prefixes) {
                    s.close();
                }
            }
        }
    }

    @Test
    void thousandPipelinedQueriesAreAllAnsweredWithinTheInFlightCap() throws Exception {
        int queries = 1000;
        int inFlight = 8;
        Duration upstreamDelay = Duration.ofMillis(20);
        TcpLimits limits = new TcpLimits(1024, inFlight, 0, Duration.ofSeconds(5), Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        try (TestUpstream up = upstream(); NodeHarness node = node(up, limits); Socket s = connect(node.dns())) {
            up.delay(upstreamDelay);
            ServerCounters c = node.runtime().server().counters();
            long start = System.nanoTime();
            // Every query a miss (its own name), all sent before reading any answer.
            s.getOutputStream().write(frames(queries, i -> "n" + i + ".test."));
            List<Message> answers = readAnswers(s, queries, Duration.ofSeconds(60));
            long elapsed = System.nanoTime() - start;
            long upstreamSeen = up.queries();
            System.out.printf("pipelined %d misses on one connection, in-flight cap %d, upstream delay %d ms: "
                    + "%d answered in %d ms (the cap allows no less than %d ms), upstream asked %d, reading paused "
                    + "%d times%n", queries, inFlight, upstreamDelay.toMillis(), answers.size(), elapsed / 1_000_000,
                    queries / inFlight * upstreamDelay.toMillis(), upstreamSeen, c.tcpPaused());
            assertEquals(queries, answers.size(), () -> "closed: idle " + c.tcpClosed(TcpClose.IDLE) + ", read "
                    + c.tcpClosed(TcpClose.READ_TIMEOUT) + ", write " + c.tcpClosed(TcpClose.WRITE_TIMEOUT)
                    + ", malformed " + c.tcpClosed(TcpClose.MALFORMED) + "; upstream asked " + up.queries());
            assertTrue(answers.stream().allMatch(m -> m.getRcode() == Rcode.NXDOMAIN));
            // At most `inFlight` at the upstream at once, each held `upstreamDelay`: no faster than this.
            assertTrue(elapsed >= (queries / inFlight - 1) * upstreamDelay.toNanos(), elapsed / 1_000_000 + " ms");
            assertTrue(c.tcpPaused() > 0);
        }
    }

    @Test
    void aConnectionIsClosedAfterItsMaximumQueriesAllAnswered() throws Exception {
        int sent = 1000;
        int max = 100;
        TcpLimits limits = new TcpLimits(1024, 64, max, Duration.ofSeconds(30), Duration.ofSeconds(3),
                Duration.ofSeconds(5));
        try (TestUpstream up = upstream(); NodeHarness node = node(up, limits); Socket s = connect(node.dns())) {
            assertEquals("192.0.2.1", firstA(node.query("a.test.", Type.A)));
            ServerCounters c = node.runtime().server().counters();
            s.getOutputStream().write(frames(sent, i -> "a.test."));
            List<Message> answers = readAnswers(s, sent, Duration.ofSeconds(20));
            boolean closed = closedByServer(s, Duration.ofSeconds(3));
            System.out.printf("pipelined %d queries on one connection, max %d per connection: %d answered, then "
                    + "closed %s (counted %d)%n", sent, max, answers.size(), closed, c.tcpClosed(TcpClose.MAX_QUERIES));
            assertEquals(max, answers.size());
            assertTrue(closed);
            assertEquals(1, c.tcpClosed(TcpClose.MAX_QUERIES));
            try (Socket fresh = connect(node.dns())) {
                assertEquals("192.0.2.1", firstA(ask(fresh, "a.test.", 3)));
            }
        }
    }

    @Test
    void defaultLimitsAnswerAThousandPipelinedQueries() throws Exception {
        int sent = 1000;
        try (TestUpstream up = upstream(); NodeHarness node = node(up, TcpLimits.defaults());
                Socket s = connect(node.dns())) {
            assertEquals("192.0.2.1", firstA(node.query("a.test.", Type.A)));
            s.getOutputStream().write(frames(sent, i -> i % 2 == 0 ? "a.test." : "m" + i + ".test."));
            List<Message> answers = readAnswers(s, sent, Duration.ofSeconds(30));
            System.out.printf("pipelined %d queries (half hits, half misses) with the default limits %s: %d "
                    + "answered%n", sent, TcpLimits.defaults(), answers.size());
            assertEquals(sent, answers.size());
        }
    }

    @Test
    void aClientThatLeavesItsAnswersUnreadIsCutAtTheWriteTimeout() throws Exception {
        Duration write = Duration.ofSeconds(1);
        TcpLimits limits = new TcpLimits(1024, 64, 0, Duration.ofSeconds(30), Duration.ofSeconds(3), write);
        TestUpstream.Builder b = TestUpstream.builder().withSoa("test.", 60, 60)
                .withRecord("a.test.", Type.A, 300, "192.0.2.1");
        for (int i = 0; i < 40; i++) {
            b.withRecord("big.test.", Type.TXT, 300, "\"" + "x".repeat(200) + i + "\"");
        }
        try (TestUpstream up = b.start(); NodeHarness node = node(up, limits)) {
            ServerCounters c = node.runtime().server().counters();
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(node.dns());
            try {
                int sent = 0;
                long start = System.nanoTime();
                byte[] batch = frames(100, i -> "big.test.", Type.TXT);
                // ~8 KiB answers, never read: the send buffers fill, the listener stops reading, then cuts it.
                while (c.tcpClosed(TcpClose.WRITE_TIMEOUT) == 0
                        && System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
                    try {
                        s.getOutputStream().write(batch);
                        sent += 100;
                    } catch (IOException e) {
                        break;
                    }
                    assertEquals("192.0.2.1", firstA(node.query("a.test.", Type.A)), "others still served");
                }
                awaitTrue(() -> c.tcpClosed(TcpClose.WRITE_TIMEOUT) == 1, "cut at the write timeout");
                System.out.printf("a client sent %d queries for ~8 KiB answers and read none: cut after %d ms "
                        + "(write timeout %d ms), reading paused %d times%n", sent,
                        (System.nanoTime() - start) / 1_000_000, write.toMillis(), c.tcpPaused());
                awaitTrue(() -> c.tcpOpen() == 0, "connection gone");
            } finally {
                s.close();
            }
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket(a.getAddress(), a.getPort());
        s.setTcpNoDelay(true);
        return s;
    }

    /** Whether the server closed {@code s} (EOF or reset) within {@code wait}; false if it is still open. */
    private static boolean closedByServer(Socket s, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() == -1) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static byte[] frame(Message m, int id) {
        m.getHeader().setID(id);
        byte[] wire = m.toWire();
        byte[] out = new byte[wire.length + 2];
        out[0] = (byte) (wire.length >>> 8);
        out[1] = (byte) wire.length;
        System.arraycopy(wire, 0, out, 2, wire.length);
        return out;
    }

    private static byte[] frames(int n, java.util.function.IntFunction<String> name) throws IOException {
        return frames(n, name, Type.A);
    }

    private static byte[] frames(int n, java.util.function.IntFunction<String> name, int type) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            all.write(frame(Message.newQuery(Record.newRecord(Name.fromString(name.apply(i)), type, DClass.IN)),
                    i & 0xFFFF));
        }
        return all.toByteArray();
    }

    private static Message ask(Socket s, String name, int id) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(frame(Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)), id));
        List<Message> answers = readAnswers(s, 1, Duration.ofSeconds(5));
        assertEquals(1, answers.size(), "an answer on the connection");
        return answers.get(0);
    }

    /** Reads up to {@code n} answers; stops early at EOF or after {@code wait} without one. */
    private static List<Message> readAnswers(Socket s, int n, Duration wait) throws IOException {
        s.setSoTimeout((int) wait.toMillis());
        DataInputStream in = new DataInputStream(s.getInputStream());
        List<Message> out = new ArrayList<>();
        try {
            while (out.size() < n) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                out.add(new Message(answer));
            }
        } catch (java.io.EOFException | SocketTimeoutException e) {
            // fewer than asked
        }
        return out;
    }

    private static String firstA(Message m) {
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        return m.getSection(Section.ANSWER).get(0).rdataToString();
    }

    private static int tcpThreads(int port) {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("nodecache-tcp-" + port)).count();
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what)
            throws InterruptedException {
        awaitTrue(condition, () -> what);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition,
            java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
