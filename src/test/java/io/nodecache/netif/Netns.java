package io.nodecache.netif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A network namespace of a test class's own ({@code nc-netif-<random>}), with {@code lo} up, as a JUnit extension:
 * {@code @RegisterExtension static final Netns ns = new Netns();} makes it before the class's first test, empties it
 * ({@link #reset()}) after each test (after the class's own {@code @AfterEach} methods), and deletes it after the last.
 */
final class Netns implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    final String name = "nc-netif-" + UUID.randomUUID().toString().substring(0, 8);
    private boolean created;

    @Override
    public void beforeAll(ExtensionContext context) {
        host("ip", "netns", "add", name);
        created = true;
        host("ip", "-n", name, "link", "set", "lo", "up");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** The prefix NetworkSetup runs its commands under. */
    List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** Runs a command in the namespace and returns its stdout; fails the test if it fails. */
    String exec(String... command) {
        List<String> all = new ArrayList<>(prefix());
        all.addAll(List.of(command));
        return host(all.toArray(String[]::new));
    }

    /** Runs a command in the namespace, ignoring how it ends. */
    void quietly(String... command) {
        try {
            exec(command);
        } catch (IllegalStateException e) {
            // fine
        }
    }

    /** Empties every table of both backends and both families, and takes our addresses off lo. */
    void reset() {
        for (String bin : List.of("iptables-nft", "ip6tables-nft", "iptables-legacy", "ip6tables-legacy")) {
            for (String table : List.of("raw", "filter")) {
                quietly(bin, "-w", "5", "-t", table, "-F");
            }
        }
        quietly("ip", "addr", "flush", "dev", "lo");
        quietly("ip", "link", "set", "lo", "up");
        quietly("ip", "addr", "add", "127.0.0.1/8", "dev", "lo");
    }

    /** A DNS server (dnsmasq) in the namespace on {@code ip} port {@code port}, UDP and TCP: another process serving. */
    Process serveDns(String ip, int port) throws IOException {
        List<String> all = new ArrayList<>(prefix());
        all.addAll(List.of("dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--conf-file=/dev/null",
                "--bind-interfaces", "--listen-address=" + ip, "--except-interface=nothing", "--port=" + port,
                "--user=root", "--pid-file="));
        return new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** The rule lines ({@code -A ...}) of a save command, e.g. {@code iptables-nft-save}. */
    List<String> rules(String save) {
        return exec(save).lines().filter(l -> l.startsWith("-A ")).toList();
    }

    static String host(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (created) {
            created = false;
            host("ip", "netns", "del", name);
        }
    }
}
