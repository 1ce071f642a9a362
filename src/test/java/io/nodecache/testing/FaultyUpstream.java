package io.nodecache.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A loopback DNS server (real UDP and TCP sockets on 127.0.0.1) that answers every A question with one address of
 * its own and can be switched into the faults a lying or broken upstream shows: silent, slow, closed (port
 * unreachable), flapping, wrong ID, wrong question, garbage, truncated, or answers carrying records for other names.
 *
 * <p>Unlike {@link TestUpstream} it serves no zones and records where every query came from (source port, ID),
 * which the spoofing and randomness tests need; its UDP socket sets {@code SO_REUSEPORT} so that a test's spoofer
 * can send from the upstream's very address, as an off-path attacker forging the source would.
 */
public final class FaultyUpstream implements AutoCloseable {

    /** How the next answer goes wrong. */
    public enum Fault {
        /** A normal answer. */
        NONE,
        /** Receives and records, never answers (a blackhole or a dead resolver behind a live socket). */
        BLACKHOLE,
        /** The right answer with the query's ID plus one. */
        WRONG_ID,
        /** Right ID, question and answer for {@code evil.<qname>}. */
        WRONG_NAME,
        /** Right ID, question type AAAA (answered as such) for an A query. */
        WRONG_TYPE,
        /** Right ID, question class CH. */
        WRONG_CLASS,
        /** Random bytes behind the right ID and a set QR bit. */
        GARBAGE,
        /** Over UDP: TC set, with the answer record anyway; over TCP the full answer. */
        TRUNCATED,
        /** The right answer plus {@link #POISON_NAME} A {@link #POISON_ADDRESS} in the answer and additional sections. */
        POISON,
        /** An empty SERVFAIL from the upstream itself. */
        SERVFAIL
    }

    /** The name a {@link Fault#POISON} answer slips in. */
    public static final String POISON_NAME = "victim.example.";
    /** The address it claims for it. */
    public static final String POISON_ADDRESS = "203.0.113.66";
    /** How long {@link #up()} waits for its port to be free again. */
    private static final Duration REBIND_PATIENCE = Duration.ofSeconds(5);

    /** A query as received. */
    public record Seen(InetSocketAddress source, int id, String name, int type, boolean tcp, long atNanos) {}

    private final InetSocketAddress address;
    private final String answerAddress;
    private final long ttl;
    private final ScheduledExecutorService scheduler;
    private final List<Seen> seen = new ArrayList<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final SplittableRandom random = new SplittableRandom(42);
    private int garbageCount;

    private volatile Fault fault = Fault.NONE;
    private volatile Duration delay = Duration.ZERO;
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private volatile DatagramChannel udp;
    private volatile ServerSocket tcp;
    private ScheduledFuture<?> flapping;

