package io.nodecache.kubernetes.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A token kept in a file and read again whenever the file changes (its modification time, size or inode): the
 * kubelet replaces a projected ServiceAccount token before it expires (an atomic symlink swap), and an operator may
 * replace a shared token's file. A file that goes missing or empty after a good read keeps the last good token (a
 * writer caught half-way must not lock everyone out), and says so once.
 */
public final class TokenFile {

    private static final System.Logger LOG = System.getLogger(TokenFile.class.getName());

    private record Seen(FileStamp stamp, String token) {}

    private final Path path;
    private Seen seen;
    private boolean warned;

    public TokenFile(Path path) {
        this.path = Objects.requireNonNull(path);
    }

    public Path path() {
        return path;
    }

    /** The token now in the file, or null when there has never been one (missing or empty file). */
    public synchronized String current() {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(path);
        } catch (IOException e) {
            return keep("cannot read " + path + ": " + e);
        }
        if (seen != null && seen.stamp().equals(stamp)) {
            return seen.token();
        }
        String token;
        try {
            token = Files.readString(path).strip();
        } catch (IOException e) {
            return keep("cannot read " + path + ": " + e);
        }
        if (token.isEmpty()) {
            return keep(path + " is empty");
        }
        seen = new Seen(stamp, token);
        warned = false;
        return token;
    }

    /**
     * The token now in the file, for a start that must have one.
     *
     * @throws UncheckedIOException naming {@code key} and the file when it cannot be read or holds nothing
     */
    public String required(String key) {
        String t = current();
        if (t == null) {
            throw new UncheckedIOException(new IOException(key + ": " + path + " is missing, unreadable or empty"));
        }
        return t;
    }

    private String keep(String why) {
        if (seen == null) {
            return null;
        }
        if (!warned) {
            LOG.log(System.Logger.Level.WARNING, why + "; keeping the token read before");
            warned = true;
        }
        return seen.token();
    }
}
