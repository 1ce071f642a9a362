package io.nodecache.dns.server;

import io.nodecache.dns.event.QueryEventSink;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves DNS over TCP on one address per RFC 7766: two-byte length prefix, several queries per connection,
 * answers written as they complete (possibly out of order), and an idle timeout.
 */
final class TcpListener implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TcpListener.class.getName());

    private final AtomicReference<QueryHandler> router;
    private final QueryEventSink events;
    private final ServerCounters counters;
    private final int idleMillis;
    private final int maxConnections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nodecache-tcp-conn");
        t.setDaemon(true);
        return t;
    });
    private ServerSocket server;
    private Thread acceptor;

    TcpListener(AtomicReference<QueryHandler> router, QueryEventSink events, ServerCounters counters,
            int idleMillis, int maxConnections) {
        this.router = router;
        this.events = events;
        this.counters = counters;
        this.idleMillis = idleMillis;
        this.maxConnections = maxConnections;
    }

    InetSocketAddress bind(InetSocketAddress address) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        // As the UDP sockets: a second instance on the node (a surge rollout) binds beside this one.
        server.setOption(java.net.StandardSocketOptions.SO_REUSEPORT, true);
        try {
            server.bind(address, 256);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot bind TCP " + address + ": " + e.getMessage(), e);
        }
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    void start() {
        acceptor = new Thread(this::acceptLoop, "nodecache-tcp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "TCP accept failed", e);
                }
                continue;
            }
            if (open.size() >= maxConnections) {
                counters.tcpRejected.increment();
                closeQuietly(s);
                continue;
            }
            counters.tcpConnections.increment();
            open.add(s);
            connections.execute(() -> serve(s));
        }
    }

    private void serve(Socket s) {
        Connection conn = new Connection(s);
        try {
            s.setSoTimeout(idleMillis);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            InetSocketAddress client = (InetSocketAddress) s.getRemoteSocketAddress();
            while (true) {
                int high;
                try {
                    high = in.read();
                } catch (SocketTimeoutException e) {
                    break; // idle between frames
                }
                if (high < 0) {
                    break; // closed between frames
                }
                byte[] msg;
                try {
                    msg = new byte[high << 8 | in.readUnsignedByte()];
                    in.readFully(msg);
                } catch (EOFException | SocketTimeoutException e) {
                    counters.tcpTruncated.increment(); // closed or stalled inside a frame: never answered
                    break;
                }
                int len = msg.length;
                conn.pending.incrementAndGet();
                Exchange ex = Exchange.of(msg, len, client, Transport.TCP, conn, events);
                if (!Dispatch.dispatch(ex.verdict(), ex, router.get(), counters)) {
                    conn.pending.decrementAndGet();
                    // An unreadable message on a stream means we have lost framing: hang up.
                    break;
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "TCP connection from " + s.getRemoteSocketAddress() + " ended", e);
        } finally {
            conn.finishReading();
        }
    }

    /** One client connection: writes are serialised, and the socket closes once reading ended and all answered. */
    private final class Connection implements Responder {
        private final Socket socket;
        private final AtomicInteger pending = new AtomicInteger();
        private volatile boolean readingDone;

        Connection(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void send(Exchange ex, byte[] buf, int length) {
            byte[] framed = new byte[length + 2];
            framed[0] = (byte) (length >>> 8);
            framed[1] = (byte) length;
            System.arraycopy(buf, 0, framed, 2, length);
            try {
                synchronized (this) {
                    OutputStream out = socket.getOutputStream();
                    out.write(framed);
                    out.flush();
                }
            } catch (IOException e) {
                LOG.log(Level.FINE, "TCP write to " + ex.client() + " failed", e);
            }
            if (pending.decrementAndGet() == 0 && readingDone) {
                closeConnection();
            }
        }

        void finishReading() {
            readingDone = true;
            if (pending.get() <= 0) {
                closeConnection();
            }
        }

        private void closeConnection() {
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        connections.shutdownNow();
    }
}
