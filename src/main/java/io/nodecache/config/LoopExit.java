package io.nodecache.config;

import java.io.PrintStream;

/** Stops the process on a forwarding loop, as CoreDNS's loop plugin does with log.Fatal. */
final class LoopExit {

    private LoopExit() {}

    static void exit(PrintStream log, String message) {
        log.println("[FATAL] plugin/loop: " + message);
        log.flush();
        // Off the DNS thread: System.exit runs shutdown hooks that close the listeners this thread belongs to.
        Thread t = new Thread(() -> System.exit(1), "nodecache-loop-exit");
        t.start();
    }
}
