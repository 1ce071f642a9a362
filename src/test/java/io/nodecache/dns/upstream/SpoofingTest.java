package io.nodecache.dns.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nodecache.dns.runtime.RuntimeOptions;
import io.nodecache.metrics.ForwardListeners;
import io.nodecache.metrics.NodeMetrics;
import io.nodecache.testing.FaultyUpstream;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.RawDnsClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Off-path spoofing against a real node (RFC 5452): every upstream query leaves from its own random source port with
 * its own random ID, and forged answers for a question in flight, sent from another local socket or even from the
 * upstream's own address, are dropped (the connected socket filters the address, the ID and question check the
 * rest) and counted in {@code nodecache_forward_mismatched_total}; the answer cached is the real upstream's.
 */
class SpoofingTest {

    private static final String REAL = "192.0.2.1";
    private static final String FORGED = "6.6.6.6";

    private final MutableClock clock = new MutableClock();
    private final RecordingListener listener = new RecordingListener();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final NodeMetrics metrics = new NodeMetrics(registry, new PrintStream(OutputStream.nullOutputStream()));
    private FaultyUpstream upstream;
    private NodeHarness node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(String cache, RuntimeOptions options) {
        upstream = FaultyUpstream.start(REAL, 300);
        node = NodeHarness.start("""
                .:0 {
                    bind 127.0.0.1
                    %s
                    forward . %s
                }
                """.formatted(cache, upstream.hostPort()), clock, options,
                ForwardListeners.of(listener, metrics.forwardListener()));
    }

