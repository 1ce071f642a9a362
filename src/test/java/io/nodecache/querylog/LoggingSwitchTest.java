package io.nodecache.querylog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoggingSwitchTest {

    private final MutableClock clock = new MutableClock();
    private final LoggingSwitch logging = new LoggingSwitch(clock);

    @Test
    void startsFromTheCorefileLogBlocks() {
        logging.corefile(Set.of("cluster.local."));
        assertEquals(LoggingSwitch.Mode.COREFILE, logging.state().mode());
        assertTrue(logging.logs("cluster.local."));
        assertFalse(logging.logs("."));
        assertNull(logging.state().until(), "the Corefile's log has no auto-off");
    }

    @Test
    void switchedOnItLogsEveryBlockAndTurnsItselfOffAfterTheDuration() {
        logging.enable(LoggingSwitch.DEFAULT_AUTO_OFF, null);
        assertTrue(logging.logs("."));
        clock.advance(Duration.ofMinutes(14));
        assertTrue(logging.logs("."));
        clock.advance(Duration.ofMinutes(1));
        assertFalse(logging.logs("."), "off after 15 minutes");
        assertEquals(LoggingSwitch.Mode.OFF, logging.state().mode());
    }

    @Test
    void zeroDurationMeansUntilSwitchedOff() {
        logging.enable(Duration.ZERO, LoggingSwitch.Format.JSON);
        clock.advance(Duration.ofDays(3));
        assertTrue(logging.logs("."));
        assertEquals(LoggingSwitch.Format.JSON, logging.state().format());
        logging.disable();
        assertFalse(logging.logs("."));
    }

    @Test
    void aReloadDoesNotUndoAHandSwitchAndListenersHearEveryChange() {
        List<LoggingSwitch.Mode> heard = new ArrayList<>();
        logging.onChange(s -> heard.add(s.mode()));
        logging.enable(Duration.ofMinutes(5), null);
        logging.corefile(Set.of());
        assertTrue(logging.logs("."), "still on after a reload");
        logging.disable();
        logging.corefile(Set.of("cluster.local."));
        assertEquals(List.of(LoggingSwitch.Mode.ALL, LoggingSwitch.Mode.ALL, LoggingSwitch.Mode.OFF,
                LoggingSwitch.Mode.COREFILE), heard);
    }
}
