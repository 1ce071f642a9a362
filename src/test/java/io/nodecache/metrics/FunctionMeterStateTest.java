package io.nodecache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression: {@code coredns_nodecache_setup_errors_total} read NaN after a GC, because its state was a method
 * reference that only the meter (weakly) held; the kube-dns ConfigMap end-to-end test caught it.
 */
class FunctionMeterStateTest {

    @Test
    void setupErrorsStillCountAfterAGarbageCollection() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        NodeMetrics metrics = new NodeMetrics(registry, new PrintStream(new ByteArrayOutputStream()));
        long[] configmap = {3};
        metrics.bindSetupErrors(() -> Map.of("configmap", configmap[0]));

        collectGarbage();
        configmap[0] = 4;

        assertThat(registry.get("coredns.nodecache.setup.errors").tag("errortype", "configmap").functionCounter()
                .count()).isEqualTo(4.0);
    }

    private static void collectGarbage() throws InterruptedException {
        WeakReference<Object> canary = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && canary.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
    }
}
