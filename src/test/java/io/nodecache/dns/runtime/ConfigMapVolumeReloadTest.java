package io.nodecache.dns.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.corefile.CorefileParser;
import io.nodecache.corefile.PillarValues;
import io.nodecache.testing.FreePorts;
import io.nodecache.testing.MutableClock;
import io.nodecache.testing.NodeHarness;
import io.nodecache.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The chart mounts its ConfigMap as a directory (never with subPath), so the kubelet updates it as it updates every
 * ConfigMap volume: the files go into a new timestamped directory and the {@code ..data} symlink is swapped to it
 * in one rename. {@code reload} must see that through {@code Corefile -> ..data/Corefile}.
 */
class ConfigMapVolumeReloadTest {

    private final MutableClock clock = new MutableClock();

    @Test
    void reloadPicksUpTheKubeletsAtomicSymlinkSwap(@TempDir Path volume) throws Exception {
        try (TestUpstream first = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.1").start();
                TestUpstream second = TestUpstream.builder().withRecord("a.test.", Type.A, 30, "192.0.2.2").start()) {
            int port = FreePorts.udpAndTcp();
            String v1 = corefileOn(port, first.port());
            // As the kubelet lays it out: ..TIMESTAMP/Corefile, ..data -> ..TIMESTAMP, Corefile -> ..data/Corefile.
            Path gen1 = Files.createDirectory(volume.resolve("..2026_05_21_10_00_00.000000001"));
            Files.writeString(gen1.resolve("Corefile"), v1);
            Files.createSymbolicLink(volume.resolve("..data"), gen1.getFileName());
            Path corefile = Files.createSymbolicLink(volume.resolve("Corefile"), Path.of("..data", "Corefile"));

            try (NodeHarness node = NodeHarness.start(v1, clock);
                    CorefileReloader reloader = new CorefileReloader(corefile, v1,
                            (text, src) -> CorefileParser.parse(text, src, PillarValues.none()), node.runtime(),
                            node.logStream())) {
                assertEquals("192.0.2.1", firstAnswer(node.query("a.test.", Type.A)));
                assertFalse(reloader.check(), "nothing changed yet");

                // The update: a new generation written beside the old one, which alone changes nothing ...
                Path gen2 = Files.createDirectory(volume.resolve("..2026_05_21_10_01_30.000000002"));
                Files.writeString(gen2.resolve("Corefile"), corefileOn(port, second.port()));
                assertFalse(reloader.check(), "the new generation is not visible before the swap");
                // ... then ..data swapped in one rename(2) over the old link, and the old generation removed.
                Path tmp = Files.createSymbolicLink(volume.resolve("..data_tmp"), gen2.getFileName());
                Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.delete(gen1.resolve("Corefile"));
                Files.delete(gen1);

                assertTrue(reloader.check(), node.log());
                assertEquals("192.0.2.2", firstAnswer(node.query("a.test.", Type.A)));
                assertEquals(0, reloader.failures(), node.log());
                assertTrue(node.log().contains("Reloading complete"), node.log());
                assertFalse(reloader.check(), "applied once");
            }
        }
    }

    private static String corefileOn(int port, int upstreamPort) {
        return """
                .:%d {
                    bind 127.0.0.1
                    forward . 127.0.0.1:%d
                }
                """.formatted(port, upstreamPort);
    }

    private static String firstAnswer(Message m) {
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        return m.getSection(Section.ANSWER).get(0).rdataToString();
    }
}
