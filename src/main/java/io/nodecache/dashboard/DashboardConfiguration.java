package io.nodecache.dashboard;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.nodecache.dashboard.chains.ChainHistory;
import io.nodecache.dashboard.discovery.KubernetesDiscovery;
import io.nodecache.dashboard.discovery.NodeDiscovery;
import io.nodecache.dashboard.discovery.StaticDiscovery;
import io.nodecache.dashboard.pods.KubernetesPodDirectory;
import io.nodecache.dashboard.pods.PodDirectory;
import io.nodecache.dashboard.pods.StaticPodDirectory;
import io.nodecache.dashboard.transport.DirectTransport;
import io.nodecache.dashboard.transport.NodeToken;
import io.nodecache.dashboard.transport.NodeTransport;
import io.nodecache.kubernetes.PodProxyTransport;
import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Builds the dashboard from its properties: discovery, pod directory and transport (static or Kubernetes, as
 * configured), the chain history and the monitor that refreshes them; starts the monitor with the context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DashboardProperties.class)
class DashboardConfiguration {

    @Bean
    Clock dashboardClock() {
        return Clock.systemUTC();
    }

    /** Only built when something Kubernetes is configured: fabric8 resolves in-cluster config or the kubeconfig. */
    @Bean(destroyMethod = "close")
    @Lazy
    KubernetesClient kubernetesClient() {
        // No retries: a logging toggle is sent once (a retried "on" could outlive an operator's "off"), and a
        // refresh that fails is the next refresh's to try, within its own timeout.
        Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(0).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Bean
    NodeDiscovery nodeDiscovery(DashboardProperties p, ObjectProvider<KubernetesClient> client, Clock clock) {
        if (p.discovery().equals("static")) {
            return StaticDiscovery.parse(p.nodes());
        }
        return new KubernetesDiscovery(client.getObject(), p.namespace(), p.labelSelector(), p.nodePort(),
                p.effectiveTransport().equals("proxy"), p.goneRetention(), clock);
    }

    @Bean
    PodDirectory podDirectory(DashboardProperties p, ObjectProvider<KubernetesClient> client, Clock clock) {
        if (p.discovery().equals("static")) {
            return StaticPodDirectory.parse(p.pods());
        }
        return new KubernetesPodDirectory(client.getObject(), p.podHistory(), clock);
    }

    /** Where the projected ServiceAccount token for the nodes' audience is mounted (the chart's volume). */
    static final String DEFAULT_NODE_TOKEN_FILE = "/var/run/secrets/nodecache/token";

    /**
     * The token presented to the nodes: {@code nodecache.dashboard.node-token-file} if set; else the shared
     * {@code nodecache.api-token} or {@code nodecache.api-token-file}; else, in a cluster, the projected token at
     * {@value #DEFAULT_NODE_TOKEN_FILE}; else none (nodes on loopback without a check).
     */
    @Bean
    NodeToken nodeToken(Environment env) {
        String file = env.getProperty("nodecache.dashboard.node-token-file", "");
        String shared = env.getProperty("nodecache.api-token", "");
        String sharedFile = env.getProperty("nodecache.api-token-file", "");
        NodeToken token;
        if (!file.isBlank()) {
            token = NodeToken.file(Path.of(file.strip()));
        } else if (!shared.isBlank()) {
            token = NodeToken.fixed(shared.strip());
        } else if (!sharedFile.isBlank()) {
            token = NodeToken.file(Path.of(sharedFile.strip()));
        } else if (env.getProperty("KUBERNETES_SERVICE_HOST") != null) {
            token = NodeToken.file(Path.of(DEFAULT_NODE_TOKEN_FILE));
        } else {
            token = NodeToken.none();
        }
        System.out.println("[INFO] nodecache dashboard: node token: " + token.source());
        return token;
    }

    @Bean
    NodeTransport nodeTransport(DashboardProperties p, ObjectProvider<KubernetesClient> client, NodeToken token) {
        if (p.effectiveTransport().equals("proxy")) {
            return new PodProxyTransport(client.getObject(), token);
        }
        return new DirectTransport(p.timeout(), token);
    }

    @Bean
    ClusterMonitor clusterMonitor(NodeDiscovery discovery, PodDirectory pods, NodeTransport transport,
            DashboardProperties p, Clock clock) {
        return new ClusterMonitor(discovery, pods, transport, p.effectiveTransport(), p.refresh(), p.timeout(), clock,
                new ChainHistory(clock), System.out);
    }

    @Bean
    LoggingToggle loggingToggle(ClusterMonitor monitor, DashboardProperties p, Clock clock) {
        return new LoggingToggle(monitor, p.timeout(), clock, System.out);
    }

    @Bean
    SmartLifecycle clusterMonitorLifecycle(ClusterMonitor monitor) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                monitor.start();
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                monitor.close();
            }

            @Override
            public boolean isRunning() {
                return running;
            }
        };
    }
}
