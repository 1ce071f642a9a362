package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The node's stdout: writers never wait on a stalled stream; lines get through whole or are dropped and counted. */
class NonBlockingLogTest {

    @Test
    void aStreamThatBlocksCostsDroppedLinesNeverAWaitingWriter() throws Exception {
        // A pipe nobody reads: its 1 KiB fills, then every write to it blocks, as a container's log pipe does.
        PipedInputStream unread = new PipedInputStream(1024);
        PipedOutputStream stuck = new PipedOutputStream(unread);
        NonBlockingLog log = new NonBlockingLog(stuck, 16 * 1024, "test-stdout");
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        int lines = 20_000;
        long worst = 0;
        long start = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            long t = System.nanoTime();
            out.println("[INFO] 127.0.0.1:5353 - " + i + " \"A IN www.example. udp 29 false 512\" NOERROR qr,aa,rd");
            worst = Math.max(worst, System.nanoTime() - t);
        }
        long elapsed = System.nanoTime() - start;
        System.out.printf("%d lines into a 16 KiB buffer before a stalled 1 KiB pipe: %d dropped, all written in "
                + "%d ms, slowest println %d us%n", lines, log.droppedLines(), elapsed / 1_000_000, worst / 1000);
        // ~85 B a line: 1 KiB in the pipe, 16 KiB in the writer's hands and 16 KiB held, the rest dropped.
        assertTrue(log.droppedLines() > lines - 600, "dropped " + log.droppedLines());
        assertTrue(elapsed < Duration.ofSeconds(20).toNanos(), "the writer never waited on the pipe");
        log.close(100);
    }

    @Test
    void linesGetThroughWholeWhenTheStreamKeepsUp() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        NonBlockingLog log = new NonBlockingLog(syncd(sink), 4096, "test-stdout");
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        for (int i = 0; i < 1000; i++) {
            // print then newline: two writes, one line
            out.print("line " + i);
            out.print('\n');
        }
        log.close(5000);
        String[] got = text(sink).split("\n");
        assertEquals(1000, got.length + log.droppedLines());
        for (String line : got) {
            assertTrue(line.matches("line \\d+"), "a whole line: '" + line + "'");
        }
    }

    @Test
    void aLineBegunWhenTheBufferFillsIsDroppedWholeAndTheNextOneGetsThrough() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream gate = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        NonBlockingLog log = new NonBlockingLog(gate, 1024, "test-stdout");
        byte[] first = ("a".repeat(99) + "\n").getBytes(StandardCharsets.US_ASCII);
        log.write(first, 0, first.length);
        Thread.sleep(100); // the writer takes the first line and waits at the gate with it
        byte[] fill = ("b".repeat(1019) + "\n").getBytes(StandardCharsets.US_ASCII);
        log.write(fill, 0, fill.length); // fills the buffer to the byte
        log.write("ccccc".getBytes(StandardCharsets.US_ASCII), 0, 5); // no room: this line is dropped ...
        log.write("cccc\n".getBytes(StandardCharsets.US_ASCII), 0, 5); // ... to its end
        assertEquals(1, log.droppedLines());
        release.countDown();
        Thread.sleep(200);
        byte[] last = "dddd\n".getBytes(StandardCharsets.US_ASCII);
        log.write(last, 0, last.length);
        log.close(5000);
        assertEquals("a".repeat(99) + "\n" + "b".repeat(1019) + "\n" + "dddd\n", text(sink));
    }

    private static OutputStream syncd(ByteArrayOutputStream sink) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (sink) {
                    sink.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
    }

    private static String text(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.US_ASCII);
        }
    }
}
