package io.nodecache.config;

import io.nodecache.querylog.NonBlockingLog;
import java.io.OutputStream;

/**
 * Where CoreDNS-style lines go: stdout, as CoreDNS writes its log and errors lines and {@code kubectl logs} reads
 * them. Resolved on every write rather than once, so whatever System.out is at that moment (a test's capture, say)
 * gets the lines.
 */
final class CurrentStdout extends OutputStream {

    /**
     * Lines held for a stdout that does not take them (~1700 query lines): enough to ride out a slow log
     * collector, small beside the heap. Past it lines are dropped and counted.
     */
    static final int BUFFER_BYTES = 256 * 1024;

    /** The node's log stream: stdout through a buffer, so a stdout that blocks drops lines instead of stalling. */
    static NonBlockingLog nonBlocking() {
        return new NonBlockingLog(new CurrentStdout(), BUFFER_BYTES, "nodecache-stdout");
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
