package io.nodecache.dashboard.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the login-less {@code none} mode on loopback, before the web server binds: with no {@code server.address} it
 * binds 127.0.0.1 (and says so); with a non-loopback one the start fails naming both properties. So the embedded
 * default's {@code java -jar} keeps working without a login on http://127.0.0.1:8080, and a dashboard reachable from
 * elsewhere always asks who is there.
 */
public final class LoopbackBinding implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    static final String MODE = "nodecache.dashboard.auth.mode";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        apply(event.getEnvironment());
    }

    /** @throws IllegalStateException when {@code none} would serve a non-loopback address */
    static void apply(ConfigurableEnvironment env) {
        String mode = env.getProperty(MODE, DashboardAuthProperties.NONE).strip();
        if (!mode.isEmpty() && !mode.equals(DashboardAuthProperties.NONE)) {
            return;
        }
        String address = env.getProperty("server.address");
        if (address == null || address.isBlank()) {
            env.getPropertySources().addFirst(new MapPropertySource("nodecache-dashboard-loopback",
                    Map.of("server.address", "127.0.0.1")));
            System.out.println("[INFO] nodecache dashboard: no login (" + MODE + "=none, the default), so it binds"
                    + " 127.0.0.1 only; set " + MODE + "=login or proxy to serve other addresses");
            return;
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(address.strip()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new IllegalStateException(MODE + "=none (the default) serves the dashboard without a login, so only"
                    + " on loopback, but server.address=" + address.strip() + " is not a loopback address: set "
                    + MODE + "=login (with nodecache.dashboard.auth.users-file) or " + MODE + "=proxy (with"
                    + " nodecache.dashboard.auth.trusted-proxies), or server.address=127.0.0.1");
        }
    }
}
