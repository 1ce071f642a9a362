package io.nodecache.dns.runtime;

import io.nodecache.corefile.CorefileException;
import io.nodecache.corefile.NodeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * CoreDNS's {@code reload}: polls the Corefile and applies a changed one; a version that does not parse or cannot
 * be bound is logged and counted, and the last good configuration keeps serving.
 */
public final class CorefileReloader implements AutoCloseable {

    /** Turns Corefile text into a configuration (substituting pillars and parsing). */
    @FunctionalInterface
    public interface Loader {
        NodeConfig load(String text, String source) throws CorefileException;
    }

    private final Path file;
    private final Loader loader;
    private final NodeRuntime runtime;
    private final PrintStream log;
    private final LongAdder failures = new LongAdder();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-reload");
        t.setDaemon(true);
        return t;
    });
    private byte[] digest;

    /** @param currentText the text of the configuration now running, so an unchanged file is not re-applied */
    public CorefileReloader(Path file, String currentText, Loader loader, NodeRuntime runtime, PrintStream log) {
        this.file = file;
        this.loader = loader;
        this.runtime = runtime;
        this.log = log;
        this.digest = sha512(currentText.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public void start(Duration interval) {
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads the file once and applies it if it changed; returns true if a new configuration was applied. */
    public synchronized boolean check() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            fail("cannot read " + file + ": " + e.getMessage());
            return false;
        }
        byte[] sum = sha512(bytes);
        if (Arrays.equals(sum, digest)) {
            return false;
        }
        // Remember the digest even on failure: a bad file is reported once, not every poll.
        digest = sum;
        try {
            NodeConfig next = loader.load(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), file.toString());
            runtime.apply(next);
        } catch (CorefileException e) {
            fail(e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            fail(e.getMessage());
            return false;
        }
        log.println("[INFO] Reloading complete");
        log.println("[INFO] plugin/reload: Running configuration SHA512 = " + HexFormat.of().formatHex(sum));
        return true;
    }

    private void fail(String why) {
        failures.increment();
        log.println("[ERROR] Restart failed: " + why + " (keeping the last good configuration)");
    }

    /** Reloads that failed (coredns_reload_failed_total). */
    public long failures() {
        return failures.sum();
    }

    private static byte[] sha512(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-512", e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
