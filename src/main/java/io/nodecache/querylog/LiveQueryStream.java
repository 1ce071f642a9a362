package io.nodecache.querylog;

import io.nodecache.dns.event.QueryEvent;
import io.nodecache.dns.event.RawQueryEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * Fans logged queries out to live viewers. Each viewer has a bounded queue that the web side drains; a viewer
 * that falls behind loses rows (counted, and told), never slowing the dispatcher or other viewers.
 */
public final class LiveQueryStream implements QueryEventListener {

    /** Rows a viewer may have waiting before new ones are dropped for it. */
    public static final int VIEWER_QUEUE = 2000;

    private final LoggingSwitch logging;
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder cut = new LongAdder();

    public LiveQueryStream(LoggingSwitch logging) {
        this.logging = logging;
    }

    /** Registers a viewer that wants the rows matching {@code filter}. */
    public Viewer open(QueryFilter filter) {
        Viewer v = new Viewer(filter);
        viewers.add(v);
        return v;
    }

    @Override
    public boolean wants(RawQueryEvent event) {
        return !viewers.isEmpty() && logging.logs(event);
    }

    @Override
    public void onEvent(QueryEvent event) {
        for (Viewer v : viewers) {
            if (v.filter.matches(event) && !v.queue.offer(event)) {
                v.dropped.increment();
                dropped.increment();
            }
        }
    }

    /** Rows dropped for viewers that read too slowly, over every viewer there has been. */
    public long dropped() {
        return dropped.sum();
    }

    /** Viewers open now. */
    public int viewers() {
        return viewers.size();
    }

    /** Streams ended by the node because their viewer had stopped reading. */
    public long cut() {
        return cut.sum();
    }

    /** Notes that a stream was ended because its viewer stopped reading. */
    public void countCut() {
        cut.increment();
    }

    /** One open live view. */
    public final class Viewer implements AutoCloseable {
        private final QueryFilter filter;
        private final ArrayBlockingQueue<QueryEvent> queue = new ArrayBlockingQueue<>(VIEWER_QUEUE);
        private final LongAdder dropped = new LongAdder();

        private Viewer(QueryFilter filter) {
            this.filter = filter;
        }

        /** Takes the rows waiting now. */
        public List<QueryEvent> drain() {
            List<QueryEvent> out = new ArrayList<>();
            queue.drainTo(out);
            return out;
        }

        /** Rows dropped for this viewer because it read too slowly. */
        public long dropped() {
            return dropped.sum();
        }

        @Override
        public void close() {
            viewers.remove(this);
        }
    }
}
