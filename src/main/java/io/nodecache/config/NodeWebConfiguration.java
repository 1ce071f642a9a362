package io.nodecache.config;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The node's web port (console and node API) bindable by a second node beside it: with
 * {@code nodecache.web-reuse-port} its Tomcat connector binds with SO_REUSEPORT ({@link ReusePortNioProtocol}), so a
 * DaemonSet's {@code maxSurge: 1} pod, on the host network beside the old one, starts while the old one serves.
 *
 * <p>On by default exactly when the node sets up host networking ({@code setupinterface} or {@code setupiptables}):
 * elsewhere a second node started on the same port by mistake still fails at start, naming the port. The dashboard
 * (not on the host network) has its own context and never sees this.
 */
@Configuration(proxyBeanMethods = false)
class NodeWebConfiguration {

    static final String WEB_REUSE_PORT = "nodecache.web-reuse-port";

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> reusePortConnector(Environment env,
            ObjectProvider<NodeProperties> node) {
        boolean on = webReusePort(env, node.getIfAvailable());
        return factory -> {
            if (on) {
                factory.setProtocol(ReusePortNioProtocol.class.getName());
            }
        };
    }

    /** As set, else whether the node sets up host networking (node-cache's flags count, as everywhere). */
    static boolean webReusePort(Environment env, NodeProperties node) {
        boolean hostNetwork = node != null && (node.setupinterface() || node.setupiptables());
        return env.getProperty(WEB_REUSE_PORT, Boolean.class, hostNetwork);
    }
}
