package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a line per logged query to stdout: CoreDNS's log line, or a JSON object, as the switch says.
 *
 * <p>Lines are gathered and written in batches (when the dispatcher catches up, at most every 250 ms, or every
 * 32 KiB): a write per line, as CoreDNS does, is a syscall per query and was most of logging's cost.
 */
public final class StdoutQueryLog implements QueryEventListener {

    private static final int BATCH_BYTES = 32 * 1024;

    private final PrintStream out;
    private final LoggingSwitch logging;
    private final StringBuilder pending = new StringBuilder(BATCH_BYTES + 512);

    public StdoutQueryLog(PrintStream out, LoggingSwitch logging) {
        this.out = out;
        this.logging = logging;
    }

    @Override
    public boolean wants(RawQueryEvent event) {
        return logging.logs(event);
    }

    @Override
    public void onEvent(QueryEvent event) {
        if (logging.state().format() == LoggingSwitch.Format.JSON) {
            pending.append(JsonLogFormat.format(event));
        } else {
            CoreDnsLogFormat.appendTo(pending, event);
        }
        pending.append('\n');
        if (pending.length() >= BATCH_BYTES) {
            flush();
        }
    }

    @Override
    public void onIdle(long nowMillis) {
        flush();
    }

    private void flush() {
        if (pending.length() == 0) {
            return;
        }
        byte[] bytes = pending.toString().getBytes(StandardCharsets.UTF_8);
        pending.setLength(0);
        out.write(bytes, 0, bytes.length);
        out.flush();
    }
}
