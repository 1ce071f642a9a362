package io.nodecache.config;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Test-only: {@code nodecache.test.hang-on-stop=true} makes the first component to stop hang for good, so the
 * kube-proxy node test can show that a hang in shutdown delays neither the networking teardown (its own JVM hook)
 * nor the JVM's exit (the watchdog). Off unless that property is set.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "nodecache.test.hang-on-stop", havingValue = "true")
class HangOnStopForTests {

    @Bean
    SmartLifecycle hangOnStop() {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                System.out.println("[WARN] nodecache: nodecache.test.hang-on-stop: hanging in stop, as asked");
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
