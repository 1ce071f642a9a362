package io.nodecache.kubernetes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the Kubernetes API server's {@code pods/proxy} for tests (fabric8's mock server has none): authenticates the
 * caller's bearer token, strips {@code Authorization} as the real one does, forwards to the pod's address and copies
 * the answer back as it comes, so a Server-Sent Events stream stays a stream.
 */
final class FakeApiServer implements AutoCloseable {

    private static final Pattern PROXY = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/:]+):(\\d+)/proxy/(.*)");

    private final String token;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-apiserver");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, URI> pods = new ConcurrentHashMap<>();
    private static final java.util.Set<String> NOT_FORWARDED = java.util.Set.of("authorization", "host", "connection",
            "content-length", "expect", "upgrade", "keep-alive", "transfer-encoding", "te", "trailer",
            "proxy-authorization", "proxy-connection");

    /** The Authorization header of each request forwarded to a pod (null: none), to check the stripping. */
    final List<String> forwardedAuthorization = new CopyOnWriteArrayList<>();

    FakeApiServer(String token) throws IOException {
        this.token = token;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Where the API server finds {@code namespace/pod}'s port: the address of a node app on loopback. */
    void pod(String namespace, String pod, int port, URI address) {
        pods.put(namespace + "/" + pod + ":" + port, address);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Unauthorized\","
                        + "\"code\":401}");
                return;
            }
            Matcher m = PROXY.matcher(ex.getRequestURI().getRawPath());
            URI pod = m.matches() ? pods.get(m.group(1) + "/" + m.group(2) + ":" + m.group(3)) : null;
            if (pod == null) {
                reply(ex, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\","
                        + "\"code\":404}");
                return;
            }
            String query = ex.getRequestURI().getRawQuery();
            URI target = pod.resolve(m.group(4) + (query == null ? "" : "?" + query));
            byte[] body = ex.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(target)
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            // The caller's headers pass on, as the API server's proxy passes them, but for Authorization (which it
            // strips after authenticating) and the hop-by-hop ones it sets itself.
            ex.getRequestHeaders().forEach((h, values) -> {
                if (!NOT_FORWARDED.contains(h.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> b.header(h, v));
                }
            });
            HttpRequest forwarded = b.build();
            forwardedAuthorization.add(forwarded.headers().firstValue("Authorization").orElse(null));
            HttpResponse<InputStream> r;
            try {
                r = http.send(forwarded, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reply(ex, 503, "interrupted");
                return;
            }
            r.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
            ex.sendResponseHeaders(r.statusCode(), r.statusCode() == 204 ? -1 : 0); // 0: chunked, length unknown
            try (InputStream in = r.body(); OutputStream out = ex.getResponseBody()) {
                byte[] buf = new byte[8192];
                int n;
                // Copy each piece as it arrives and flush it: buffering the body would turn a stream into nothing.
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } finally {
            ex.close();
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