    private FaultyUpstream(int port, String answerAddress, long ttl) throws IOException {
        this.answerAddress = answerAddress;
        this.ttl = ttl;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "faulty-upstream");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.scheduler = executor;
        InetSocketAddress bound = bind(port);
        this.address = bound;
    }

    /** Starts on a free port, answering A questions with {@code answerAddress} and this TTL. */
    public static FaultyUpstream start(String answerAddress, long ttl) {
        try {
            return new FaultyUpstream(FreePorts.udpAndTcp(), answerAddress, ttl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 127.0.0.1 and the port, for UDP and TCP; it stays the same across {@link #down()} and {@link #up()}. */
    public InetSocketAddress address() {
        return address;
    }

    /** {@code 127.0.0.1:PORT}, as a Corefile names it. */
    public String hostPort() {
        return "127.0.0.1:" + address.getPort();
    }

    /** The address A answers carry. */
    public String answerAddress() {
        return answerAddress;
    }

    public FaultyUpstream fault(Fault fault) {
        this.fault = fault;
        return this;
    }

    /** Holds every answer back by {@code delay}. */
    public FaultyUpstream delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    /** Keeps every reply back (after its delay) until {@link #release()}: a query stays in flight as long as needed. */
    public FaultyUpstream hold() {
        synchronized (held) {
            holding = true;
        }
        return this;
    }

    /** Sends the replies held back so far and stops holding. */
    public FaultyUpstream release() {
        List<Runnable> now;
        synchronized (held) {
            holding = false;
            now = List.copyOf(held);
            held.clear();
        }
        now.forEach(Runnable::run);
        return this;
    }

    /** Closes both sockets: UDP queries then meet ICMP port unreachable, TCP connects a RST. */
    public synchronized FaultyUpstream down() {
        closeSockets();
        return this;
    }

    /**
     * Binds the same port again after {@link #down()}, retrying for a while: while it was down the port was free, and
     * an ephemeral socket (the node's own per-query sockets among them) may hold it for a moment.
     */
    public synchronized FaultyUpstream up() {
        long giveUp = System.nanoTime() + REBIND_PATIENCE.toNanos();
        while (!tryUp()) {
            if (System.nanoTime() > giveUp) {
                throw new UncheckedIOException(new IOException("cannot bind " + address + " again"));
            }
            try {
                wait(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding " + address + " again", e);
            }
        }
        return this;
    }

    /** One attempt at {@link #up()}; false if the port is taken right now. */
    private synchronized boolean tryUp() {
        if (udp != null) {
            return true;
        }
        try {
            bind(address.getPort());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the sockets are bound. */
    public boolean isUp() {
        return udp != null;
    }

    /** Alternates {@link #down()} and {@link #up()} every {@code period}, starting down; null period stops it. */
    public synchronized FaultyUpstream flap(Duration period) {
        if (flapping != null) {
            flapping.cancel(false);
            flapping = null;
        }
        if (period != null) {
            long nanos = period.toNanos();
            down();
            flapping = scheduler.scheduleAtFixedRate(() -> {
                synchronized (this) {
                    if (isUp()) {
                        down();
                    } else {
                        tryUp(); // a taken port stays down until the next tick: a flap must never end the schedule
                    }
                }
            }, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /** The queries received so far, oldest first. */
    public List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Queries received so far. */
    public int queries() {
        synchronized (seen) {
            return seen.size();
        }
    }

    /** Queries received for {@code name} (absolute, any case). */
    public long queriesFor(String name) {
        synchronized (seen) {
            return seen.stream().filter(s -> s.name().equalsIgnoreCase(name)).count();
        }
    }

    public void clearSeen() {
        synchronized (seen) {
            seen.clear();
        }
    }

    @Override
    public synchronized void close() {
        if (flapping != null) {
            flapping.cancel(false);
        }
        closeSockets();
        scheduler.shutdownNow();
    }

    // ---- sockets -----------------------------------------------------------------------------------------------

    private InetSocketAddress bind(int port) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        DatagramChannel u = DatagramChannel.open();
        ServerSocket t = new ServerSocket();
        try {
            u.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            u.bind(at);
            t.setReuseAddress(true);
            t.bind(at, 64);
        } catch (IOException e) {
            u.close();
            t.close();
            throw e;
        }
        udp = u;
        tcp = t;
        Thread ut = new Thread(() -> serveUdp(u), "faulty-upstream-udp-" + port);
        ut.setDaemon(true);
        ut.start();
        Thread tt = new Thread(() -> accept(t), "faulty-upstream-tcp-" + port);
        tt.setDaemon(true);
        tt.start();
        return at;
    }

    private void closeSockets() {
        DatagramChannel u = udp;
        ServerSocket t = tcp;
        udp = null;
        tcp = null;
        try {
            if (u != null) {
                u.close();
            }
            if (t != null) {
                t.close();
            }
        } catch (IOException ignored) {
            // closed either way
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
        connections.clear();
    }

    private void serveUdp(DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(65_535);
        while (channel.isOpen()) {
            try {
                buffer.clear();
                SocketAddress from = channel.receive(buffer);
                buffer.flip();
                byte[] query = new byte[buffer.remaining()];
                buffer.get(query);
                byte[] reply = answer(query, (InetSocketAddress) from, false);
                if (reply != null) {
                    later(() -> {
                        if (channel.isOpen()) {
                            channel.send(ByteBuffer.wrap(reply), from);
                        }
                    });
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    return;
                }
            }
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread t = new Thread(() -> serveTcp(s), "faulty-upstream-tcp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = new byte[length];
                in.readFully(query);
                byte[] reply = answer(query, (InetSocketAddress) socket.getRemoteSocketAddress(), true);
                if (reply != null) {
                    later(() -> {
                        synchronized (out) {
                            out.writeShort(reply.length);
                            out.write(reply);
                            out.flush();
                        }
                    });
                }
            }
        } catch (EOFException e) {
            // the client closed it
        } catch (IOException e) {
            // reset or closed by down()
        } finally {
            connections.remove(socket);
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    private void later(Send send) {
        Runnable r = () -> {
            synchronized (held) {
                if (holding) {
                    held.add(() -> {
                        try {
                            send.run();
                        } catch (IOException ignored) {
                            // gone meanwhile
                        }
                    });
                    return;
                }
            }
            try {
                send.run();
            } catch (IOException ignored) {
                // the socket went away meanwhile, as a dead upstream's does
            }
        };
        Duration d = delay;
        if (d.isZero()) {
            r.run();
        } else {
            try {
                scheduler.schedule(r, d.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException ignored) {
                // closing
            }
        }
    }

    // ---- answers -----------------------------------------------------------------------------------------------

    /** The reply to send, or null for none; records the query first. */
    private byte[] answer(byte[] wire, InetSocketAddress from, boolean overTcp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getFlag(Flags.QR)) {
            return null; // a server answers no responses (they would bounce between two servers for ever)
        }
        int id = query.getHeader().getID();
        synchronized (seen) {
            seen.add(new Seen(from, id, question.getName().toString(), question.getType(), overTcp,
                    System.nanoTime()));
        }
        Fault f = fault;
        try {
            return switch (f) {
                case BLACKHOLE -> null;
                case NONE -> reply(query, question, Rcode.NOERROR, false).toWire();
                case WRONG_ID -> {
                    Message m = reply(query, question, Rcode.NOERROR, false);
                    m.getHeader().setID((id + 1) & 0xffff);
                    yield m.toWire();
                }
                case WRONG_NAME -> reply(query, Record.newRecord(Name.concatenate(Name.fromString("evil"),
                        question.getName()), question.getType(), question.getDClass()), Rcode.NOERROR, false).toWire();
                case WRONG_TYPE -> reply(query, Record.newRecord(question.getName(), Type.AAAA, question.getDClass()),
                        Rcode.NOERROR, false).toWire();
                case WRONG_CLASS -> reply(query, Record.newRecord(question.getName(), question.getType(), DClass.CH),
                        Rcode.NOERROR, false).toWire();
                case GARBAGE -> garbage(id);
                case TRUNCATED -> reply(query, question, Rcode.NOERROR, !overTcp).toWire();
                case POISON -> {
                    Message m = reply(query, question, Rcode.NOERROR, false);
                    Name victim = Name.fromString(POISON_NAME);
                    InetAddress bad = InetAddress.getByName(POISON_ADDRESS);
                    m.addRecord(new ARecord(victim, DClass.IN, 86_400, bad), Section.ANSWER);
                    m.addRecord(new ARecord(Name.fromString("ns." + POISON_NAME), DClass.IN, 86_400, bad),
                            Section.ADDITIONAL);
                    yield m.toWire();
                }
                case SERVFAIL -> reply(query, question, Rcode.SERVFAIL, false).toWire();
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response to {@code query} with {@code question}; an A (or AAAA) answer for it when NOERROR. */
    private Message reply(Message query, Record question, int rcode, boolean truncated) throws TextParseException,
            IOException {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
        }
        if (truncated) {
            m.getHeader().setFlag(Flags.TC);
        }
        m.getHeader().setRcode(rcode);
        m.addRecord(question, Section.QUESTION);
        if (rcode == Rcode.NOERROR) {
            if (question.getType() == Type.A) {
                m.addRecord(new ARecord(question.getName(), question.getDClass(), ttl,
                        InetAddress.getByName(answerAddress)), Section.ANSWER);
            } else if (question.getType() == Type.AAAA) {
                m.addRecord(new AAAARecord(question.getName(), question.getDClass(), ttl,
                        InetAddress.getByName("2001:db8::1")), Section.ANSWER);
            }
        }
        return m;
    }

    /**
     * Random bytes behind the right ID, QR set and opcode QUERY; every other one also claims no question, the form
     * that a reply check matching on the ID alone (for FORMERR without a question) lets through.
     */
    private byte[] garbage(int id) {
        byte[] b;
        synchronized (random) {
            b = new byte[12 + random.nextInt(200)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) random.nextInt(256);
            }
            if (garbageCount++ % 2 == 0) {
                b[4] = 0;
                b[5] = 0;
            }
        }
        b[0] = (byte) (id >>> 8);
        b[1] = (byte) id;
        b[2] |= (byte) 0x80;
        b[2] &= (byte) ~0x78;
        return b;
    }
}
