package io.nodecache.dashboard.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} body into events, as the WHATWG HTML standard's "event stream interpretation"
 * says: {@code event:} and {@code data:} lines, a blank line dispatches, comments ({@code :}) are skipped, several
 * {@code data:} lines join with newlines. Written here because the JDK has no SSE client and Spring's lives in
 * WebFlux, which the dashboard does not otherwise need.
 */
public final class ServerSentEvents {

    /** One event: its type ({@code message} when the stream named none), id (or null) and data. */
    public record Event(String type, String id, String data) {}

    private ServerSentEvents() {}

    /** Reads events until the stream ends or fails; the caller closes the stream to stop early. */
    public static void read(InputStream in, Consumer<Event> events) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String type = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.accept(new Event(type == null ? "message" : type, id, data.toString()));
                }
                type = null;
                data = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> { /* retry and unknown fields: nothing to do for a dashboard */ }
            }
        }
    }
}
