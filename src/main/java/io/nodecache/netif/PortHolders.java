package io.nodecache.netif;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who else serves DNS on the local IPs: the sockets bound to {@code IP:53} in the node's network namespace (the
 * kernel's {@code /proc/net/udp}, {@code udp6}, and listening {@code tcp}, {@code tcp6}), minus this process's own.
 *
 * <p>This is how two instances on one node know about each other during a surge rollout, with nothing shared but
 * the network namespace they already share: a socket exists exactly as long as its process serves (the kernel closes
 * it when the process dies, even by {@code kill -9}), so an instance that finds another's socket on the addresses
 * leaves the rules and addresses to it, and the last one to stop removes them.
 */
final class PortHolders {

    /** A socket's {@code st} column: UDP sockets are in state 07 once bound, TCP listeners in 0A. */
    private static final String TCP_LISTEN = "0A";
    private static final List<String> TABLES = List.of("udp", "udp6", "tcp", "tcp6");

    private final CommandRunner runner;
    private final Path ownFds;

    PortHolders(CommandRunner runner) {
        this(runner, Path.of("/proc/self/fd"));
    }

    PortHolders(CommandRunner runner, Path ownFds) {
        this.runner = runner;
        this.ownFds = ownFds;
    }

    /**
     * The sockets other processes hold on {@code ips} port {@code port}, e.g. {@code "udp 169.254.20.10:53"}; empty
     * when none does. Read through the command prefix, so it sees the namespace the rules are in.
     */
    List<String> others(List<InetAddress> ips, int port, Duration timeout) {
        Set<Long> own = ownSocketInodes();
        List<String> found = new ArrayList<>();
        for (String table : TABLES) {
            CommandRunner.Result r = runner.run(List.of("cat", "/proc/net/" + table), timeout);
            if (!r.ok()) {
                continue; // no IPv6 in the namespace: no udp6/tcp6 file
            }
            for (Holder h : parse(r.stdout(), table.startsWith("tcp"))) {
                if (h.port() == port && ips.contains(h.address()) && !own.contains(h.inode())) {
                    found.add(table.replace("6", "") + " " + IpText.of(h.address()) + ":" + port);
                }
            }
        }
        return found.stream().distinct().toList();
    }

    /** One bound socket from a {@code /proc/net} table. */
    record Holder(InetAddress address, int port, long inode) {}

    /** The bound sockets of one {@code /proc/net/{udp,tcp}[6]} table; for TCP only the listening ones. */
    static List<Holder> parse(String table, boolean tcp) {
        List<Holder> out = new ArrayList<>();
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || (tcp && !f[3].equals(TCP_LISTEN))) {
                continue;
            }
            int colon = f[1].indexOf(':');
            try {
                InetAddress address = address(f[1].substring(0, colon));
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                out.add(new Holder(address, port, Long.parseLong(f[9])));
            } catch (RuntimeException | UnknownHostException e) {
                // a line the kernel wrote differently: not one of ours to judge
            }
        }
        return out;
    }

    /**
     * The kernel prints an address as 32-bit words in host order: on a little-endian machine {@code 0A14FEA9} is
     * 169.254.20.10, and an IPv6 address is four such words. An IPv4-mapped IPv6 address comes back as IPv4.
     */
    static InetAddress address(String hex) throws UnknownHostException {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                int at = (word * 4 + (little ? 3 - i : i)) * 2;
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    /** The inodes of this process's sockets ({@code /proc/self/fd/N -> socket:[INODE]}). */
    private Set<Long> ownSocketInodes() {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(ownFds)) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: nothing is ours
        }
        return inodes;
    }
}
