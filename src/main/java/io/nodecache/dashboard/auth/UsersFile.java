package io.nodecache.dashboard.auth;

import io.nodecache.kubernetes.auth.FileStamp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The login mode's users, read from a file mounted from a Secret. One user a line, {@code NAME:HASH:ROLE}: a name
 * of letters, digits and {@code . _ @ -}; a bcrypt hash, with or without Spring's {@code {bcrypt}} prefix (as
 * {@code htpasswd -nbBC 10 NAME PASSWORD} prints it, after the colon); {@code viewer} or {@code operator}. Blank lines
 * and lines starting with {@code #} are skipped.
 *
 * <p>Only bcrypt: a {@code {noop}} or other encoding would let a plain password sit in the Secret. A bad file stops
 * the start naming the file and line (never echoing a hash). The file is looked at again, at most once a second,
 * when a user signs in: a changed file (a Secret update swaps the mount's symlink) replaces the users; a bad one is
 * logged and the users before it stay.
 */
public final class UsersFile implements UserDetailsService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]?\\$\\d{2}\\$[./A-Za-z0-9]{53}");
    private static final long RECHECK_MILLIS = 1000;

    /** One user as the file has it; a fresh {@link User} is built per look-up (Spring erases the password of it). */
    private record Entry(String name, String hash, Role role) {}

    private final Path file;
    private final Clock clock;
    private final PrintStream log;
    private volatile Map<String, Entry> users;
    private volatile FileStamp version;
    private volatile long checkedAt;

    /** Reads the file now. @throws IllegalArgumentException {@code FILE:LINE: message} for a bad file */
    public UsersFile(Path file, Clock clock, PrintStream log) {
        this.file = file;
        this.clock = clock;
        this.log = log;
        this.version = version();
        this.users = parse(file, read(file));
        this.checkedAt = clock.millis();
    }

    /** How many users the file holds (for the start-up line). */
    public int size() {
        return users.size();
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        recheck();
        Entry e = users.get(username);
        if (e == null) {
            throw new UsernameNotFoundException("no such user");
        }
        return User.withUsername(e.name()).password("{bcrypt}" + e.hash()).authorities(e.role().authorities())
                .build();
    }

    private void recheck() {
        long now = clock.millis();
        if (now - checkedAt < RECHECK_MILLIS) {
            return;
        }
        checkedAt = now;
        FileStamp v = version();
        if (Objects.equals(v, version)) {
            return;
        }
        try {
            users = parse(file, read(file));
            version = v;
            log.println("[INFO] nodecache dashboard: " + file + " changed: " + users.size() + " user(s)");
        } catch (RuntimeException e) {
            version = v;
            log.println("[ERROR] nodecache dashboard: " + e.getMessage() + "; keeping the " + users.size()
                    + " user(s) read before");
        }
    }

    /** The file's stamp now, or null when it cannot be read (then the users read before stay). */
    private FileStamp version() {
        try {
            return FileStamp.of(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("nodecache.dashboard.auth.users-file: cannot read " + file + ": " + e, e);
        }
    }

    static Map<String, Entry> parse(Path file, String text) {
        Map<String, Entry> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            int first = line.indexOf(':');
            int last = line.lastIndexOf(':');
            if (first < 0 || first == last) {
                throw new IllegalArgumentException(where + "expected NAME:{bcrypt}HASH:ROLE");
            }
            String name = line.substring(0, first);
            String hash = line.substring(first + 1, last);
            String role = line.substring(last + 1);
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + "the user name must be 1-64 of A-Z a-z 0-9 . _ @ -");
            }
            if (hash.startsWith("{bcrypt}")) {
                hash = hash.substring("{bcrypt}".length());
            }
            if (!BCRYPT.matcher(hash).matches()) {
                throw new IllegalArgumentException(where + "user '" + name + "': the password must be a bcrypt hash"
                        + " ({bcrypt}$2a$10$... or $2y$10$..., 60 characters), not a plain password or another"
                        + " encoding");
            }
            Role r;
            try {
                r = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + "user '" + name + "': " + e.getMessage());
            }
            if (out.putIfAbsent(name, new Entry(name, hash, r)) != null) {
                throw new IllegalArgumentException(where + "user '" + name + "' is listed twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no users (one NAME:{bcrypt}HASH:ROLE per line)");
        }
        return out;
    }
}
