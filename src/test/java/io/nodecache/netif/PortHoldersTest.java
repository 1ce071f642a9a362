package io.nodecache.netif;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernel's socket tables as PortHolders reads them, and this process's own sockets left out. */
class PortHoldersTest {

    @Test
    void readsTheKernelsHexAddressesAndOnlyListeningTcpSockets() throws Exception {
        String udp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
                  1: 0A14FEA9:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0 0
                  2: 0A00600A:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4243 2 0 0
                """;
        assertThat(PortHolders.parse(udp, false)).containsExactly(
                new PortHolders.Holder(InetAddress.getByName("169.254.20.10"), 53, 4242),
                new PortHolders.Holder(InetAddress.getByName("10.96.0.10"), 53, 4243));

        String tcp = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0A14FEA9:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1 0
                   1: 0A14FEA9:0035 0100000A:C350 01 00000000:00000000 00:00000000 00000000     0        0 78 1 0
                """;
        assertThat(PortHolders.parse(tcp, true)).extracting(PortHolders.Holder::inode).containsExactly(77L);

        String udp6 = """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 000080FD000000000000000010000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0 0
                   1: 0000000000000000FFFF00000A14FEA9:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 98 2 0 0
                """;
        assertThat(PortHolders.parse(udp6, false)).extracting(PortHolders.Holder::address)
                .containsExactly(InetAddress.getByName("fd80::10"), InetAddress.getByName("169.254.20.10"));
    }

    @Test
    void aSocketOfThisProcessIsNotAnotherInstance() throws Exception {
        PortHolders holders = new PortHolders(new CommandRunner(List.of()), Path.of("/proc/self/fd"));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocket mine = new ServerSocket()) {
            mine.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            mine.bind(new InetSocketAddress(loopback, 0));
            int port = mine.getLocalPort();
            assertThat(holders.others(List.of(loopback), port, Duration.ofSeconds(5))).isEmpty();

            // The same socket seen from a process whose descriptors are elsewhere: another instance.
            PortHolders elsewhere = new PortHolders(new CommandRunner(List.of()), Path.of("/nonexistent"));
            assertThat(elsewhere.others(List.of(loopback), port, Duration.ofSeconds(5)))
                    .containsExactly("tcp 127.0.0.1:" + port);
        }
    }
}
