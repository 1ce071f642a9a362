package io.nodecache.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port free for both UDP and TCP, for a test that must write its port into a Corefile up front. */
public final class FreePorts {

    private FreePorts() {}

    /**
     * A port no socket holds on 127.0.0.1 for UDP or TCP just now. A port free for UDP alone may be the local port
     * of someone's TCP connection, and the node binds both on it.
     */
    public static int udpAndTcp() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, loopback);
                    ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 1, loopback)) {
                return tcp.getLocalPort();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }
}
