package io.nodecache.corefile;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's {@code time.ParseDuration} forms, plus bare seconds. */
class GoDurationTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                arguments("0", Duration.ZERO),
                arguments("30", Duration.ofSeconds(30)),
                arguments("30s", Duration.ofSeconds(30)),
                arguments("1m", Duration.ofMinutes(1)),
                arguments("1h30m", Duration.ofMinutes(90)),
                arguments("500ms", Duration.ofMillis(500)),
                arguments("0.5s", Duration.ofMillis(500)),
                arguments("1.5h", Duration.ofMinutes(90)),
                arguments("10us", Duration.ofNanos(10_000)),
                arguments("10µs", Duration.ofNanos(10_000)),
                arguments("7ns", Duration.ofNanos(7)),
                arguments("2h45m30.5s", Duration.ofSeconds(2 * 3600 + 45 * 60 + 30).plusMillis(500)),
                arguments("-1s", Duration.ofSeconds(-1)),
                arguments("+1s", Duration.ofSeconds(1)),
                arguments("0s", Duration.ZERO));
    }

    @ParameterizedTest
    @MethodSource
    void valid(String text, Duration expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "1x", "1.s.", "1..5s", "1h30", ".s", "-", "1 s", "1d", "PT1S"})
    void invalid(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> GoDuration.parse(text));
    }
}
