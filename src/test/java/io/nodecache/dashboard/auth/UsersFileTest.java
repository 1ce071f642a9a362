package io.nodecache.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/** The users file's format, line by line: what is read, and what stops the start with which message. */
class UsersFileTest {

    static final String HASH = Web.BCRYPT.encode("pw");
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void readsPrefixedAndBareHashesSkippingCommentsAndBlanks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        // htpasswd -B prints $2y$; Spring's encoder $2a$: both are bcrypt.
        Files.writeString(f, "# who\n\n  alice:{bcrypt}" + HASH + ":operator  \r\nbob:" + HASH.replace("$2a$", "$2y$")
                + ":Viewer\n");
        UsersFile users = new UsersFile(f, Clock.systemUTC(), QUIET);
        assertEquals(2, users.size());
        var encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        assertTrue(encoder.matches("pw", users.loadUserByUsername("alice").getPassword()));
        assertTrue(encoder.matches("pw", users.loadUserByUsername("bob").getPassword()));
        assertEquals("[ROLE_VIEWER]", users.loadUserByUsername("bob").getAuthorities().toString());
        assertThrows(org.springframework.security.core.userdetails.UsernameNotFoundException.class,
                () -> users.loadUserByUsername("carol"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "alice                          | 1: expected NAME:{bcrypt}HASH:ROLE",
        "alice:operator                 | 1: expected NAME:{bcrypt}HASH:ROLE",
        "al ice:HASH:operator           | 1: the user name must be 1-64 of",
        "alice:{noop}pw:operator        | 1: user 'alice': the password must be a bcrypt hash",
        "alice:{sha256}HASH:operator    | 1: user 'alice': the password must be a bcrypt hash",
        "alice:HASH:root                | 1: user 'alice': role must be viewer or operator, got 'root'",
        "alice:HASH:operator\\nalice:HASH:viewer | 2: user 'alice' is listed twice",
        "# nobody                       | no users",
    })
    void aBadFileNamesItsLine(String content, String message, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, content.replace("\\n", "\n").replace("HASH", HASH) + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new UsersFile(f, Clock.systemUTC(), QUIET));
        assertTrue(e.getMessage().startsWith(f + (message.startsWith("no") ? ": " : ":") + message), e.getMessage());
        assertTrue(!e.getMessage().contains(HASH), "never echoes a hash");
    }
}
