package io.nodecache.corefile;

/** A Corefile that cannot be used, with the file and line that are wrong. */
public class CorefileException extends Exception {

    private final String source;
    private final int line;

    public CorefileException(String source, int line, String message) {
        super(source + ":" + line + ": " + message);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }
}