    @Test
    void sourcePortAndIdAreRandomPerQuery() throws Exception {
        start("", NodeHarness.testOptions()); // no cache: every query goes upstream
        int n = 2_000;
        for (int i = 0; i < n; i++) {
            Message m = RawDnsClient.udp(node.dns(), RawDnsClient.query("r" + i + ".example.", Type.A, 1232),
                    Duration.ofSeconds(5));
            assertEquals(REAL, ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
        }
        List<FaultyUpstream.Seen> seen = upstream.seen().stream()
                .filter(s -> s.type() == Type.A && s.name().startsWith("r")).toList();
        assertEquals(n, seen.size());
        int[] ports = seen.stream().mapToInt(s -> s.source().getPort()).toArray();
        int[] ids = seen.stream().mapToInt(FaultyUpstream.Seen::id).toArray();
        int[] range = ephemeralRange();
        Spread p = Spread.of(ports, range[1] - range[0] + 1);
        Spread q = Spread.of(ids, 65_536);
        System.out.printf("[spoofing] %d upstream queries: source ports %d distinct (random over %d ports would "
                        + "give ~%.0f), %d..%d of %d..%d, %d consecutive pairs 0 or 1 apart, %d repeated steps%n",
                n, p.distinct, range[1] - range[0] + 1, p.expectedDistinct, p.min, p.max, range[0], range[1],
                p.adjacent, p.repeatedSteps);
        System.out.printf("[spoofing] %d upstream queries: IDs %d distinct (random would give ~%.0f), %d consecutive "
                        + "pairs 0 or 1 apart, %d repeated steps, chi-square over 16 buckets %.1f (15 df; 37.7 is "
                        + "p=0.001)%n", n, q.distinct, q.expectedDistinct, q.adjacent, q.repeatedSteps,
                chiSquare(ids, 16, 65_536));
        // Bounds far from what random values give, and far from what a counter or a fixed port gives.
        assertTrue(p.distinct >= 0.9 * p.expectedDistinct, "ports spread: " + p.distinct);
        assertTrue(q.distinct >= 0.95 * q.expectedDistinct, "IDs spread: " + q.distinct);
        assertTrue(p.adjacent <= 10 && q.adjacent <= 10, "no sequence: " + p.adjacent + ", " + q.adjacent);
        assertTrue(p.repeatedSteps <= 10 && q.repeatedSteps <= 10, "no fixed stride");
        assertTrue(chiSquare(ids, 16, 65_536) < 60, "IDs cover the whole 16-bit space evenly");
        assertTrue(p.max - p.min > (range[1] - range[0]) / 2, "ports cover the ephemeral range");
    }

    @Test
    void blindSpoofingBurstDoesNotGetIntoTheCache() throws Exception {
        // Long timeouts: the query must stay in flight while the burst is sent, however loaded the machine.
        start("""
                cache {
                        success 1000 300
                    }""", new RuntimeOptions(2, true, Duration.ofSeconds(10), 64, Duration.ofSeconds(9),
                Duration.ofSeconds(10), Duration.ofSeconds(5)));
        // The node's readiness probe (. NS) must be answered before replies are held, or its socket would be a
        // second one open to the upstream during the sweep.
        long probeDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (upstream.seen().stream().noneMatch(s -> s.type() == Type.NS) && System.nanoTime() < probeDeadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        upstream.hold();
        String target = "target.example.";
        // The client's socket is connected to the node, so the sweep below cannot fool the client itself.
        java.net.DatagramSocket client = new java.net.DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.connect(node.dns());
        client.setSoTimeout(15_000);
        CompletableFuture<Message> reply = CompletableFuture.supplyAsync(() -> {
            try (client) {
                byte[] q = RawDnsClient.query(target, Type.A, 1232).toWire();
                client.send(new java.net.DatagramPacket(q, q.length));
                java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65_535], 65_535);
                client.receive(p);
                return new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        FaultyUpstream.Seen inFlight = awaitQuery(target);
        int realPort = inFlight.source().getPort();
        int realId = inFlight.id();
        int[] range = ephemeralRange();
        Set<Integer> skip = foreignUdpPorts(); // other processes' sockets (other tests on this machine): leave them be
        skip.add(node.dns().getPort());
        skip.add(upstream.address().getPort());
        byte[] forged = forgedAnswer(target);
        SplittableRandom random = new SplittableRandom();
        long droppedBefore = listener.mismatches.get();

        // 1. Blind: one forged answer to every port of the ephemeral range, from a socket of its own and from one
        //    sharing the upstream's address (SO_REUSEPORT, as a spoofer forging the source address would look).
        long sentFromOther;
        long sentAsUpstream;
        try (DatagramChannel other = DatagramChannel.open();
                DatagramChannel asUpstream = DatagramChannel.open()) {
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            asUpstream.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            asUpstream.bind(upstream.address());
            skip.add(other.socket().getLocalPort());
            sentFromOther = sweep(other, range, skip, forged, realId, random);
            sentAsUpstream = sweep(asUpstream, range, skip, forged, realId, random);
            Thread.sleep(200);
            long droppedBlind = listener.mismatches.get() - droppedBefore;

            // 2. Worse than blind: the attacker knows the port and guesses only the ID.
            int burst = 2_000;
            long beforeTargeted = listener.mismatches.get();
            for (int i = 0; i < burst; i++) {
                send(other, forged, randomIdBut(realId, random), realPort);
            }
            Thread.sleep(200);
            long droppedFromOther = listener.mismatches.get() - beforeTargeted;
            for (int i = 0; i < burst; i++) {
                send(asUpstream, forged, randomIdBut(realId, random), realPort);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            long droppedAsUpstream;
            do { // the node's loop drains its socket; what overflowed the socket buffer the kernel dropped
                Thread.sleep(50);
                droppedAsUpstream = listener.mismatches.get() - beforeTargeted - droppedFromOther;
            } while (droppedAsUpstream < burst && System.nanoTime() < deadline);
            assertFalse(reply.isDone(), "still in flight: no forged answer was accepted");

            upstream.release(); // the real answer
            Message answer = reply.get(15, java.util.concurrent.TimeUnit.SECONDS);
            String scraped = registry.scrape();
            long metric = mismatchedMetric(scraped, upstream.hostPort());
            System.out.printf("[spoofing] query in flight from port %d with ID %d; blind sweep of %d..%d: %d forged "
                            + "answers from 127.0.0.1:%d, %d from the upstream's address %s (%d ports skipped as "
                            + "other processes' or ours): %d reached the node's socket and were dropped%n",
                    realPort, realId, range[0], range[1], sentFromOther, other.socket().getLocalPort(),
                    sentAsUpstream, upstream.hostPort(), skip.size(), droppedBlind);
            System.out.printf("[spoofing] port known, ID guessed: %d forged from another port -> %d reached the node "
                            + "(the connected socket filters the address); %d forged from the upstream's address -> "
                            + "%d dropped by the node's ID/question check, %d lost to the socket buffer; 0 accepted%n",
                    burst, droppedFromOther, burst, droppedAsUpstream, burst - droppedAsUpstream);
            System.out.printf("[spoofing] nodecache_forward_mismatched_total{to=\"%s\"} %d; answer %s%n",
                    upstream.hostPort(), metric, addresses(answer));

            assertEquals(List.of(REAL), addresses(answer), "the real upstream's answer, not the forged one");
            assertEquals(0, droppedFromOther, "packets from another address never reach the connected socket");
            assertTrue(droppedBlind <= 1, "of the blind sweep only the one sent to the right port could arrive");
            assertTrue(droppedAsUpstream >= 1, "forged packets from the upstream's address did reach the node");
            assertEquals(listener.mismatches.get() - droppedBefore, metric, "every drop is in the metric");
        }
        assertEquals(1, listener.answers.get(), "one reply accepted: the real one");

        // The cache holds the real answer: the next query is a hit, not another upstream query.
        Message cached = RawDnsClient.udp(node.dns(), RawDnsClient.query(target, Type.A, 1232), Duration.ofSeconds(5));
        assertEquals(List.of(REAL), addresses(cached));
        assertEquals(1, upstream.queriesFor(target));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private FaultyUpstream.Seen awaitQuery(String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            for (FaultyUpstream.Seen s : upstream.seen()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the node never asked the upstream for " + name);
    }

    private static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
    }

    private static byte[] forgedAnswer(String name) throws IOException {
        Record question = Record.newRecord(Name.fromString(name), Type.A, DClass.IN);
        Message m = new Message(0);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.RA);
        m.addRecord(question, Section.QUESTION);
        m.addRecord(new ARecord(question.getName(), DClass.IN, 86_400, InetAddress.getByName(FORGED)), Section.ANSWER);
        return m.toWire();
    }

    /**
     * A random ID other than the real one. A blind guess that hits both the port and the ID is an attack no
     * resolver can tell from the truth (the odds are what RFC 5452 is about: 1 in ports x 65 536 per packet); the
     * test shows that everything short of that is dropped.
     */
    private static int randomIdBut(int realId, SplittableRandom random) {
        int id;
        do {
            id = random.nextInt(65_536);
        } while (id == realId);
        return id;
    }

    private static long sweep(DatagramChannel from, int[] range, Set<Integer> skip, byte[] forged, int realId,
            SplittableRandom random) throws IOException {
        long sent = 0;
        for (int port = range[0]; port <= range[1]; port++) {
            if (!skip.contains(port)) {
                send(from, forged, randomIdBut(realId, random), port);
                sent++;
            }
        }
        return sent;
    }

    private static void send(DatagramChannel from, byte[] forged, int id, int port) throws IOException {
        forged[0] = (byte) (id >>> 8);
        forged[1] = (byte) id;
        from.send(ByteBuffer.wrap(forged), new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private static long mismatchedMetric(String scrape, String to) {
        Matcher m = Pattern.compile("^nodecache_forward_mismatched_total\\{to=\"" + Pattern.quote(to)
                + "\"} ([0-9.E]+)$", Pattern.MULTILINE).matcher(scrape);
        assertTrue(m.find(), scrape);
        return (long) Double.parseDouble(m.group(1));
    }

    /** The kernel's ephemeral port range, where the node's upstream sockets get their ports. */
    private static int[] ephemeralRange() throws IOException {
        Path p = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (!Files.exists(p)) {
            return new int[] {32_768, 60_999};
        }
        String text;
        try (java.io.InputStream in = Files.newInputStream(p)) { // procfs reports size 0: read, do not size
            text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        }
        String[] parts = text.trim().split("\\s+");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** Local ports of UDP sockets that belong to other processes (by inode, from /proc/net/udp and udp6). */
    private static Set<Integer> foreignUdpPorts() throws IOException {
        Set<String> ours = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.forEach(fd -> {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("socket:[")) {
                        ours.add(link.substring(8, link.length() - 1));
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            });
        }
        Set<Integer> foreign = new HashSet<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Path.of(table);
            if (!Files.exists(p)) {
                continue;
            }
            List<String> lines;
            try (java.io.InputStream in = Files.newInputStream(p)) {
                lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines().toList();
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && !ours.contains(f[9])) {
                    String local = f[1];
                    foreign.add(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        return foreign;
    }

    private static double chiSquare(int[] values, int buckets, int space) {
        long[] counts = new long[buckets];
        for (int v : values) {
            counts[(int) ((long) v * buckets / space)]++;
        }
        double expected = (double) values.length / buckets;
        double chi = 0;
        for (long c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        return chi;
    }

    /** How a sequence of values spreads: distinct count, range, and the patterns a counter would show. */
    private record Spread(int distinct, double expectedDistinct, int min, int max, int adjacent, int repeatedSteps) {
        static Spread of(int[] v, int space) {
            Set<Integer> distinct = new HashSet<>();
            int min = Integer.MAX_VALUE;
            int max = Integer.MIN_VALUE;
            int adjacent = 0;
            int repeated = 0;
            for (int i = 0; i < v.length; i++) {
                distinct.add(v[i]);
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
                if (i > 0 && Math.abs(v[i] - v[i - 1]) <= 1) {
                    adjacent++;
                }
                if (i > 1 && v[i] - v[i - 1] == v[i - 1] - v[i - 2]) {
                    repeated++;
                }
            }
            double expected = space * (1 - Math.exp(-(double) v.length / space));
            return new Spread(distinct.size(), expected, min, max, adjacent, repeated);
        }
    }
}
