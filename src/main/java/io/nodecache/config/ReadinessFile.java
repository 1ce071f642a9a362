package io.nodecache.config;

import io.nodecache.dns.runtime.Readiness;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * This instance's readiness in {@code $NODECACHE_STATE_DIR/ready} ("ready", or why not), for the exec probe
 * {@code nodecache-supervisor --probe-ready}.
 *
 * <p>On hostNetwork two instances share the health port during a surge rollout (SO_REUSEPORT), and the kubelet's HTTP
 * probe of either pod may reach either process: the new pod would look ready on the old one's answer. The state
 * directory is the container's own, so a probe that reads it asks this instance and no other.
 */
final class ReadinessFile {

    static final String FILE = "ready";

    private ReadinessFile() {}

    /** Keeps the file in step with {@code readiness} when the supervisor gave a state directory; else nothing. */
    static void follow(Readiness readiness, PrintStream log) {
        String dir = NodeNetworking.stateDirSetting();
        if (dir == null || dir.isBlank()) {
            return;
        }
        Path file = Path.of(dir).resolve(FILE);
        readiness.onChange(() -> write(file, readiness.ready() ? "ready" : readiness.describe(), log));
    }

    private static synchronized void write(Path file, String state, PrintStream log) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, state + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.println("[WARN] nodecache: cannot write the readiness file " + file + ": " + e);
        }
    }
}
