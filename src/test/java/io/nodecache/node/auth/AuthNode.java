package io.nodecache.node.auth;

import io.nodecache.NodecacheApplication;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * A whole node on loopback for the auth tests (DNS on a free port of 127.0.0.1, forwarding to a test upstream, the
 * web port free) with the caller's arguments and beans (a mock Kubernetes client, a ticker), and a plain HTTP client
 * to call it with whatever headers a test wants.
 */
public final class AuthNode implements AutoCloseable {

    public record Reply(int status, String body, String wwwAuthenticate) {}

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final ConfigurableApplicationContext context;
    private final Path corefile;
    /** The shared token's file ({@link #startWithTokenFile}), deleted on close; else null. */
    private Path tokenFile;
    public final int port;

    private AuthNode(ConfigurableApplicationContext context, Path corefile) {
        this.context = context;
        this.corefile = corefile;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /**
     * In {@code token} mode, as docker-compose runs it: {@code token} in a temporary file given as
     * {@code nodecache.api-token-file}, the web port on loopback; the file is the node's to delete on close.
     */
    public static AuthNode startWithTokenFile(TestUpstream upstream, List<String> directives, String token)
            throws IOException {
        Path file = Files.createTempFile("nodecache-api-token-", "");
        Files.writeString(file, token + "\n");
        try {
            AuthNode node = start(upstream, directives,
                    List.of("--nodecache.api-token-file=" + file, "--server.address=127.0.0.1"), c -> {});
            node.tokenFile = file;
            return node;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** The file {@link #startWithTokenFile} wrote the token to: rewrite it to rotate the token. */
    public Path tokenFile() {
        return tokenFile;
    }

    public static AuthNode start(TestUpstream upstream, List<String> args, Consumer<GenericApplicationContext> beans)
            throws IOException {
        return start(upstream, List.of(), args, beans);
    }

    /** With {@code directives} in the server block ({@code health 127.0.0.1:PORT}, {@code prometheus ...}). */
    public static AuthNode start(TestUpstream upstream, List<String> directives, List<String> args,
            Consumer<GenericApplicationContext> beans) throws IOException {
        Path corefile = Files.createTempFile("nodecache-auth-", ".Corefile");
        StringBuilder block = new StringBuilder(".:0 {\n    bind 127.0.0.1\n");
        directives.forEach(d -> block.append("    ").append(d).append('\n'));
        Files.writeString(corefile, block + "    forward . 127.0.0.1:" + upstream.port() + "\n}\n");
        List<String> all = new ArrayList<>(List.of("--nodecache.conf=" + corefile,
                "--nodecache.embedded-upstream=false", "--nodecache.demo.enabled=false",
                "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(), "--server.port=0",
                "--server.shutdown=immediate"));
        all.addAll(args);
        try {
            return new AuthNode(new SpringApplicationBuilder(NodecacheApplication.class)
                    .initializers(c -> beans.accept((GenericApplicationContext) c))
                    .run(all.toArray(String[]::new)), corefile);
        } catch (RuntimeException e) {
            Files.deleteIfExists(corefile);
            throw e;
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The node's DNS address (the Corefile asks for port 0). */
    public InetSocketAddress dns() {
        return context.getBean(io.nodecache.dns.runtime.NodeRuntime.class).addresses().get(0);
    }

    /** One request; for the event stream only the status and the first bytes are read, then it is closed. */
    public Reply call(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(15));
        headers.forEach(b::header);
        if (method.equals("PUT")) {
            b.header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\":false}"));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        String body;
        try (InputStream in = r.body()) {
            body = path.contains("/stream") && r.statusCode() == 200
                    ? new String(in.readNBytes(16), StandardCharsets.UTF_8) // the stream never ends by itself
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Reply(r.statusCode(), body, r.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    /** {@code nodecache_api_auth_denied_total{reason}} as the node counts it. */
    public double denied(String reason) {
        return context.getBean(io.micrometer.core.instrument.MeterRegistry.class).get("nodecache.api.auth.denied")
                .tag("reason", reason).counter().count();
    }

    @Override
    public void close() throws IOException {
        context.close();
        Files.deleteIfExists(corefile);
        if (tokenFile != null) {
            Files.deleteIfExists(tokenFile);
        }
    }
}
