package io.nodecache.dns.upstream;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A UDP responder on 127.0.0.1 that answers each query three times: first with the wrong ID, then with the wrong
 * question, then correctly, as if an attacker raced the real upstream (CoreDNS {@code spoof_test.go}).
 */
final class SpoofingResponder implements AutoCloseable {

    private final DatagramSocket socket;
    private final Thread thread;

    SpoofingResponder() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "test-spoofing-responder");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Record question = query.getQuestion();

                Message wrongId = answer(query, question.getName());
                wrongId.getHeader().setID((query.getHeader().getID() + 1) & 0xffff);
                send(wrongId, packet);

                Message wrongQuestion = answer(query, Name.fromString("spoof", question.getName()));
                send(wrongQuestion, packet);

                send(answer(query, question.getName()), packet);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private static Message answer(Message query, Name name) throws IOException {
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RD);
        Record question = query.getQuestion();
        reply.addRecord(Record.newRecord(name, question.getType(), question.getDClass()), Section.QUESTION);
        reply.addRecord(new ARecord(name, question.getDClass(), 30, InetAddress.getByAddress(new byte[] {127, 0, 0, 1})), Section.ANSWER);
        return reply;
    }

    private void send(Message message, DatagramPacket to) throws IOException {
        byte[] wire = message.toWire();
        socket.send(new DatagramPacket(wire, wire.length, to.getSocketAddress()));
    }

    @Override
    public void close() {
        socket.close();
    }
}
