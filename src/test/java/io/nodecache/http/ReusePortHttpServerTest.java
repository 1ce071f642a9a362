package io.nodecache.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.nodecache.http.ReusePortHttpServer.Response;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shared HTTP server over real sockets, on both transports: routing, HEAD, keep-alive, and SO_REUSEPORT. */
class ReusePortHttpServerTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);

    private static boolean epoll(String transport) {
        if (transport.equals("epoll")) {
            assumeTrue(Epoll.isAvailable(), "no native epoll here");
            return true;
        }
        return false;
    }

    /** A server whose {@code /who} names it, so a test can tell which of two on one port answered. */
    private static ReusePortHttpServer server(String who, InetSocketAddress at, boolean epoll) throws IOException {
        return new ReusePortHttpServer("test-http-" + who, at, Map.of(
                "/who", method -> Response.text(200, who),
                "/hello", method -> Response.text(200, "hi " + method),
                "/fails", method -> {
                    throw new IllegalStateException("route failed");
                }), epoll).start();
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            # transport | method | target              | status | body      | content-length
            epoll       | GET    | /hello              | 200    | hi GET    | 6
            nio         | GET    | /hello              | 200    | hi GET    | 6
            epoll       | HEAD   | /hello              | 200    | ''        | 7
            nio         | HEAD   | /hello              | 200    | ''        | 7
            epoll       | POST   | /hello              | 200    | hi POST   | 7
            epoll       | GET    | /hello?probe=1      | 200    | hi GET    | 6
            epoll       | GET    | http://test/hello   | 200    | hi GET    | 6
            # should fail
            epoll       | GET    | /hello/             | 404    | 'not found\\n' | 10
            epoll       | GET    | /hellox             | 404    | 'not found\\n' | 10
            nio         | GET    | /                   | 404    | 'not found\\n' | 10
            epoll       | GET    | /fails              | 500    | 'internal error\\n' | 15
            """)
    void answersAsTheRouteSays(String transport, String method, String target, int status, String body,
            int contentLength) throws Exception {
        try (ReusePortHttpServer s = server("a", ANY_PORT, epoll(transport))) {
            RawHttp r = RawHttp.send(s.address(), method, target);
            assertEquals(status, r.status());
            assertEquals(body.replace("\\n", "\n"), r.body());
            assertEquals(String.valueOf(contentLength), r.header("Content-Length"));
            assertEquals("text/plain; charset=utf-8", r.header("Content-Type"));
            assertTrue(r.header("Date").endsWith(" GMT"), r.headers().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aBadRequestLineAnswers400AndCloses(String transport) throws Exception {
        try (ReusePortHttpServer s = server("a", ANY_PORT, epoll(transport))) {
            RawHttp r = RawHttp.exchange(s.address(), "not http at all\r\n\r\n", false);
            assertEquals(400, r.status());
            assertEquals("close", r.header("Connection"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void keepAliveServesSeveralRequestsOnOneConnection(String transport) throws Exception {
        try (ReusePortHttpServer s = server("a", ANY_PORT, epoll(transport));
                Socket c = new Socket(s.address().getAddress(), s.address().getPort())) {
            c.setSoTimeout(5_000);
            c.getOutputStream().write(("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /who HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("200 hi GET", RawHttp.read(c.getInputStream(), false).toString());
            assertEquals("200 ", RawHttp.read(c.getInputStream(), true).toString());
            assertEquals("200 a", RawHttp.read(c.getInputStream(), false).toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void http10WithoutKeepAliveIsClosedAfterTheAnswer(String transport) throws Exception {
        try (ReusePortHttpServer s = server("a", ANY_PORT, epoll(transport));
                Socket c = new Socket(s.address().getAddress(), s.address().getPort())) {
            c.setSoTimeout(5_000);
            c.getOutputStream().write("GET /who HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals("200 a", RawHttp.read(c.getInputStream(), false).toString());
            assertEquals(-1, c.getInputStream().read());
        }
    }

    /** The surge: a second server binds the first one's port, both answer, and the survivor answers alone. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void twoServersShareOnePortAndTheSurvivorAnswersAlone(String transport) throws Exception {
        boolean epoll = epoll(transport);
        ReusePortHttpServer old = server("old", ANY_PORT, epoll);
        try (ReusePortHttpServer surge = server("new", old.address(), epoll)) {
            assertEquals(old.address(), surge.address());
            Set<String> seen = new HashSet<>();
            // The kernel hashes each new connection's ports onto one of the two sockets.
            for (int i = 0; i < 200 && seen.size() < 2; i++) {
                seen.add(RawHttp.get(old.address(), "/who").body());
            }
            assertEquals(Set.of("old", "new"), seen);
            old.close();
            for (int i = 0; i < 50; i++) {
                assertEquals("200 new", RawHttp.get(surge.address(), "/who").toString());
            }
        } finally {
            old.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void aPortHeldWithoutReusePortIsAClearBindFailure(String transport) throws Exception {
        boolean epoll = epoll(transport);
        try (ServerSocket plain = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress taken = new InetSocketAddress("127.0.0.1", plain.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> server("late", taken, epoll));
            assertTrue(e.getMessage().startsWith("cannot listen on " + taken), e.getMessage());
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void acceptsFromStartOnAndReleasesThePortOnClose(String transport) throws Exception {
        boolean epoll = epoll(transport);
        InetSocketAddress at;
        try (ReusePortHttpServer s = new ReusePortHttpServer("test-http-late", ANY_PORT,
                Map.of("/who", m -> Response.text(200, "late")), epoll);
                Socket c = new Socket(s.address().getAddress(), s.address().getPort())) {
            at = s.address();
            c.getOutputStream().write("GET /who HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            c.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> c.getInputStream().read());
            s.start();
            c.setSoTimeout(5_000);
            assertEquals("200 late", RawHttp.read(c.getInputStream(), false).toString());
        }
        assertThrows(ConnectException.class, () -> RawHttp.get(at, "/who"));
        try (ServerSocket again = new ServerSocket(at.getPort(), 1, at.getAddress())) {
            assertEquals(at.getPort(), again.getLocalPort());
        }
    }

    /** No polling: an idle server's one thread (a daemon) sleeps in epoll_wait/select and costs no CPU. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio"})
    void anIdleServerSleeps(String transport) throws Exception {
        try (ReusePortHttpServer s = server("idle", ANY_PORT, epoll(transport))) {
            RawHttp.get(s.address(), "/who");
            String name = "test-http-idle-0";
            Thread loop = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name))
                    .findFirst().orElseThrow();
            assertTrue(loop.isDaemon());
            assertEquals(1, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).count());
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            Thread.sleep(200);
            long before = threads.getThreadCpuTime(loop.getId());
            Thread.sleep(1_000);
            long used = threads.getThreadCpuTime(loop.getId()) - before;
            assertTrue(used < 5_000_000, "idle event loop used " + used / 1000 + " µs of CPU in 1 s");
        }
    }
}
