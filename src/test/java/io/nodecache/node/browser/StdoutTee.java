package io.nodecache.node.browser;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies everything written to {@code System.out} into memory while still passing it on, so a test can read the
 * node's stdout lines (the CoreDNS query log).
 *
 * <p>It must be installed before the Spring context starts: the DNS node starts while Spring reads its environment
 * and keeps the {@code System.out} of that moment as its log stream.
 */
public final class StdoutTee {

    private final PrintStream original;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private StdoutTee(PrintStream original) {
        this.original = original;
    }

    /** Replaces {@code System.out} with a stream that writes to the old one and to memory. */
    public static StdoutTee install() {
        StdoutTee tee = new StdoutTee(System.out);
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                tee.original.write(b);
                synchronized (tee.copy) {
                    tee.copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                tee.original.write(b, off, len);
                synchronized (tee.copy) {
                    tee.copy.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                tee.original.flush();
            }
        };
        System.setOut(new PrintStream(both, true, StandardCharsets.UTF_8));
        return tee;
    }

    /** Puts the original stream back (the copy keeps working for whoever still holds it). */
    public void uninstall() {
        System.setOut(original);
    }

    /** Where the output is now: pass it to {@link #linesSince(int)}. */
    public int mark() {
        synchronized (copy) {
            return copy.size();
        }
    }

    /** The complete lines written after {@code mark}. */
    public List<String> linesSince(int mark) {
        String text;
        synchronized (copy) {
            byte[] all = copy.toByteArray();
            text = new String(all, mark, all.length - mark, StandardCharsets.UTF_8);
        }
        return text.lines().toList();
    }
}
