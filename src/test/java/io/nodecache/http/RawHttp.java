package io.nodecache.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 response read off a plain socket, for tests that need to see exactly what went over the wire (each
 * exchange on a fresh connection, so the kernel picks a listener anew every time).
 *
 * @param status  the status code
 * @param headers header names lower-cased, in order
 * @param body    the body, UTF-8
 */
public record RawHttp(int status, Map<String, String> headers, String body) {

    /** {@code METHOD path} with {@code Connection: close} on a new connection to {@code to}. */
    public static RawHttp send(InetSocketAddress to, String method, String path) throws IOException {
        // The Host a client that dialled this address sends (a node without a check answers only a loopback one).
        String host = to.getAddress() instanceof Inet6Address ? "[" + to.getAddress().getHostAddress() + "]"
                : to.getAddress().getHostAddress();
        return exchange(to, request(method, path, host + ":" + to.getPort(), null), "HEAD".equals(method));
    }

    /**
     * An HTTP/1.1 request as written on the wire: this {@code Host}, the extra header lines, {@code Connection: close},
     * and a JSON body (with its length) unless {@code body} is null.
     */
    public static String request(String method, String path, String host, String body, String... headers) {
        StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        b.append("Connection: close\r\n");
        if (body != null) {
            b.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n").append(body);
        } else {
            b.append("\r\n");
        }
        return b.toString();
    }

    /** {@code GET path} on a new connection. */
    public static RawHttp get(InetSocketAddress to, String path) throws IOException {
        return send(to, "GET", path);
    }

    /** Writes {@code request} as it is on a new connection and reads one response. */
    public static RawHttp exchange(InetSocketAddress to, String request, boolean head) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return read(s.getInputStream(), head);
        }
    }

    /** Reads one response (its body by Content-Length or chunked; none for a HEAD) and leaves the stream after it. */
    public static RawHttp read(InputStream in, boolean head) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
        }
        if (head) {
            return new RawHttp(status, headers, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            // RFC 9112 §7.1: hex size lines, each chunk followed by CRLF, a zero-size chunk, then trailers.
            for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                body.write(exactly(in, size));
                line(in);
            }
            String trailer;
            do {
                trailer = line(in);
            } while (trailer != null && !trailer.isEmpty());
        } else if (headers.containsKey("content-length")) {
            body.write(exactly(in, Integer.parseInt(headers.get("content-length"))));
        }
        return new RawHttp(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static int chunkSize(InputStream in) throws IOException {
        String l = line(in);
        if (l == null) {
            throw new IOException("connection closed inside a chunked body");
        }
        int semicolon = l.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? l : l.substring(0, semicolon)).strip(), 16);
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("body cut short: " + bytes.length + " of " + length + " bytes");
        }
        return bytes;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
