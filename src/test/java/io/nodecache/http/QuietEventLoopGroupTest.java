package io.nodecache.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The loops sleep while idle, counted where the kernel counts it (the thread's voluntary context switches in
 * {@code /proc}), beside Netty's own loop in the same run; and they still wake for tasks and timers.
 */
class QuietEventLoopGroupTest {

    private static final long IDLE_MILLIS = 3_500;

    @Test
    void anIdleLoopSleepsWhereNettysWakesEverySecond() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll (Linux)");
        IoEventLoopGroup quiet = new QuietEventLoopGroup(1, named("quiet-idle"), EpollIoHandler.newFactory());
        IoEventLoopGroup netty = new MultiThreadIoEventLoopGroup(1, named("netty-idle"), EpollIoHandler.newFactory());
        try {
            quiet.submit(() -> { }).sync(); // both threads started and back in epoll_wait
            netty.submit(() -> { }).sync();
            Thread.sleep(200);
            long quiet0 = wakeUps("quiet-idle");
            long netty0 = wakeUps("netty-idle");
            Thread.sleep(IDLE_MILLIS);
            long quietWakeUps = wakeUps("quiet-idle") - quiet0;
            long nettyWakeUps = wakeUps("netty-idle") - netty0;
            System.out.printf("[quiet-loop] idle %d ms: quiet loop woke %d times, Netty's %d%n", IDLE_MILLIS,
                    quietWakeUps, nettyWakeUps);
            assertTrue(nettyWakeUps >= 3, "Netty's own loop wakes every second: " + nettyWakeUps);
            assertTrue(quietWakeUps == 0, "the quiet loop slept: " + quietWakeUps);
        } finally {
            quiet.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            netty.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void itStillWakesForTasksAndTimers() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll (Linux)");
        IoEventLoopGroup quiet = new QuietEventLoopGroup(1, named("quiet-tasks"), EpollIoHandler.newFactory());
        try {
            quiet.submit(() -> { }).sync();
            Thread.sleep(1_500); // asleep with no timer
            long t0 = System.nanoTime();
            CompletableFuture<Long> task = new CompletableFuture<>();
            quiet.execute(() -> task.complete(System.nanoTime()));
            long taskMillis = (task.get(2, TimeUnit.SECONDS) - t0) / 1_000_000;
            assertTrue(taskMillis < 100, "a task from another thread ran after " + taskMillis + " ms");

            Thread.sleep(1_500);
            long t1 = System.nanoTime();
            CompletableFuture<Long> timer = new CompletableFuture<>();
            quiet.schedule(() -> timer.complete(System.nanoTime()), 300, TimeUnit.MILLISECONDS);
            long timerMillis = (timer.get(3, TimeUnit.SECONDS) - t1) / 1_000_000;
            assertTrue(timerMillis >= 300 && timerMillis < 800, "a 300 ms timer fired after " + timerMillis + " ms");
        } finally {
            quiet.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static ThreadFactory named(String name) {
        return r -> {
            Thread t = new FastThreadLocalThread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** voluntary_ctxt_switches of this process's one thread called {@code name}. */
    private static long wakeUps(String name) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                if (Files.readString(task.resolve("comm")).strip().equals(name)) {
                    return Files.readAllLines(task.resolve("status")).stream()
                            .filter(l -> l.startsWith("voluntary_ctxt_switches:"))
                            .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
                            .findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no thread " + name);
    }
}
