package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.NodecacheApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** node-cache refuses to start on a bad Corefile; so does nodecache, naming the file and line. */
class BadCorefileAtStartTest {

    @Test
    void startFailsNamingTheLineAndNodeCacheFlagNamesWork(@TempDir Path dir) throws Exception {
        Path corefile = dir.resolve("Corefile");
        Files.writeString(corefile, """
                .:0 {
                    errors
                    cache 30 {
                        prefetch 10 1m 5%
                    }
                    forward . 127.0.0.1:9
                }
                """);
        Throwable failure = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(NodecacheApplication.class)
                .run("--conf=" + corefile, "--localip=127.0.0.1", "--server.port=0",
                        "--nodecache.embedded-upstream=false"));
        String messages = chain(failure);
        assertTrue(messages.contains(corefile + ":4:"), messages);
        assertTrue(messages.contains("prefetch"), messages);
    }

    @Test
    void aLocalIpThatIsNotAnAddressStopsTheStartNamingTheFlag(@TempDir Path dir) throws Exception {
        Path corefile = dir.resolve("Corefile");
        Files.writeString(corefile, ".:0 {\n    forward . 127.0.0.1:9\n}\n");
        Throwable failure = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(NodecacheApplication.class)
                .run("--conf=" + corefile, "--setupiptables=true", "--localip=169.254.20.10,kube-dns",
                        "--server.port=0", "--nodecache.embedded-upstream=false"));
        assertTrue(chain(failure).contains("localip: 'kube-dns' is not an IP address"), chain(failure));
    }

    /** Regression: with a Corefile given, the demo upstream used to stand in silently for the cluster's DNS. */
    @Test
    void aGivenCorefileNeverForwardsClusterNamesToTheDemoUpstream(@TempDir Path dir) throws Exception {
        Path corefile = dir.resolve("Corefile");
        Files.writeString(corefile, "cluster.local:0 {\n    forward . __PILLAR__CLUSTER__DNS__\n}\n");
        Throwable failure = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(NodecacheApplication.class)
                .run("--conf=" + corefile, "--server.port=0", "--upstreamsvc=nodecache-test-absent-svc"));
        assertTrue(chain(failure).contains("__PILLAR__CLUSTER__DNS__"), chain(failure));
        assertTrue(chain(failure).contains(corefile + ":2:"), chain(failure));
    }

    private static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
