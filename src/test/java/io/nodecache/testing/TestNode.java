package io.nodecache.testing;

import io.nodecache.NodecacheApplication;
import io.nodecache.dns.runtime.NodeRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole node application (DNS, node API, console) on loopback for tests: one server block on a free port of
 * 127.0.0.1 forwarding everything to {@code upstream}, its web side on a free port, no demo pods — the node the
 * dashboard's tests read over HTTP, as it reads nodes in a cluster.
 */
public final class TestNode implements AutoCloseable {

    private final Path corefile;
    private final ConfigurableApplicationContext context;

    private TestNode(Path corefile, ConfigurableApplicationContext context) {
        this.corefile = corefile;
        this.context = context;
    }

    /** A node forwarding to {@code upstream}; {@code directives} go into its server block (e.g. {@code "log"}). */
    public static TestNode start(TestUpstream upstream, String... directives) {
        return start(upstream, List.of(directives), List.of());
    }

    /**
     * As {@link #start(TestUpstream, String...)}, with extra application arguments ({@code --NODE_NAME=...}; a
     * {@code --server.port=...} among them replaces the free port).
     */
    public static TestNode start(TestUpstream upstream, List<String> directives, List<String> args) {
        Path corefile;
        try {
            corefile = Files.createTempFile("nodecache-test-node-", ".Corefile");
            StringBuilder block = new StringBuilder(".:0 {\n    bind 127.0.0.1\n");
            directives.forEach(d -> block.append("    ").append(d).append('\n'));
            block.append("    forward . 127.0.0.1:").append(upstream.port()).append("\n}\n");
            Files.writeString(corefile, block);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> all = new ArrayList<>(List.of("--nodecache.conf=" + corefile,
                "--nodecache.embedded-upstream=false", "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(),
                "--nodecache.demo.enabled=false"));
        // A free web port unless the caller names one (a second --server.port would be read as "0,PORT").
        if (args.stream().noneMatch(a -> a.startsWith("--server.port="))) {
            all.add("--server.port=0");
        }
        all.addAll(args);
        try {
            return new TestNode(corefile, new SpringApplicationBuilder(NodecacheApplication.class)
                    .run(all.toArray(String[]::new)));
        } catch (RuntimeException e) {
            corefile.toFile().delete();
            throw e;
        }
    }

    public int webPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public int dnsPort() {
        return context.getBean(NodeRuntime.class).addresses().get(0).getPort();
    }

    /** {@code http://127.0.0.1:PORT}, as a static node list names it. */
    public String url() {
        return "http://127.0.0.1:" + webPort();
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    @Override
    public void close() {
        context.close();
        try {
            Files.deleteIfExists(corefile);
        } catch (IOException ignored) {
            // A temp file left behind is not worth failing a test for.
        }
    }
}
