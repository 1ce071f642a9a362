package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a line per logged query to stdout: CoreDNS's log line, or a JSON object, as the switch says.
 *
 * <p>CoreDNS lines are formatted straight from the event's ring slot into a byte batch (no event object, no String);
 * JSON lines need the built event. Lines are written in batches (when the dispatcher catches up, at most every
 * 250 ms, or every 32 KiB): a write per line, as CoreDNS does, is a syscall per query and was most of logging's
 * cost. The node hands it a {@link NonBlockingLog}, so a stdout that stops taking lines costs dropped lines,
 * never a stalled dispatcher (which also feeds the stats, the chains and the live stream).
 */
public final class StdoutQueryLog implements QueryEventListener {

    private static final int BATCH_BYTES = 32 * 1024;

    private final PrintStream out;
    private final LoggingSwitch logging;
    private final byte[] batch = new byte[BATCH_BYTES + CoreDnsLogFormat.MAX_LINE + 1];
    private int pending;

    public StdoutQueryLog(PrintStream out, LoggingSwitch logging) {
        this.out = out;
        this.logging = logging;
    }

    @Override
    public void onRaw(RawQueryEvent event) {
        if (!json() && logging.logs(event)) {
            pending = CoreDnsLogFormat.write(event, batch, pending);
            endLine();
        }
    }

    @Override
    public boolean wants(RawQueryEvent event) {
        return json() && logging.logs(event);
    }

    @Override
    public void onEvent(QueryEvent event) {
        byte[] line = JsonLogFormat.format(event).getBytes(StandardCharsets.UTF_8);
        if (pending + line.length > BATCH_BYTES) {
            flush();
        }
        if (line.length > BATCH_BYTES) {
            out.write(line, 0, line.length);
            out.write('\n');
            return;
        }
        System.arraycopy(line, 0, batch, pending, line.length);
        pending += line.length;
        endLine();
    }

    private boolean json() {
        return logging.format() == LoggingSwitch.Format.JSON;
    }

    private void endLine() {
        batch[pending++] = '\n';
        if (pending >= BATCH_BYTES) {
            flush();
        }
    }

    @Override
    public void onIdle(long nowMillis) {
        flush();
    }

    private void flush() {
        if (pending == 0) {
            return;
        }
        out.write(batch, 0, pending);
        out.flush();
        pending = 0;
    }
}
