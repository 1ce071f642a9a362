package io.nodecache.querylog;

import io.nodecache.dns.event.RawQueryEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Whether this node records per-query log rows (stdout lines, the recent-queries ring, the live stream), changed
 * at runtime without a ConfigMap reload.
 *
 * <p>It starts from the Corefile: the blocks with {@code log} are logged, for as long as the Corefile says so. Turned
 * on from the console or the API, every block is logged, by default for 15 minutes (a forgotten debug log on a
 * busy node fills disks); turned off, nothing is. Counters, hit ratios and chain detection do not depend on it.
 */
public final class LoggingSwitch {

    /** The default time logging stays on when switched on at runtime. */
    public static final Duration DEFAULT_AUTO_OFF = Duration.ofMinutes(15);

    /** Where the state came from. */
    public enum Mode {
        /** Nothing is logged. */
        OFF,
        /** The Corefile's {@code log} blocks are logged. */
        COREFILE,
        /** Every block is logged (switched on at runtime). */
        ALL
    }

    /** How stdout lines are written. */
    public enum Format {
        /** CoreDNS's log plugin line. */
        COREDNS,
        /** One JSON object per line. */
        JSON
    }

    /**
     * A point-in-time view of the switch.
     *
     * @param mode    what is logged
     * @param zones   the Corefile's logged zones (for {@link Mode#COREFILE})
     * @param until   when logging switches itself off, or null
     * @param format  stdout format
     * @param changed when the state last changed
     */
    public record State(Mode mode, Set<String> zones, Instant until, Format format, Instant changed) {

        public boolean enabled() {
            return mode != Mode.OFF;
        }
    }

    private final Clock clock;
    private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();
    private volatile State state;

    public LoggingSwitch(Clock clock) {
        this.clock = clock;
        this.state = new State(Mode.OFF, Set.of(), null, Format.COREDNS, clock.instant());
    }

    /** Applies a (re)loaded Corefile's {@code log} blocks, unless logging was switched by hand since. */
    public synchronized void corefile(Set<String> loggedZones) {
        State s = state;
        if (s.mode() == Mode.ALL) {
            set(new State(Mode.ALL, Set.copyOf(loggedZones), s.until(), s.format(), s.changed()));
            return;
        }
        set(new State(loggedZones.isEmpty() ? Mode.OFF : Mode.COREFILE, Set.copyOf(loggedZones), null,
                s.format(), clock.instant()));
    }

    /**
     * Turns logging of every block on; {@code autoOff} null or zero keeps it on until switched off.
     */
    public synchronized State enable(Duration autoOff, Format format) {
        Instant now = clock.instant();
        Instant until = autoOff == null || autoOff.isZero() ? null : now.plus(autoOff);
        return set(new State(Mode.ALL, state.zones(), until, format == null ? state.format() : format, now));
    }

    public synchronized State disable() {
        State s = state;
        return set(new State(Mode.OFF, s.zones(), null, s.format(), clock.instant()));
    }

    /** The current state, switching off first if the auto-off time has passed. */
    public State state() {
        State s = state;
        if (s.until() != null && !clock.instant().isBefore(s.until())) {
            synchronized (this) {
                if (state == s) {
                    set(new State(Mode.OFF, s.zones(), null, s.format(), s.until()));
                }
            }
            return state;
        }
        return s;
    }

    /** The line format now (read per event: no expiry check, which would read the clock). */
    public Format format() {
        return state.format();
    }

    /** Whether queries of {@code zone} are logged now. */
    public boolean logs(String zone) {
        State s = state;
        if (s.until() != null && clock.millis() >= s.until().toEpochMilli()) {
            s = state();
        }
        return s.mode() == Mode.ALL || s.mode() == Mode.COREFILE && s.zones().contains(zone);
    }

    public boolean logs(RawQueryEvent event) {
        return logs(event.zone());
    }

    /** Called with the new state on every change (on the changing thread). */
    public void onChange(Consumer<State> listener) {
        listeners.add(listener);
    }

    private State set(State next) {
        state = next;
        listeners.forEach(l -> l.accept(next));
        return next;
    }
}
