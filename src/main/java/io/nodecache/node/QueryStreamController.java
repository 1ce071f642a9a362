package io.nodecache.node;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.querylog.LiveQueryStream;
import io.nodecache.querylog.LoggingSwitch;
import io.nodecache.querylog.QueryFilter;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live query stream as Server-Sent Events: {@code query} events (one logged query each, as in
 * {@code /api/v1/queries}), {@code logging} events when the switch changes, {@code dropped} when this viewer fell
 * behind, and a keep-alive comment every 15 s so proxies (and the API server's pod proxy) keep it open.
 *
 * <p>A viewer that stops reading (a browser tab frozen in the background, a stuck proxy) must cost nothing but its
 * own rows: each viewer's writes run on a sender of their own, so a write blocked on a full socket holds only that
 * viewer, whose bounded queue then drops rows (counted). The blocked write ends at the web server's write timeout
 * ({@code server.tomcat.connection-timeout}), and the stream with it.
 */
@RestController
class QueryStreamController implements org.springframework.context.SmartLifecycle {

    private static final long FLUSH_MILLIS = 200;
    private static final long KEEP_ALIVE_MILLIS = 15_000;
    /** A failed write that had been blocked this long ended a stuck stream, not a viewer who left. */
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LiveQueryStream stream;
    private final LoggingSwitch logging;
    private final Map<SseEmitter, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nodecache-sse");
        t.setDaemon(true);
        return t;
    });
    /** Writes to viewers, at most one write in progress per viewer; a thread per viewer blocked at worst. */
    private final java.util.concurrent.ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "nodecache-sse-write");
        t.setDaemon(true);
        return t;
    });

    private volatile boolean running;
    /** The flush, scheduled only while someone watches: an idle node with no viewer must not wake 5 times a second. */
    private java.util.concurrent.ScheduledFuture<?> flushing;

    @Override
    public void start() {
        running = true;
    }

    /**
     * Ends every viewer's stream before the web server's graceful shutdown (a later phase) waits for requests: a
     * dashboard following this node would otherwise hold the node's stop for the whole shutdown timeout.
     */
    @Override
    public void stop() {
        running = false;
        subscribers.forEach((emitter, s) -> {
            emitter.complete();
            s.viewer.close();
        });
        subscribers.clear();
        sender.shutdownNow();
        writers.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    QueryStreamController(LiveQueryStream stream, LoggingSwitch logging) {
        this.stream = stream;
        this.logging = logging;
        logging.onChange(state -> subscribers.values().forEach(s -> s.loggingChanged = true));
    }

    @GetMapping(path = "/api/v1/queries/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(@RequestParam(required = false) String client, @RequestParam(required = false) String name,
            @RequestParam(required = false) String qtype, @RequestParam(required = false) String rcode,
            @RequestParam(required = false) String cache) throws IOException {
        QueryFilter filter = QueryFilter.parse(client, name, qtype, rcode, cache);
        SseEmitter emitter = new SseEmitter(0L);
        Subscriber s = new Subscriber(stream.open(filter));
        subscribers.put(emitter, s);
        startFlushing();
        Runnable gone = () -> {
            Subscriber removed = subscribers.remove(emitter);
            if (removed != null) {
                removed.viewer.close();
            }
            stopFlushingIfUnwatched();
        };
        emitter.onCompletion(gone);
        emitter.onTimeout(gone);
        emitter.onError(e -> gone.run());
        emitter.send(SseEmitter.event().name("logging").data(NodeApiController.LoggingView.of(logging.state())));
        return emitter;
    }

    // Both under this lock, after the map changed: a viewer added while the last one leaves restarts the flush.
    private synchronized void startFlushing() {
        if (flushing == null) {
            try {
                flushing = sender.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS,
                        TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopped: stop() ends every stream
            }
        }
    }

    private synchronized void stopFlushingIfUnwatched() {
        if (flushing != null && subscribers.isEmpty()) {
            flushing.cancel(false);
            flushing = null;
        }
    }

    /** Hands each viewer whose previous write is done its next batch; a viewer still writing is skipped. */
    private void flush() {
        subscribers.forEach((emitter, s) -> {
            if (s.writing.compareAndSet(false, true)) {
                try {
                    writers.execute(() -> write(emitter, s));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    s.writing.set(false);
                }
            }
        });
    }

    private void write(SseEmitter emitter, Subscriber s) {
        long now = System.currentTimeMillis();
        long started = System.nanoTime();
        try {
            if (s.loggingChanged) {
                s.loggingChanged = false;
                emitter.send(SseEmitter.event().name("logging")
                        .data(NodeApiController.LoggingView.of(logging.state())));
            }
            List<QueryEvent> rows = s.viewer.drain();
            for (QueryEvent e : rows) {
                emitter.send(SseEmitter.event().name("query").id(Long.toString(e.sequence()))
                        .data(QueryView.of(e)));
            }
            long dropped = s.viewer.dropped();
            if (dropped > s.reportedDropped) {
                s.reportedDropped = dropped;
                emitter.send(SseEmitter.event().name("dropped").data(Map.of("dropped", dropped)));
            }
            if (rows.isEmpty() && now - s.lastSent >= KEEP_ALIVE_MILLIS) {
                emitter.send(SseEmitter.event().comment("keep-alive"));
            }
            if (!rows.isEmpty() || now - s.lastSent >= KEEP_ALIVE_MILLIS) {
                s.lastSent = now;
            }
        } catch (IOException | IllegalStateException e) {
            if (System.nanoTime() - started >= STUCK_NANOS) {
                stream.countCut();
            }
            emitter.completeWithError(e);
            Subscriber removed = subscribers.remove(emitter);
            if (removed != null) {
                removed.viewer.close();
            }
            stopFlushingIfUnwatched();
        } finally {
            s.writing.set(false);
        }
    }

    private static final class Subscriber {
        final LiveQueryStream.Viewer viewer;
        final java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean loggingChanged;
        // Touched only by the write in progress; the flag above orders one write after the other.
        long reportedDropped;
        long lastSent = System.currentTimeMillis();

        Subscriber(LiveQueryStream.Viewer viewer) {
            this.viewer = viewer;
        }
    }
}
