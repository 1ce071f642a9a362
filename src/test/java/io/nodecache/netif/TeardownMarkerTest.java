package io.nodecache.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The marker is where {@code nodecache-supervisor} looks for it; {@link SupervisorTest} runs the two together. */
class TeardownMarkerTest {

    @TempDir
    Path dir;

    @Test
    void defaultsToTheSupervisorsStateDirectory() {
        assertEquals(Path.of("/run/nodecache/torn-down"), TeardownMarker.fromEnvironment(Map.of()).file());
        assertEquals(Path.of("/run/nodecache/torn-down"),
                TeardownMarker.fromEnvironment(Map.of("NODECACHE_STATE_DIR", "")).file());
    }

    @Test
    void writesIntoTheStateDirectoryTheSupervisorExports() throws Exception {
        Path state = dir.resolve("not/yet");
        TeardownMarker marker = TeardownMarker.fromEnvironment(Map.of("NODECACHE_STATE_DIR", state.toString()));

        assertTrue(marker.write());
        assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(state.resolve("torn-down")));
    }

    @Test
    void aMarkerItCannotWriteIsReportedNotThrown() throws Exception {
        Files.writeString(dir.resolve("file"), "");

        assertFalse(new TeardownMarker(dir.resolve("file/torn-down")).write());
    }
}
