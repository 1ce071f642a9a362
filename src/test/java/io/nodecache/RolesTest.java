package io.nodecache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which roles a process runs, from the same inputs Spring reads (arguments over system properties over env). */
class RolesTest {

    @ParameterizedTest(name = "{0} -> node {1}, dashboard {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                                  | true  | true
            --nodecache.conf=/etc/coredns/Corefile                              | true  | false
            --conf=/etc/coredns/Corefile                                        | true  | false
            --nodecache.conf=/c --nodecache.dashboard.enabled=true              | true  | true
            --nodecache.node.enabled=false --nodecache.dashboard.enabled=true   | false | true
            --nodecache.dashboard.enabled=false                                 | true  | false
            --nodecache.authority.enabled=true                                  | false | false
            --nodecache.authority.enabled=true --nodecache.conf=/c              | false | false
            """)
    void rolesFromArguments(String args, boolean node, boolean dashboard) {
        Roles r = Roles.read(args.isBlank() ? new String[0] : args.split(" "), Map.of(), new Properties());
        assertEquals(node, r.node());
        assertEquals(dashboard, r.dashboard());
    }

    @org.junit.jupiter.api.Test
    void theAuthorityListensOnPort53UnlessToldAndRunsAlone() {
        Roles r = Roles.read(new String[] {"--nodecache.authority.enabled=true"}, Map.of(), new Properties());
        assertEquals(true, r.authority());
        assertEquals("0.0.0.0:53", r.authorityListen());
        assertEquals("127.0.0.1:5300", Roles.read(new String[] {"--nodecache.authority.enabled=true",
                "--nodecache.authority.listen=127.0.0.1:5300"}, Map.of(), new Properties()).authorityListen());
        assertEquals(false, Roles.read(new String[0], Map.of(), new Properties()).authority());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Roles.read(new String[] {
                "--nodecache.authority.enabled=true", "--nodecache.dashboard.enabled=true"}, Map.of(),
                new Properties()));
    }

    @ParameterizedTest(name = "env {0}={1}")
    @CsvSource({"NODECACHE_NODE_ENABLED, false, false", "NODECACHE_DASHBOARD_ENABLED, false, true"})
    void environmentCountsAndArgumentsWin(String name, String value, boolean node) {
        Roles fromEnv = Roles.read(new String[0], Map.of(name, value), new Properties());
        assertEquals(node, fromEnv.node());
        Roles overridden = Roles.read(new String[] {"--nodecache.node.enabled=true"}, Map.of(name, value),
                new Properties());
        assertEquals(true, overridden.node());
    }
}
