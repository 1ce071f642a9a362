package io.nodecache;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts a nodecache node: the embedded DNS cache server and the web console beside it. */
@SpringBootApplication
public class NodecacheApplication {

    public static void main(String[] args) {
        SpringApplication.run(NodecacheApplication.class, args);
    }
}
