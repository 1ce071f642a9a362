package io.nodecache.netif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The container's entrypoint, {@code src/main/sh/nodecache-supervisor} (the file the image copies), over a
 * {@link FakeNode} JVM: it tears down after the JVM whenever the JVM could not, exactly once, and never when the JVM
 * did or {@code skipteardown} says not to; it forwards SIGTERM and exits with the JVM's status. The teardown command
 * ({@code NODECACHE_TEARDOWN_CMD}) appends a line to {@code teardown.log}, so the lines count the teardowns.
 */
@Timeout(60)
class SupervisorTest {

    static final Path SCRIPT = Path.of("src/main/sh/nodecache-supervisor").toAbsolutePath();
    static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "exit {0}")
    @ValueSource(ints = {0, 1, 3, 137})
    void childThatExitsWithoutItsOwnTeardownIsTornDownAfterOnce(int status) throws Exception {
        Process supervisor = start(Map.of(), "--fake.run=exit:" + status);

        assertEquals(status, exitStatus(supervisor));
        assertEquals(1, teardowns(), log());
    }

    @Test
    void jvmThatRunsOutOfHeapUnderExitOnOutOfMemoryErrorIsTornDownAfter() throws Exception {
        Process supervisor = start(Map.of(), "--fake.run=oom");

        assertEquals(3, exitStatus(supervisor), log());
        assertTrue(log().contains("Terminating due to java.lang.OutOfMemoryError"), log());
        assertEquals(1, teardowns(), log());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"#!", "dash", "bash"})
    void childKilledWithSigkillIsTornDownAfterOnce(String shell) throws Exception {
        Process supervisor = start(shell, Map.of(), "--fake.run=hang");
        ProcessHandle child = ProcessHandle.of(Long.parseLong(awaitFile(dir.resolve("ready")))).orElseThrow();
        assertTrue(supervisor.toHandle().children().anyMatch(child::equals), "the JVM is the supervisor's child");
        assertEquals(List.of(child), fakeNodesRunning());

        child.destroyForcibly();

        assertEquals(137, exitStatus(supervisor));
        assertEquals(1, teardowns(), log());
    }

    @Test
    void childThatToreDownItselfIsNotTornDownAgain() throws Exception {
        Process supervisor = start(Map.of(), "--fake.run=torn-down");

        assertEquals(0, exitStatus(supervisor));
        assertEquals(0, teardowns(), log());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"#!", "dash", "bash"})
    void sigtermIsForwardedAndTheChildsStatusIsTheSupervisors(String shell) throws Exception {
        Process supervisor = start(shell, Map.of(), "--fake.run=hang", "--fake.term-marker=true",
                "--fake.term-status=42");
        awaitFile(dir.resolve("ready"));

        supervisor.destroy(); // SIGTERM

        assertEquals(42, exitStatus(supervisor));
        assertEquals("term", Files.readString(dir.resolve("got-term")));
        assertEquals(0, teardowns(), "the child tore down in its hook: " + log());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"#!", "dash", "bash"})
    void sigintReachesTheJvmAsSigtermAndItsMissingTeardownIsRunAfter(String shell) throws Exception {
        Process supervisor = start(shell, Map.of(), "--fake.run=hang");
        awaitFile(dir.resolve("ready"));

        signal(supervisor, "INT");

        assertEquals(143, exitStatus(supervisor));
        assertEquals("term", Files.readString(dir.resolve("got-term")));
        assertEquals(1, teardowns(), log());
    }

    /**
     * A SIGTERM at any moment of the start leaves no JVM behind: before the trap, before the child, or on the child
     * between fork and exec, where the shell's handler swallowed it and the JVM ran on (found here, now resent).
     */
    @ParameterizedTest(name = "{0} after {1}0 ms")
    @CsvSource({"#!, 0", "#!, 0", "#!, 0", "#!, 0", "#!, 1", "#!, 2", "#!, 3", "#!, 5",
                "bash, 0", "bash, 0", "bash, 0", "bash, 0", "bash, 1", "bash, 2", "bash, 3", "bash, 5"})
    void sigtermLandingBetweenForkAndExecStillStopsTheJvm(String shell, int moment) throws Exception {
        Process supervisor = start(shell, Map.of(), "--fake.run=hang");
        Thread.sleep(10L * moment); // not synchronisation: a spread of moments to land the signal on
        supervisor.destroy();

        assertEquals(143, exitStatus(supervisor), log());
        assertTrue(teardowns() <= 1, log());
        assertEquals(List.of(), fakeNodesRunning(), log());
    }

    @ParameterizedTest(name = "{0} {1} -> teardown {2}")
    @CsvSource(delimiter = ';', value = {
        "--skipteardown=true;                                  ; false",
        "--skipteardown=TRUE;                                  ; false",
        "--nodecache.skipteardown=yes;                         ; false",
        "--skipteardown=false;                                 ; true",
        "--skipteardown=false --nodecache.skipteardown=true;   ; true",
        "--localip=169.254.20.10;                              ; true",
        "--localip=169.254.20.10;                          true; false",
        "--skipteardown=false;                             true; true",
    })
    void skipteardownAsTheJvmReadsItLeavesTheHostNetworkingAlone(String args, String env, boolean tornDown)
            throws Exception {
        List<String> fakeArgs = new ArrayList<>(Arrays.asList(args.split(" ")));
        fakeArgs.add("--fake.run=exit:3");
        Process supervisor = start(env == null ? Map.of() : Map.of("NODECACHE_SKIPTEARDOWN", env),
                fakeArgs.toArray(String[]::new));

        assertEquals(3, exitStatus(supervisor));
        assertEquals(tornDown ? 1 : 0, teardowns(), log());
    }

    @Test
    void staleMarkerFromAnEarlierRunDoesNotSuppressTheTeardown() throws Exception {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/torn-down"), "");

        Process supervisor = start(Map.of(), "--fake.run=exit:3");

        assertEquals(3, exitStatus(supervisor));
        assertEquals(1, teardowns(), log());
    }

    @Test
    void hangingTeardownIsKilledAfterTheTimeout() throws Exception {
        // Ignores SIGTERM too, so only the SIGKILL after the grace ends it.
        String hang = "trap '' TERM; echo $$ > '" + dir.resolve("teardown.pid") + "'; while :; do sleep 1; done";
        long started = System.nanoTime();
        Process supervisor = start(Map.of("NODECACHE_TEARDOWN_CMD", hang, "NODECACHE_TEARDOWN_TIMEOUT", "1s"),
                "--fake.run=exit:3");

        assertEquals(3, exitStatus(supervisor));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "1s bound + 2s grace, took " + took);
        long pid = Long.parseLong(Files.readString(dir.resolve("teardown.pid")).strip());
        assertFalse(running(pid), "the hung teardown is gone");
        assertTrue(log().contains("did not finish within 1s"), log());
    }

    @Test
    void defaultTeardownIsTheSameCommandInTeardownMode() throws Exception {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("NODECACHE_TEARDOWN_CMD", null);
        Process supervisor = start(env, "--localip=169.254.20.10,10.96.0.10", "an arg with spaces",
                "--fake.run=exit:3");

        assertEquals(3, exitStatus(supervisor));
        assertEquals("--localip=169.254.20.10,10.96.0.10|an arg with spaces|--fake.run=exit:3"
                + "|--fake.dir=" + dir + "|--nodecache.teardown-only=true\n",
                Files.readString(dir.resolve("teardown.log")), log());
    }

    @Test
    void probeReadySaysReadyOnlyWhenTheJvmsReadinessFileDoes() throws Exception {
        Path state = dir.resolve("state");
        assertEquals("1 not started: no " + state.resolve("ready"), probe(state));
        Files.createDirectories(state);
        Files.writeString(state.resolve("ready"), "ready\n");
        assertEquals("0 ", probe(state));
        Files.writeString(state.resolve("ready"), "shutting down (lameduck): still answering, not taking new traffic\n");
        assertEquals("1 shutting down (lameduck): still answering, not taking new traffic", probe(state));
    }

    @Test
    void aStaleReadinessFileCountsForNothingOnceTheSupervisorStartsAgain() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state);
        Files.writeString(state.resolve("ready"), "ready\n"); // left by the container's previous run

        Process supervisor = start(Map.of(), "--fake.run=hang");
        awaitFile(dir.resolve("ready"));

        assertEquals("1 not started: no " + state.resolve("ready"), probe(state));
        supervisor.destroy();
        exitStatus(supervisor);
    }

    private String probe(Path state) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "--probe-ready").redirectErrorStream(true);
        pb.environment().put("NODECACHE_STATE_DIR", state.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue() + " " + out;
    }

    @Test
    void noCommandIsAUsageError() throws Exception {
        Process supervisor = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("supervisor.log").toFile()).start();

        assertEquals(64, exitStatus(supervisor));
    }

    private Process start(Map<String, String> env, String... args) throws Exception {
        return start("#!", env, args);
    }

    /**
     * The supervisor over a FakeNode given {@code args}, run by {@code shell} ({@code #!}: its own shebang, as the
     * image runs it; {@code bash} as on images whose sh is bash); env entries mapped to null are removed.
     */
    private Process start(String shell, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(shell.equals("#!") ? List.of() : List.of(shell));
        command.addAll(List.of(SCRIPT.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-cp",
                location(FakeNode.class) + File.pathSeparator + location(TeardownMarker.class),
                FakeNode.class.getName()));
        command.addAll(Arrays.asList(args));
        command.add("--fake.dir=" + dir);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("supervisor.log").toFile());
        Map<String, String> environment = pb.environment();
        environment.keySet().removeIf(k -> k.startsWith("NODECACHE_"));
        environment.put("NODECACHE_STATE_DIR", dir.resolve("state").toString());
        environment.put("NODECACHE_TEARDOWN_CMD", "echo ran >> '" + dir.resolve("teardown.log") + "'");
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        return pb.start();
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private int exitStatus(Process supervisor) throws Exception {
        if (!supervisor.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
            supervisor.destroyForcibly();
            fail("the supervisor did not exit within " + DEADLINE + ": " + log());
        }
        return supervisor.exitValue();
    }

    private String awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                fail(file + " did not appear within " + DEADLINE + ": " + log());
            }
            Thread.sleep(20);
        }
        return Files.readString(file);
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    /**
     * Whether the process runs: timeout(1) dies with the group it kills, so its killed child is an orphan that this
     * machine's init may leave a zombie, which {@link ProcessHandle#isAlive} counts as alive.
     */
    private static boolean running(long pid) throws IOException {
        String text;
        try {
            text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException e) {
            return false;
        }
        return text.charAt(text.lastIndexOf(')') + 2) != 'Z';
    }

    /** This test's FakeNode JVMs that still run (not the supervisor, whose subshells share its arguments). */
    private List<ProcessHandle> fakeNodesRunning() {
        String ours = "--fake.dir=" + dir;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("/java"))
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(ours)).orElse(false))
                .filter(p -> uncheckedRunning(p.pid())).toList();
    }

    private static boolean uncheckedRunning(long pid) {
        try {
            return running(pid);
        } catch (IOException e) {
            return false;
        }
    }

    private long teardowns() throws IOException {
        Path log = dir.resolve("teardown.log");
        return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
    }

    private String log() {
        try {
            return "\n" + Files.readString(dir.resolve("supervisor.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
