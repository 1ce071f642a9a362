package io.nodecache.config;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where CoreDNS-style lines go: stdout, as CoreDNS writes its log and errors lines and {@code kubectl logs} reads
 * them. Resolved on every write rather than once, so whatever System.out is at that moment (a test's capture, say)
 * gets the lines.
 */
final class CurrentStdout extends OutputStream {

    static PrintStream printStream() {
        return new PrintStream(new CurrentStdout(), true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        System.out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        System.out.write(b, off, len);
    }

    @Override
    public void flush() {
        System.out.flush();
    }
}
