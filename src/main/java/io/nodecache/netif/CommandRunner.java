package io.nodecache.netif;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command under a fixed prefix ({@code ip netns exec NS} in tests), stdin from {@code /dev/null},
 * killed with its children past a timeout. Never throws: a command that cannot start is a failed {@link Result}.
 */
final class CommandRunner {

    /** What a command did: its exit code ({@code -1} if it never started or was killed), its output, its errors. */
    record Result(int exitCode, String stdout, String stderr, boolean timedOut) {

        boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** One line for the log and {@code lastError}: stderr if it said anything, else the exit code. */
        String why() {
            if (timedOut) {
                return "timed out";
            }
            String err = stderr.strip();
            return err.isEmpty() ? "exit code " + exitCode : err.lines().reduce((a, b) -> a + "; " + b).orElse(err);
        }
    }

    private static final File DEV_NULL = new File("/dev/null");
    /** Reads the commands' output; its own daemon threads, so a blocked read never holds the common pool. */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "netif-command-output");
        t.setDaemon(true);
        return t;
    });

    private final List<String> prefix;

    CommandRunner(List<String> prefix) {
        this.prefix = List.copyOf(prefix);
    }

    /** Runs {@code prefix + args}, waiting at most {@code timeout}; a zero or negative timeout runs nothing. */
    Result run(List<String> args, Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            return new Result(-1, "", "not run: no time left", true);
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(args);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        } catch (IOException e) {
            return new Result(-1, "", "cannot run " + command.get(0) + ": " + e.getMessage(), false);
        }
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            return new Result(-1, out.getNow(""), err.getNow(""), true);
        }
        return new Result(process.exitValue(), out.join(), err.join(), false);
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, READERS).exceptionally(e -> "");
    }
}
