package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import java.io.PrintStream;

/** Writes a line per logged query to stdout: CoreDNS's log line, or a JSON object, as the switch says. */
public final class StdoutQueryLog implements QueryEventListener {

    private final PrintStream out;
    private final LoggingSwitch logging;

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
        out.println(logging.state().format() == LoggingSwitch.Format.JSON
                ? JsonLogFormat.format(event) : CoreDnsLogFormat.format(event));
    }
}
