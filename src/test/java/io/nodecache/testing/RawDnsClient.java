package io.nodecache.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * Sends one DNS message and returns whatever the server sends back, unchecked: unlike {@code SimpleResolver} it does not
 * drop answers with a wrong id or question, which is what tests of spoofing need to see.
 */
public final class RawDnsClient {

    private RawDnsClient() {
    }

    /** A recursive-desired query for {@code name}/{@code type}, with EDNS payload {@code ednsSize} if positive. */
    public static Message query(String name, int type, int ednsSize) {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
            query.getHeader().setFlag(Flags.RD);
            if (ednsSize > 0) {
                query.addRecord(new OPTRecord(ednsSize, 0, 0), Section.ADDITIONAL);
            }
            return query;
        } catch (TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
    }

    /** Sends {@code query} over UDP and parses the first datagram back; throws on timeout. */
    public static Message udp(InetSocketAddress server, Message query, Duration timeout) throws IOException {
        return new Message(udpRaw(server, query.toWire(), timeout));
    }

    /**
     * Sends raw bytes over UDP and returns the first datagram back from {@code server}; throws
     * {@code SocketTimeoutException}. Datagrams from elsewhere are skipped: the socket's ephemeral port may be one a
     * test upstream just closed, and the node's forwards to that upstream then land here.
     */
    public static byte[] udpRaw(InetSocketAddress server, byte[] wire, Duration timeout) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
            long deadline = System.nanoTime() + timeout.toNanos();
            socket.send(new DatagramPacket(wire, wire.length, server));
            byte[] buffer = new byte[65535];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            do {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                socket.setSoTimeout((int) left);
                packet.setLength(buffer.length);
                socket.receive(packet);
            } while (!server.equals(packet.getSocketAddress()));
            return Arrays.copyOf(packet.getData(), packet.getLength());
        }
    }

    /** Sends {@code query} over a fresh TCP connection (RFC 1035 §4.2.2 framing) and parses the answer. */
    public static Message tcp(InetSocketAddress server, Message query, Duration timeout) throws IOException {
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout((int) timeout.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] wire = query.toWire();
            out.writeShort(wire.length);
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return new Message(answer);
        }
    }
}
