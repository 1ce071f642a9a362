package io.nodecache.searchpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The open-addressing table of open chains against a plain model: per client the newest chain first, all chains in
 * start order, through growth and removals that shift probe runs back.
 */
class OpenChainsTest {

    @Test
    void agreesWithAMapOfListsThroughRandomAddsAndRemoves() {
        OpenChains open = new OpenChains();
        Map<InetAddress, List<ChainRecord>> model = new HashMap<>();
        LinkedHashSet<ChainRecord> started = new LinkedHashSet<>();
        InetAddress[] clients = new InetAddress[300];
        for (int i = 0; i < clients.length; i++) {
            // IPv4 neighbours and a few IPv6, as on a node
            clients[i] = ChainEvents.address(i % 10 == 0 ? "fd00::" + Integer.toHexString(i)
                    : "10.244." + i / 200 + "." + i % 200);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int op = 0; op < 50_000; op++) {
            if (started.isEmpty() || rnd.nextInt(100) < 55) {
                InetAddress client = clients[rnd.nextInt(clients.length)];
                ChainRecord c = new ChainRecord("cluster.local.");
                c.start(client, "a.b.default.svc.cluster.local.", 3, 4, 11);
                open.add(c);
                model.computeIfAbsent(client, k -> new ArrayList<>()).add(0, c);
                started.add(c);
            } else {
                List<ChainRecord> all = new ArrayList<>(started);
                ChainRecord c = all.get(rnd.nextInt(all.size()));
                open.remove(c);
                started.remove(c);
                List<ChainRecord> list = model.get(c.client);
                list.remove(c);
                if (list.isEmpty()) {
                    model.remove(c.client);
                }
            }
            if (op % 97 == 0) {
                check(open, model, started, clients);
            }
        }
        check(open, model, started, clients);
    }

    private static void check(OpenChains open, Map<InetAddress, List<ChainRecord>> model,
            LinkedHashSet<ChainRecord> started, InetAddress[] clients) {
        assertEquals(model.size(), open.clients());
        assertEquals(started.size(), open.chains());
        for (InetAddress client : clients) {
            List<ChainRecord> expected = model.get(client);
            ChainRecord head = open.head(client);
            if (expected == null) {
                assertNull(head, client.toString());
                continue;
            }
            List<ChainRecord> actual = new ArrayList<>();
            for (ChainRecord c = head; c != null; c = c.next) {
                actual.add(c);
            }
            assertEquals(expected, actual, client.toString());
        }
        List<ChainRecord> order = new ArrayList<>();
        for (ChainRecord c = open.oldest(); c != null; c = c.newerOpen) {
            order.add(c);
        }
        assertEquals(List.copyOf(started), order);
    }

    @Test
    void emptiesCompletely() {
        OpenChains open = new OpenChains();
        ChainRecord c = new ChainRecord("cluster.local.");
        c.start(ChainEvents.address("10.0.0.1"), "a.b.default.svc.cluster.local.", 3, 4, 11);
        open.add(c);
        assertSame(c, open.head(c.client));
        open.remove(c);
        assertEquals(0, open.chains());
        assertEquals(0, open.clients());
        assertNull(open.oldest());
        assertNull(open.head(c.client));
    }
}
