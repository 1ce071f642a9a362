package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Failures are counted by node-cache's errortype and logged, and never thrown. */
class NetworkSetupErrorsTest {

    @RegisterExtension
    static final Netns ns = new Netns();

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void clean() {
        ns.quietly("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0");
        ns.quietly("sysctl", "-qw", "net.ipv6.conf.lo.disable_ipv6=0");
    }

    private String logged() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCommandThatCannotRunIsCountedNotThrown() {
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(List.of("/nonexistent/ip"), "169.254.20.10"), log);

        assertThatCode(() -> {
            s.setUp();
            s.sync();
            s.tearDown(Duration.ofSeconds(5));
        }).doesNotThrowAnyException();

        assertThat(s.errors()).containsOnlyKeys(NetworkSetup.ERROR_TYPES);
        assertThat(s.errors().get("iptables")).isPositive();
        assertThat(s.errors().get("interface_check")).isPositive();
        assertThat(s.errors().get("configmap")).isZero();
        assertThat(s.state().lastError()).isNotNull();
        assertThat(s.state().rulesPresent()).isZero();
    }

    @Test
    void missingIptablesBinariesAreCountedAndSaid() {
        List<String> prefix = new ArrayList<>(ns.prefix());
        prefix.addAll(List.of("env", "PATH=/nonexistent:/usr/bin:/bin")); // ip is in /usr/bin or /bin; iptables in /usr/sbin
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(prefix, "169.254.20.10"), log);

        s.setUp();

        assertThat(s.errors().get("iptables")).isPositive();
        assertThat(logged()).contains("iptables-nft cannot run").contains("rules are not set up");
        assertThat(s.state().rulesPresent()).isZero();
        assertThat(s.state().rulesExpected()).isEqualTo(12);
        s.tearDown(Duration.ofSeconds(5));
    }

    @Test
    void anAddressThatCannotBeAddedIsCounted() {
        ns.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        ns.exec("sysctl", "-qw", "net.ipv6.conf.lo.disable_ipv6=1");
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(ns.prefix(), "169.254.20.10", "fd00::10"), log);

        s.setUp();

        assertThat(s.errors().get("interface_add")).isPositive();
        assertThat(s.state().addresses()).containsExactly("169.254.20.10");
        assertThat(logged()).contains("cannot add fd00::10/128 to lo");
        s.tearDown(Duration.ofSeconds(5));
    }

    @Test
    void anotherAppHoldingTheXtablesLockIsCountedAsIptablesLockAndTheNextSyncRepairs(@TempDir Path dir)
            throws Exception {
        // legacy takes the xtables lock (nft does not): make it the backend, with a lock file of the test's own
        ns.exec("iptables-legacy", "-t", "filter", "-A", "INPUT", "-p", "tcp", "--dport", "10250", "-j", "ACCEPT");
        Path lockFile = Files.createFile(dir.resolve("xtables.lock"));
        List<String> prefix = new ArrayList<>(ns.prefix());
        prefix.addAll(List.of("env", "XTABLES_LOCKFILE=" + lockFile));
        NetworkSetup s = new NetworkSetup(NetworkSetupTest.config(prefix, "169.254.20.10"), log, 1);
        Process holder = new ProcessBuilder("flock", lockFile.toString(), "sleep", "3").start();
        try {
            Thread.sleep(300);
            s.setUp();
        } finally {
            holder.waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(s.errors().get("iptables_lock")).isPositive();
        assertThat(s.state().lastError()).contains("holding the xtables lock");
        s.sync();
        assertThat(ns.rules("iptables-legacy-save").stream().filter(l -> l.contains("NodeLocal DNS Cache"))).hasSize(12);
        assertThat(s.state().rulesPresent()).isEqualTo(12);
        s.tearDown(Duration.ofSeconds(10));
        assertThat(ns.rules("iptables-legacy-save").stream().filter(l -> l.contains("NodeLocal DNS Cache"))).isEmpty();
    }
}
