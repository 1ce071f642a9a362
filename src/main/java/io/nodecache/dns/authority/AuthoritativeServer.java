package io.nodecache.dns.authority;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * Serves a {@link QueryHandler} over UDP and TCP on one address, as a name server must (RFC 1035 §4.2, RFC 7766).
 *
 * <p>Built to be simple and impossible to crash rather than fast: one receiving thread for UDP, a small worker pool,
 * one thread per TCP connection (at most {@value #MAX_TCP_CONNECTIONS}). Whatever a client sends, the server keeps
 * serving: a packet that does not parse is dropped and counted in {@link #malformedCount()}.
 */
public final class AuthoritativeServer implements AutoCloseable {

    /** Concurrent TCP connections served; more are closed at once, as a busy server may (RFC 7766 §6.2.2). */
    public static final int MAX_TCP_CONNECTIONS = 64;

    /** Idle time after which a TCP connection is closed when no other timeout is given (RFC 7766 §6.2.3). */
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(AuthoritativeServer.class.getName());
    private static final int BIND_ATTEMPTS = 5;

    private final InetSocketAddress bindAddress;
    private final QueryHandler handler;
    private final int tcpIdleMillis;
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong tcpAccepted = new AtomicLong();
    private final Semaphore tcpSlots = new Semaphore(MAX_TCP_CONNECTIONS);
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;
    private DatagramSocket udp;
    private ServerSocket tcp;
    private ExecutorService workers;
    private ExecutorService connectionThreads;
    private Thread udpReceiver;
    private Thread tcpAcceptor;

    /** Creates a server for {@code handler} on {@code bindAddress} (port 0 picks a free port); call {@link #start()}. */
    public AuthoritativeServer(InetSocketAddress bindAddress, QueryHandler handler) {
        this(bindAddress, handler, DEFAULT_TCP_IDLE_TIMEOUT);
    }

    /** Creates a server whose TCP connections are closed after {@code tcpIdleTimeout} without a query. */
    public AuthoritativeServer(InetSocketAddress bindAddress, QueryHandler handler, Duration tcpIdleTimeout) {
        this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.tcpIdleMillis = (int) Math.min(Integer.MAX_VALUE, tcpIdleTimeout.toMillis());
    }

    /**
     * Binds UDP, then TCP on the same port, and starts serving.
     *
     * @throws IOException when the ports cannot be bound (after a few tries if the port was chosen by the system)
     */
    public synchronized AuthoritativeServer start() throws IOException {
        if (udp != null) {
            throw new IllegalStateException("already started");
        }
        bind();
        workers = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096),
                daemonThreads("authority-udp-worker"));
        connectionThreads = Executors.newCachedThreadPool(daemonThreads("authority-tcp-conn"));
        udpReceiver = daemonThreads("authority-udp-recv").newThread(this::receiveUdp);
        tcpAcceptor = daemonThreads("authority-tcp-accept").newThread(this::acceptTcp);
        udpReceiver.start();
        tcpAcceptor.start();
        return this;
    }

    /** The UDP port we got may be taken for TCP by someone else; then try another pair. */
    private void bind() throws IOException {
        BindException last = null;
        for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
            DatagramSocket u = new DatagramSocket(bindAddress);
            ServerSocket t = new ServerSocket();
            try {
                t.setReuseAddress(true);
                t.bind(new InetSocketAddress(bindAddress.getAddress(), u.getLocalPort()), 128);
                udp = u;
                tcp = t;
                return;
            } catch (BindException e) {
                t.close();
                u.close();
                if (bindAddress.getPort() != 0) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** The port bound for both UDP and TCP. */
    public int port() {
        return udp.getLocalPort();
    }

    /** The address bound for both UDP and TCP. */
    public InetSocketAddress address() {
        return new InetSocketAddress(bindAddress.getAddress(), port());
    }

    /** Packets dropped because they did not parse, were responses, or had a zero length. */
    public long malformedCount() {
        return malformed.get();
    }

    /** UDP queries dropped because every worker was busy and the queue was full. */
    public long droppedCount() {
        return dropped.get();
    }

    /** TCP connections accepted since start, including ones closed at once for being over the limit. */
    public long tcpConnections() {
        return tcpAccepted.get();
    }

    private void receiveUdp() {
        byte[] buffer = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "UDP receive failed", e);
                }
                continue;
            }
            byte[] wire = Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength());
            SocketAddress client = packet.getSocketAddress();
            try {
                workers.execute(() -> serveUdp(wire, client));
            } catch (RejectedExecutionException e) {
                dropped.incrementAndGet();
            }
        }
    }

    private void serveUdp(byte[] wire, SocketAddress client) {
        Message query = parse(wire);
        if (query != null) {
            dispatch(query, Transport.UDP, response -> {
                byte[] out = Truncation.forUdp(query, response);
                udp.send(new DatagramPacket(out, out.length, client));
            });
        }
    }

    private void acceptTcp() {
        while (!closed) {
            Socket socket;
            try {
                socket = tcp.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "TCP accept failed", e);
                }
                continue;
            }
            tcpAccepted.incrementAndGet();
            if (!tcpSlots.tryAcquire()) {
                closeQuietly(socket);
                continue;
            }
            connections.add(socket);
            try {
                connectionThreads.execute(() -> {
                    try {
                        serveTcp(socket);
                    } finally {
                        connections.remove(socket);
                        closeQuietly(socket);
                        tcpSlots.release();
                    }
                });
            } catch (RejectedExecutionException e) {
                connections.remove(socket);
                closeQuietly(socket);
                tcpSlots.release();
            }
        }
    }

    /** Reads length-prefixed messages (RFC 1035 §4.2.2) until the client closes or goes idle; answers may pipeline. */
    private void serveTcp(Socket socket) {
        AtomicInteger pending = new AtomicInteger();
        try {
            socket.setSoTimeout(tcpIdleMillis);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                int length = in.readUnsignedShort();
                byte[] wire = new byte[length];
                in.readFully(wire);
                Message query = parse(wire);
                if (query == null) {
                    continue;
                }
                pending.incrementAndGet();
                dispatch(query, Transport.TCP, response -> {
                    try {
                        byte[] body = response.toWire(65535);
                        byte[] framed = new byte[body.length + 2];
                        framed[0] = (byte) (body.length >>> 8);
                        framed[1] = (byte) body.length;
                        System.arraycopy(body, 0, framed, 2, body.length);
                        synchronized (out) {
                            out.write(framed);
                            out.flush();
                        }
                    } finally {
                        finishOne(pending);
                    }
                }, () -> finishOne(pending));
            }
        } catch (EOFException | SocketTimeoutException e) {
            // The client is done, or idle too long (RFC 7766 §6.2.3): a normal end of a connection.
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "TCP connection ended", e);
            }
        }
        awaitPending(pending);
    }

    /** A client may half-close after its last query; answers still owed are written before the socket closes. */
    private void awaitPending(AtomicInteger pending) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (pending) {
            while (pending.get() > 0 && !closed && System.nanoTime() < deadline) {
                try {
                    pending.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void finishOne(AtomicInteger pending) {
        synchronized (pending) {
            pending.decrementAndGet();
            pending.notifyAll();
        }
    }

    /** Parses a query; anything that is not one is counted and yields null. */
    private Message parse(byte[] wire) {
        try {
            Message message = new Message(wire);
            // Answering a response invites a loop between two servers; RFC 1035 §4.1.1 marks them with QR.
            if (!message.getHeader().getFlag(Flags.QR)) {
                return message;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "malformed packet dropped", e);
        }
        malformed.incrementAndGet();
        return null;
    }

    private void dispatch(Message query, Transport transport, Sender sender) {
        dispatch(query, transport, sender, () -> { });
    }

    /** Runs the handler; a handler failure becomes SERVFAIL (RFC 1035 §4.1.1), a null answer sends nothing. */
    private void dispatch(Message query, Transport transport, Sender sender, Runnable nothingSent) {
        CompletionStage<Message> stage;
        try {
            stage = handler.handle(query, transport);
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((response, error) -> {
            Message toSend = error != null ? Truncation.servfail(query) : response;
            if (error != null) {
                LOG.log(System.Logger.Level.WARNING, "query handler failed", error);
            }
            if (toSend == null || closed) {
                nothingSent.run();
                return;
            }
            try {
                sender.send(toSend);
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "could not send a response", e);
                }
            }
        });
    }

    @FunctionalInterface
    private interface Sender {
        void send(Message response) throws IOException;
    }

    /** Stops serving: closes both sockets and every open connection; pending answers are dropped. */
    @Override
    public synchronized void close() {
        closed = true;
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            closeQuietly(tcp);
        }
        connections.forEach(AuthoritativeServer::closeQuietly);
        if (workers != null) {
            workers.shutdownNow();
            connectionThreads.shutdownNow();
        }
        // A socket closed while a thread is blocked in it is released only when that thread leaves the call;
        // waiting for it means the port is free again when close() returns.
        join(udpReceiver);
        join(tcpAcceptor);
    }

    private static void join(Thread thread) {
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // Closing is best effort; the socket is unusable either way.
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
