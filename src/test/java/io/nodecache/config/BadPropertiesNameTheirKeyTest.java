package io.nodecache.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.nodecache.NodecacheApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A bad property value stops the start with an error that names the property (and the value), on both ways a
 * node starts: {@code main}'s early start, which reads the arguments before Spring exists
 * ({@link EarlyProperties}, the launcher's roles), and Spring's own binding (tests, an application.properties).
 * The pillar properties are checked as values of their own, not reported later as a Corefile line.
 */
class BadPropertiesNameTheirKeyTest {

    static Path corefile;

    @BeforeAll
    static void corefile() throws IOException {
        corefile = Files.createTempFile("nodecache-badprops-", ".Corefile");
        Files.writeString(corefile, """
                .:0 {
                    bind __PILLAR__LOCAL__DNS__
                    forward . __PILLAR__UPSTREAM__SERVERS__
                }
                """);
    }

    @AfterAll
    static void delete() throws IOException {
        Files.deleteIfExists(corefile);
    }

    @ParameterizedTest(name = "{0} via {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            --nodecache.read-timeout=soon          | nodecache.read-timeout       | spring
            --nodecache.read-timeout=soon          | nodecache.read-timeout       | main
            --nodecache.udp-threads=many           | nodecache.udp-threads        | spring
            --nodecache.udp-threads=many           | nodecache.udp-threads        | main
            --nodecache.udp-transport=epol         | nodecache.udp-transport      | spring
            --nodecache.udp-transport=epol         | nodecache.udp-transport      | main
            --nodecache.kubednscm-interval=weekly  | nodecache.kubednscm-interval | spring
            --health-port=http                     | health-port                  | spring
            --health-port=http                     | health-port                  | main
            --syncinterval=often                   | syncinterval                 | spring
            --syncinterval=often                   | syncinterval                 | main
            --setupiptables=maybe                  | setupiptables                | spring
            --setupiptables=maybe                  | setupiptables                | main
            --nodecache.embedded-upstream=ture     | nodecache.embedded-upstream  | main
            --localip=kube-dns                     | localip: 'kube-dns'          | spring
            --localip=kube-dns                     | localip: 'kube-dns'          | main
            --localip=169.254.20.10,10.96.0.300    | localip: '10.96.0.300'       | main
            --nodecache.upstream-servers=dns.google | nodecache.upstream-servers: "dns.google" | spring
            --nodecache.upstream-servers=8.8.8.8:0 | nodecache.upstream-servers: "8.8.8.8:0"   | main
            --nodecache.cluster-dns=kube-dns       | nodecache.cluster-dns        | spring
            --nodecache.dns-server=10.96.0.10:53   | nodecache.dns-server: '10.96.0.10:53' | main
            --nodecache.demo.nodes=two             | nodecache.demo.nodes         | main
            --nodecache.node.enabled=ture          | nodecache.node.enabled       | main
            """)
    void aBadValueNamesItsProperty(String arg, String expected, String path) {
        List<String> args = new ArrayList<>(List.of("--nodecache.conf=" + corefile, "--server.port=0",
                "--nodecache.demo.enabled=false", arg));
        if (!arg.startsWith("--nodecache.upstream-servers=")) {
            args.add("--nodecache.upstream-servers=127.0.0.1:9");
        }
        if (!arg.startsWith("--nodecache.embedded-upstream=")) {
            args.add("--nodecache.embedded-upstream=false");
        }
        String[] argv = args.toArray(String[]::new);
        Throwable failure = assertThrows(Throwable.class, () -> {
            AutoCloseable started = path.equals("main") ? NodecacheApplication.start(argv)
                    : new SpringApplicationBuilder(NodecacheApplication.class).run(argv);
            started.close();
        });
        StringBuilder chain = new StringBuilder();
        for (Throwable c = failure; c != null; c = c.getCause()) {
            chain.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
        }
        assertThat(chain.toString()).contains(expected);
    }
}
