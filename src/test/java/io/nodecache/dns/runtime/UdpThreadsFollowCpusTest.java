package io.nodecache.dns.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The default number of UDP receive threads is the CPUs the process may use, read by a real JVM started under a
 * real affinity mask ({@code taskset}): one CPU, one thread — not the host's core count, and not at least two.
 */
class UdpThreadsFollowCpusTest {

    /** Prints what a node started in this JVM would use. */
    public static final class Print {
        public static void main(String[] args) {
            System.out.println(RuntimeOptions.defaults().udpThreads());
        }
    }

    @Test
    void oneCpuMeansOneReceiveThread() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/taskset")), "taskset (util-linux)");
        assertEquals(1, udpThreadsUnder("0"));
    }

    @Test
    void everyCpuOfTheMaskCounts() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        assumeTrue(cpus >= 2 && Files.isExecutable(Path.of("/usr/bin/taskset")), "two CPUs and taskset");
        assertEquals(2, udpThreadsUnder("0,1"));
    }

    private static int udpThreadsUnder(String cpuList) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of("/usr/bin/taskset", "-c", cpuList, java.toString(), "-cp",
                System.getProperty("java.class.path"), Print.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        String[] lines = out.split("\\R");
        return Integer.parseInt(lines[lines.length - 1].strip());
    }
}
