package io.nodecache.config;

import io.nodecache.dns.runtime.NodeRuntime;
import java.io.PrintStream;
import java.time.Duration;

/**
 * How a node stops, once, whoever asks first (the JVM's SIGTERM hook or Spring closing the context):
 * <ol>
 *   <li>readiness goes false, so Kubernetes sends no new traffic (Cilium's redirect, a rollout's count);</li>
 *   <li>the networking teardown, first and bounded, unless another instance on the node serves the addresses;</li>
 *   <li>the Corefile's {@code health { lameduck D }}: the node keeps answering for D, as CoreDNS does;</li>
 *   <li>the DNS listeners close; if the addresses were left to another instance that has gone meanwhile, the
 *       teardown runs now.</li>
 * </ol>
 * The hook runs beside Spring's own: a component that hangs in its stop delays none of this, and a watchdog halts the
 * JVM if the shutdown as a whole outlives the lameduck period plus {@link #SHUTDOWN_BOUND}.
 */
final class NodeStop {

    /** The JVM is halted if its shutdown lasts longer than this past the lameduck: under Kubernetes' 30 s grace. */
    static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(20);

    private final NodeRuntime runtime;
    private final NodeNetworking networking;
    private final PrintStream log;
    private boolean done;
    private Thread hook;

    /** @param networking the node's networking, or null when it sets none up */
    NodeStop(NodeRuntime runtime, NodeNetworking networking, PrintStream log) {
        this.runtime = runtime;
        this.networking = networking;
        this.log = log;
    }

    /** From now on a SIGTERM runs the stop sequence at once, beside Spring's shutdown. */
    void armJvmHook() {
        hook = new Thread(this::onJvmShutdown, "nodecache-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onJvmShutdown() {
        Duration bound = SHUTDOWN_BOUND.plus(lameduck());
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(bound.toMillis());
                log.println("[ERROR] nodecache: shutdown took longer than " + bound + ": halting");
                log.flush();
                Runtime.getRuntime().halt(143);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nodecache-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        run();
    }

    /** The sequence above; a second caller waits for the first to finish it. */
    synchronized void run() {
        if (done) {
            return;
        }
        done = true;
        runtime.readiness().stopping();
        if (networking != null) {
            networking.stopping();
        }
        Duration lameduck = lameduck();
        if (!lameduck.isZero()) {
            log.println("[INFO] nodecache: lameduck " + lameduck + ": not ready, still answering");
            log.flush();
            try {
                Thread.sleep(lameduck.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        runtime.closeListeners();
        if (networking != null) {
            networking.listenersClosed();
        }
    }

    /** Spring closed the context without the JVM exiting (tests, a failed start): the JVM hook is not needed. */
    void disarmJvmHook() {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private Duration lameduck() {
        return runtime.config() == null ? Duration.ZERO : runtime.config().lameduck();
    }
}
