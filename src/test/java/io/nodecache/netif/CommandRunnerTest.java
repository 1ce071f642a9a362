package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The commands run under their prefix, read nothing, and are killed past their timeout. */
class CommandRunnerTest {

    @Test
    void runsUnderThePrefixWithStdinFromDevNull() {
        CommandRunner.Result r = new CommandRunner(List.of("sh", "-c", "echo \"$0 $1\"; cat; echo err >&2"))
                .run(List.of("a", "b"), Duration.ofSeconds(5));

        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).isEqualTo("a b\n");
        assertThat(r.stderr()).isEqualTo("err\n");
    }

    @Test
    void aCommandPastItsTimeoutIsKilled() {
        long start = System.nanoTime();
        CommandRunner.Result r = new CommandRunner(List.of()).run(List.of("sleep", "30"), Duration.ofMillis(200));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aMissingBinaryIsAFailedResultNotAnException() {
        CommandRunner.Result r = new CommandRunner(List.of("/nonexistent/bin")).run(List.of("x"), Duration.ofSeconds(1));

        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.why()).contains("cannot run /nonexistent/bin");
    }

    @ParameterizedTest
    @CsvSource({"169.254.20.10, 169.254.20.10", "fd00::10, fd00::10", "fd00:0:0:1:0:0:0:10, fd00:0:0:1::10",
            "::1, ::1", "2001:db8::, 2001:db8::", "fd00:1:2:3:4:5:6:7, fd00:1:2:3:4:5:6:7"})
    void ipTextAsIpPrintsIt(String in, String expected) throws Exception {
        assertThat(IpText.of(InetAddress.getByName(in))).isEqualTo(expected);
    }
}
