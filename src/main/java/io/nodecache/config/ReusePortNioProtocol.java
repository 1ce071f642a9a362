package io.nodecache.config;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * Tomcat's HTTP/1.1 NIO connector with its listening socket bound with SO_REUSEPORT (and SO_REUSEADDR), so a
 * second node on the same host network (a DaemonSet surge: the new pod starts beside the old one) binds the same
 * web port while the first still serves, as CoreDNS's listeners allow.
 *
 * <p>Tomcat has no setting for it: {@link NioEndpoint} opens and binds its channel in {@code initServerSocket()}
 * and keeps it in a private field. {@link Endpoint} overrides that method and the three others that read the field
 * ({@code getServerSocket}, {@code serverSocketAccept}, {@code doCloseServerSocket}, all protected for subclasses)
 * and keeps its own channel; no reflection. {@code ReusePortNioProtocolTest} fails if a Tomcat upgrade reads the
 * field anywhere else. What is not repeated: NioEndpoint's check in {@code serverSocketAccept} for a connection
 * accepted twice, a bug of Linux kernels before 5.10. Named by class in Spring Boot's {@code setProtocol}, so public
 * with a no-argument constructor.
 */
public class ReusePortNioProtocol extends Http11NioProtocol {

    public ReusePortNioProtocol() {
        super(new Endpoint());
    }

    /** A {@link NioEndpoint} whose TCP listening channel has SO_REUSEPORT set before it is bound. */
    static final class Endpoint extends NioEndpoint {

        private volatile ServerSocketChannel channel;

        @Override
        protected void initServerSocket() throws Exception {
            if (getUseInheritedChannel() || getUnixDomainSocketPath() != null) {
                throw new IllegalStateException("nodecache.web-reuse-port applies to a TCP port; this connector"
                        + " uses " + (getUseInheritedChannel() ? "an inherited channel" : "a Unix domain socket"));
            }
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                // What NioEndpoint does with its own channel: the connector's socket.* settings, the accept count,
                // and a blocking accept on the acceptor thread.
                socketProperties.setProperties(ch.socket());
                ch.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
                ch.configureBlocking(true);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            channel = ch;
        }

        @Override
        protected NetworkChannel getServerSocket() {
            return channel;
        }

        @Override
        protected SocketChannel serverSocketAccept() throws Exception {
            ServerSocketChannel ch = channel;
            if (ch == null) {
                throw new ClosedChannelException();
            }
            return ch.accept();
        }

        @Override
        protected void doCloseServerSocket() throws IOException {
            ServerSocketChannel ch = channel;
            channel = null;
            if (ch != null) {
                ch.close();
            }
        }
    }
}
