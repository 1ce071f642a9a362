package io.nodecache.netif;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The file by which the node tells its entrypoint, {@code src/main/sh/nodecache-supervisor}, that its own teardown
 * removed everything: {@code $NODECACHE_STATE_DIR/torn-down}, default {@code /run/nodecache/torn-down}. The supervisor
 * removes it before starting the JVM and, when the JVM has exited, runs the teardown again unless it finds it.
 */
public final class TeardownMarker {

    /** The environment variable the supervisor sets (and exports) to the directory of the marker. */
    public static final String STATE_DIR_ENV = "NODECACHE_STATE_DIR";
    public static final Path DEFAULT_STATE_DIR = Path.of("/run/nodecache");

    private final Path file;

    public TeardownMarker(Path file) {
        this.file = file;
    }

    /** The marker where the supervisor looks for it, given the process environment ({@link System#getenv()}). */
    public static TeardownMarker fromEnvironment(Map<String, String> env) {
        String dir = env.get(STATE_DIR_ENV);
        Path stateDir = dir == null || dir.isEmpty() ? DEFAULT_STATE_DIR : Path.of(dir);
        return new TeardownMarker(stateDir.resolve("torn-down"));
    }

    public Path file() {
        return file;
    }

    /**
     * Writes the marker, holding this JVM's pid for whoever reads it. Call it only after a teardown that removed every
     * rule and address: without it the supervisor tears down again, which costs a second of nothing, while a marker
     * after a partial teardown would leave the node's pods without DNS.
     *
     * @return whether it was written; when not, the supervisor's teardown follows, which is safe
     */
    public boolean write() {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, ProcessHandle.current().pid() + "\n", StandardCharsets.UTF_8);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
