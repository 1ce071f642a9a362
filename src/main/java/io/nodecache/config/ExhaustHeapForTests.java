package io.nodecache.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Test-only: {@code nodecache.test.exhaust-heap-after=3s} makes the node, that long after its last component has
 * started (DNS served, rules in place), allocate and keep memory until the heap is gone: a real
 * {@link OutOfMemoryError} in the real JVM, so the kube-proxy node test can show that a JVM run with
 * {@code -XX:+ExitOnOutOfMemoryError} under the supervisor is torn down after by the supervisor. Off unless that
 * property is set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = ExhaustHeapForTests.AFTER)
class ExhaustHeapForTests {

    static final String AFTER = "nodecache.test.exhaust-heap-after";

    /** What the allocating thread keeps: reachable from a static, so no collection can free it. */
    private static final List<long[]> HOARD = new ArrayList<>();

    @Bean
    SmartLifecycle exhaustHeap(Environment env) {
        Duration after = Binder.get(env).bind(AFTER, Duration.class).get();
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
                Thread t = new Thread(() -> exhaust(after), "nodecache-test-exhaust-heap");
                t.setDaemon(true);
                t.start();
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            /** Last to start: everything the node runs is up before the countdown begins. */
            @Override
            public int getPhase() {
                return Integer.MAX_VALUE;
            }
        };
    }

    private static void exhaust(Duration after) {
        try {
            Thread.sleep(after.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        System.out.println("[WARN] nodecache: " + AFTER + ": exhausting the heap, as asked");
        System.out.flush();
        // 64 KiB at a time: below G1's humongous threshold, so the heap fills as a leak would fill it.
        while (true) {
            synchronized (HOARD) {
                HOARD.add(new long[8192]);
            }
        }
    }
}
