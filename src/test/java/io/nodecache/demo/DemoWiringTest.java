package io.nodecache.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import io.nodecache.dns.authority.DemoZones;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The full application with demo pods: they start with it, their traffic shows in the API per pod, and the node
 * summary says it is demo traffic. With a Corefile given (the chart's case) the demo is off unless asked for.
 */
class DemoWiringTest {

    static final String COREFILE = """
            .:0 {
                errors
                cache 30
                bind 127.0.0.1
                forward . 127.0.0.1:%d
            }
            """;

    @Test
    void demoPodsShowInTheApiWhenEnabled() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                App app = App.start(upstream, "--nodecache.demo.enabled=true", "--nodecache.demo.pods=5",
                        "--nodecache.demo.interval=100ms")) {
            assertTrue(app.get("/api/v1/node").path("demo").asBoolean(), "the summary says demo");
            assertEquals(5, app.context.getBean(DemoTraffic.class).pods().size());

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long podClients = 0;
            JsonNode chains = null;
            while (System.nanoTime() < deadline) {
                JsonNode stats = app.get("/api/v1/stats?window=1m");
                podClients = 0;
                for (JsonNode c : stats.path("topClients")) {
                    if (c.path("key").asString().startsWith("127.0.1.")) {
                        podClients++;
                    }
                }
                chains = app.get("/api/v1/chains");
                if (podClients == 5 && chains.size() >= 3) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(5, podClients, "top clients: one per demo pod");
            assertTrue(chains.size() >= 3, chains.toString());
            for (JsonNode c : chains) {
                assertTrue(c.path("client").asString().startsWith("127.0.1."), c.toString());
            }
        }
    }

    @Test
    void aGivenCorefileMeansNoDemoUnlessAskedFor() throws Exception {
        try (TestUpstream upstream = TestUpstream.builder().withZones(DemoZones.all()).start();
                App app = App.start(upstream)) {
            assertEquals("false", app.context.getEnvironment().getProperty("nodecache.demo.enabled"));
            assertFalse(app.get("/api/v1/node").path("demo").asBoolean());
            assertTrue(app.context.getBeansOfType(DemoTraffic.class).isEmpty());
        }
    }

    /** The application on web port 0 with {@link #COREFILE} forwarding to {@code upstream}. */
    record App(ConfigurableApplicationContext context, Path corefile, int port) implements AutoCloseable {

        static App start(TestUpstream upstream, String... extra) throws Exception {
            Path corefile = Files.createTempFile("nodecache-demo-", ".Corefile");
            Files.writeString(corefile, COREFILE.formatted(upstream.port()));
            String[] args = new String[4 + extra.length];
            args[0] = "--server.port=0";
            args[1] = "--nodecache.conf=" + corefile;
            args[2] = "--nodecache.embedded-upstream=false";
            args[3] = "--nodecache.upstream-servers=127.0.0.1:" + upstream.port();
            System.arraycopy(extra, 0, args, 4, extra.length);
            try {
                ConfigurableApplicationContext context = new SpringApplicationBuilder(NodecacheApplication.class)
                        .run(args);
                return new App(context, corefile,
                        Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
            } catch (RuntimeException e) {
                Files.deleteIfExists(corefile);
                throw e;
            }
        }

        JsonNode get(String path) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
            return JsonMapper.builder().build().readTree(r.body());
        }

        @Override
        public void close() throws Exception {
            try {
                context.close();
            } finally {
                Files.deleteIfExists(corefile);
            }
        }
    }
}
