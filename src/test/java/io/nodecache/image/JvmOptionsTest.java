package io.nodecache.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code src/main/jvm/jvm.options}, the JVM flags the image, the chart, the benchmark and the end-to-end tests share,
 * is a java @argfile a real JVM accepts.
 */
class JvmOptionsTest {

    /** The argfile, absolute, as {@code @PATH} on a java command line. */
    static final Path ARGFILE = Path.of("src", "main", "jvm", "jvm.options").toAbsolutePath();

    /** Its options: comments ({@code #} to the end of the line) and blank lines dropped, one option a line. */
    static List<String> options() throws IOException {
        return Files.readAllLines(ARGFILE).stream().map(l -> l.replaceFirst("#.*", "").strip())
                .filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void everyLineIsOneJvmOption() throws IOException {
        assertThat(options()).isNotEmpty().allSatisfy(o -> {
            assertThat(o).as("a JVM option, not a main class or a program argument").startsWith("-");
            assertThat(o).as("one option a line, unquoted").doesNotContainAnyWhitespaces().doesNotContain("\"", "'");
        });
    }

    @Test
    void keepsWhatTheSupervisorAndThePodSizeRelyOn() throws IOException {
        // the supervisor tears down after the JVM exits on OOM; the chart's memory limit is sized for this heap
        assertThat(options()).contains("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .anyMatch(o -> o.startsWith("-Xmx"));
        // only the image has the CDS archive, and a missing one turns off class sharing altogether (JDK 17)
        assertThat(options()).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
    }

    @Test
    void aRealJavaAcceptsIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "@" + ARGFILE, "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("version").doesNotContainIgnoringCase("warning").doesNotContainIgnoringCase("unrecognized");
    }

    @Test
    void theJvmTakesEveryFlagFromIt() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "@" + ARGFILE, "-XX:+PrintCommandLineFlags", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> printed = Arrays.asList(out.lines().findFirst().orElseThrow().split("\\s+"));
        assertThat(printed).contains("-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=33554432", "-XX:MaxMetaspaceSize=83886080", "-XX:MaxHeapSize=67108864",
                "-XX:NewRatio=4", "-XX:TrimNativeHeapInterval=10000");
    }

    @Test
    void nettysPooledAllocatorTakesItsSizesFromIt() throws Exception {
        // system properties in an argfile reach Netty only if Netty reads those names: a misspelt one is silently
        // ignored, and the 4 MiB chunks and the arena per core (bench/memory.sh: -7 MiB RSS) come back
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "@" + ARGFILE, "-cp", System.getProperty("java.class.path"),
                NettyAllocatorProbe.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.lines().reduce((a, b) -> b).orElse("")).isEqualTo("chunk=1048576 directArenas=2");
    }
}
