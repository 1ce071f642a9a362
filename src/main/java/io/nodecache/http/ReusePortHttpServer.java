package io.nodecache.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Serves a few fixed paths over HTTP/1.1 on one address, bound with SO_REUSEPORT and SO_REUSEADDR so that a second
 * instance of the node (a DaemonSet surge in the same network namespace) binds the same address and port while
 * this one still runs, and the kernel spreads new connections over both until one closes.
 *
 * <p>Netty's HTTP codec on one event-loop thread (native epoll where {@link Epoll#isAvailable()}, NIO otherwise):
 * nothing runs while no request comes, and a route answers on that thread, so a slow route delays only its own
 * server. A path matches exactly (the query is ignored); other paths answer 404. A {@code HEAD} gets the headers
 * the {@code GET} would (Content-Length included) and no body.
 */
public final class ReusePortHttpServer implements AutoCloseable {

    /** Idle keep-alive connections are closed after this, so a client that went away holds no socket. */
    static final Duration IDLE = Duration.ofSeconds(30);
    /** Accept queue; probes and scrapes come one at a time. */
    private static final int BACKLOG = 16;
    /** Request bodies up to this are read and ignored; larger ones answer 413. */
    private static final int MAX_BODY = 64 << 10;

    private static final Response NOT_FOUND = Response.text(404, "not found\n");
    private static final Response BAD_REQUEST = Response.text(400, "bad request\n");
    private static final Response FAILED = Response.text(500, "internal error\n");

    private final EventLoopGroup group;
    private final Channel channel;
    private final InetSocketAddress address;

    /** What a route answers: a status, a content type and a body. */
    public record Response(int status, String contentType, byte[] body) {

        public static final String TEXT = "text/plain; charset=utf-8";

        /** A {@code text/plain; charset=utf-8} answer. */
        public static Response text(int status, String body) {
            return new Response(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Answers a request to one path, whatever its method; runs on the server's event-loop thread. */
    @FunctionalInterface
    public interface Route {
        Response answer(String method) throws Exception;
    }

    /**
     * Binds {@code address} (port 0 picks one) for {@code routes}, path to route; connections are accepted from
     * {@link #start()} on (until then they wait in the backlog).
     *
     * @param name the event-loop thread's name, before {@code -PORT} (the port asked for)
     * @throws IOException the address cannot be bound (in use by a socket without SO_REUSEPORT, or not local)
     */
    public ReusePortHttpServer(String name, InetSocketAddress address, Map<String, Route> routes) throws IOException {
        this(name, address, routes, Epoll.isAvailable());
    }

    ReusePortHttpServer(String name, InetSocketAddress address, Map<String, Route> routes, boolean epoll)
            throws IOException {
        Handler handler = new Handler(Map.copyOf(routes));
        group = new QuietEventLoopGroup(1, r -> {
            Thread t = new FastThreadLocalThread(r, name + "-" + address.getPort());
            t.setDaemon(true);
            return t;
        }, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                // The default (dual-stack) socket family: a wildcard 0.0.0.0 then takes IPv6 clients too.
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(epoll ? EpollChannelOption.SO_REUSEPORT : NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT),
                        true)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                // Bound now, accepting from start(): clients that connect in between wait in the backlog.
                .option(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new IdleStateHandler(0, 0, IDLE.toMillis(), TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(handler);
                    }
                });
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on " + address + ": " + cause.getMessage(), cause);
        }
        channel = bound.channel();
        this.address = new InetSocketAddress(address.getAddress(),
                ((InetSocketAddress) channel.localAddress()).getPort());
    }

    /** Starts accepting connections. */
    public ReusePortHttpServer start() {
        channel.config().setAutoRead(true);
        return this;
    }

    /** The address as asked for, with the port actually bound. */
    public InetSocketAddress address() {
        return address;
    }

    /** Closes the listening socket and every open connection, and ends the thread. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Path extraction and answer; one instance for every connection of a server. */
    @ChannelHandler.Sharable
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Map<String, Route> routes;

        Handler(Map<String, Route> routes) {
            this.routes = routes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.decoderResult().isSuccess() ? path(req.uri()) : null;
            if (path == null) {
                // The decoder discards the rest of the connection after a bad request: answer and close.
                reply(ctx, req, BAD_REQUEST, false);
                return;
            }
            Route route = routes.get(path);
            if (route == null) {
                reply(ctx, req, NOT_FOUND, HttpUtil.isKeepAlive(req));
                return;
            }
            Response response;
            try {
                response = route.answer(req.method().name());
            } catch (Exception e) {
                reply(ctx, req, FAILED, false);
                return;
            }
            reply(ctx, req, response, HttpUtil.isKeepAlive(req));
        }

        /** The path of an origin-form ({@code /ready?x}) or absolute-form ({@code http://h/ready}) target. */
        private static String path(String target) {
            try {
                return new URI(target).getPath();
            } catch (URISyntaxException e) {
                return null;
            }
        }

        private static void reply(ChannelHandlerContext ctx, FullHttpRequest req, Response r, boolean keepAlive) {
            boolean head = HttpMethod.HEAD.equals(req.method());
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(r.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
            res.headers()
                    .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
                    .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
            if (keepAlive) {
                HttpUtil.setKeepAlive(res.headers(), req.protocolVersion(), true);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ChannelFuture written = ctx.writeAndFlush(res);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or a broken pipe from a client that went away: nothing to answer.
            ctx.close();
        }
    }
}
