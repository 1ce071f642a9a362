package io.nodecache.corefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Test helpers: parse a snippet, wrap directives in a block, expect a failure on a line. */
final class Corefiles {

    static final String SOURCE = "test.Corefile";

    private Corefiles() {}

    static NodeConfig parse(String text) {
        try {
            return CorefileParser.parse(text, SOURCE, PillarValues.none());
        } catch (CorefileException e) {
            throw new AssertionError("unexpected: " + e.getMessage(), e);
        }
    }

    /** Parses {@code body} as the only lines of a {@code .:53} block; the body starts on line 2. */
    static ServerBlock block(String body) {
        return parse(".:53 {\n" + body + "\n}\n").blocks().get(0);
    }

    /** Asserts that {@code text} fails on {@code line} with a message containing {@code fragment}. */
    static CorefileException assertFails(String text, int line, String fragment) {
        CorefileException e = catchThrowableOfType(CorefileException.class,
                () -> CorefileParser.parse(text, SOURCE, PillarValues.none()));
        assertThat(e).as("parsing should fail:\n%s", text).isNotNull();
        assertThat(e.source()).isEqualTo(SOURCE);
        assertThat(e.getMessage()).contains(fragment);
        assertThat(e.line()).as(e.getMessage()).isEqualTo(line);
        return e;
    }

    static String resource(String name) {
        try (InputStream in = Corefiles.class.getResourceAsStream("/corefile/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource corefile/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
