package io.nodecache;

import io.nodecache.config.DnsBootstrap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts a nodecache node: the embedded DNS cache server first, then the web console beside it. */
@SpringBootApplication
public class NodecacheApplication {

    public static void main(String[] args) {
        run(args);
    }

    /** What {@link #main} does, returning the context so tests can close it. */
    public static ConfigurableApplicationContext run(String[] args) {
        DnsBootstrap.startEarly(args);
        return SpringApplication.run(NodecacheApplication.class, args);
    }
}
