package io.nodecache.demo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Looks names up as glibc's stub resolver does with a pod's resolv.conf: {@code search} list and {@code ndots}, A then
 * AAAA for each name tried, over UDP from one fixed source address.
 *
 * <p>The order is glibc's {@code res_nsearch}: a name with a trailing dot is asked as given and nothing else; a name
 * with at least {@code ndots} dots is asked as given first, then with each search suffix; any other name is asked with
 * each search suffix in order, then as given. The lookup stops at the first name whose A or AAAA query comes back
 * NOERROR with an answer. NXDOMAIN, NODATA and SERVFAIL move on to the next name, as glibc does; a timeout ends the
 * lookup (glibc's {@code TRY_AGAIN}).
 *
 * <p>Not thread-safe: one resolver per simulated pod, used from one thread.
 */
public final class StubResolver implements AutoCloseable {

    /** What one lookup did. */
    public record Lookup(String name, List<Query> queries, String answeredName, List<InetAddress> addresses,
            boolean timedOut) {

        public Lookup {
            queries = List.copyOf(queries);
            addresses = List.copyOf(addresses);
        }

        /** Whether some name answered. */
        public boolean answered() {
            return answeredName != null;
        }
    }

    /**
     * One query sent.
     *
     * @param name  the question name, with its trailing dot
     * @param qtype the question type
     * @param rcode the answer's rcode, or -1 when none came
     */
    public record Query(String name, int qtype, int rcode) {}

    private static final int MAX_UDP = 1232;

    private final InetSocketAddress server;
    private final List<String> search;
    private final int ndots;
    private final DatagramSocket socket;
    private final long timeoutNanos;
    private final Random ids;
    private final byte[] buffer = new byte[MAX_UDP];

    /**
     * @param server  the name server (a pod's {@code nameserver} line)
     * @param local   the address to send from, or null for the system's choice
     * @param search  search suffixes, in order, with or without trailing dots
     * @param ndots   glibc's {@code options ndots}
     * @param timeout how long to wait for each answer
     */
    public StubResolver(InetSocketAddress server, InetAddress local, List<String> search, int ndots,
            Duration timeout) throws IOException {
        this.server = server;
        this.search = search.stream().map(StubResolver::absolute).toList();
        this.ndots = ndots;
        this.socket = new DatagramSocket(new InetSocketAddress(local, 0));
        this.timeoutNanos = Math.max(1, timeout.toMillis()) * 1_000_000L;
        this.ids = new Random(System.nanoTime() ^ socket.getLocalPort());
    }

    /** The names glibc would ask for {@code name}, in order (each with A then AAAA). */
    public List<String> candidates(String name) {
        return candidates(name, search, ndots);
    }

    static List<String> candidates(String name, List<String> search, int ndots) {
        if (name.endsWith(".")) {
            return List.of(name);
        }
        List<String> names = new ArrayList<>();
        boolean asGivenFirst = dots(name) >= ndots;
        if (asGivenFirst) {
            names.add(name + ".");
        }
        for (String suffix : search) {
            names.add(name + "." + absolute(suffix));
        }
        if (!asGivenFirst) {
            names.add(name + ".");
        }
        return names;
    }

    /** Looks {@code name} up through the search list, as {@code getaddrinfo(name, AF_UNSPEC)} would. */
    public Lookup lookup(String name) throws IOException {
        List<Query> sent = new ArrayList<>();
        for (String candidate : candidates(name)) {
            List<InetAddress> addresses = new ArrayList<>();
            boolean answered = false;
            for (int type : new int[] {Type.A, Type.AAAA}) {
                Message response = ask(candidate, type);
                if (response == null) {
                    sent.add(new Query(candidate, type, -1));
                    return new Lookup(name, sent, null, List.of(), true);
                }
                int rcode = response.getHeader().getRcode();
                sent.add(new Query(candidate, type, rcode));
                if (rcode == Rcode.NOERROR && response.getSection(Section.ANSWER).size() > 0) {
                    answered = true;
                    for (Record r : response.getSection(Section.ANSWER)) {
                        if (r instanceof ARecord a) {
                            addresses.add(a.getAddress());
                        } else if (r instanceof AAAARecord aaaa) {
                            addresses.add(aaaa.getAddress());
                        }
                    }
                }
            }
            if (answered) {
                return new Lookup(name, sent, candidate, addresses, false);
            }
        }
        return new Lookup(name, sent, null, List.of(), false);
    }

    /** One query and its answer, or null on timeout. Answers to earlier, timed-out queries are skipped. */
    private Message ask(String name, int type) throws IOException {
        Message query = Message.newQuery(Record.newRecord(toName(name), type, DClass.IN));
        int id = ids.nextInt(1 << 16);
        query.getHeader().setID(id);
        byte[] wire = query.toWire(MAX_UDP);
        socket.send(new DatagramPacket(wire, wire.length, server));
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) left);
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (packet.getSocketAddress().equals(server)) {
                try {
                    Message response = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                    if (response.getHeader().getID() == id && response.getQuestion() != null
                            && response.getQuestion().getName().equals(query.getQuestion().getName())
                            && response.getQuestion().getType() == type) {
                        return response;
                    }
                } catch (IOException malformed) {
                    // Not an answer to this query; keep waiting.
                }
            }
        }
    }

    /** The address the queries come from. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }

    private static Name toName(String absolute) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + absolute, e);
        }
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    private static int dots(String name) {
        int n = 0;
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }
}
