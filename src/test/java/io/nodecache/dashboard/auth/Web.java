package io.nodecache.dashboard.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** A client of one dashboard over real HTTP, with its own cookie jar (a browser's session, when it signs in). */
final class Web {

    /** Cheap hashes for tests: strength 4 is still bcrypt, checked the same way. */
    static final BCryptPasswordEncoder BCRYPT = new BCryptPasswordEncoder(4);
    static final String LOGGING_ON = "{\"enabled\":true,\"duration\":\"5m\",\"format\":\"json\"}";
    static final String LOGGING_OFF = "{\"enabled\":false}";

    final int port;
    final CookieManager cookies = new CookieManager();
    final HttpClient http;

    Web(int port) {
        this.port = port;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5)).build();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A users file of {@code name:hash:role} lines, the hashes made here. */
    static Path usersFile(String... nameRolePassword) throws IOException {
        StringBuilder b = new StringBuilder("# test users\n");
        for (String s : nameRolePassword) {
            String[] p = s.split(":");
            b.append(p[0]).append(":{bcrypt}").append(BCRYPT.encode(p[2])).append(':').append(p[1]).append('\n');
        }
        Path f = Files.createTempFile("nodecache-dashboard-users-", ".txt");
        Files.writeString(f, b);
        f.toFile().deleteOnExit();
        return f;
    }

    HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> put(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postForm(String path, String form, String... headers) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (headers.length > 0) {
            r.headers(headers);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The CSRF cookie's value, as a page's script reads it. */
    String csrfCookie() {
        return cookies.getCookieStore().get(uri("/")).stream().filter(c -> c.getName().equals("NODECACHE-DASHBOARD-XSRF"))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    boolean hasSession() {
        return cookies.getCookieStore().get(uri("/")).stream()
                .anyMatch(c -> c.getName().equals("NODECACHE_DASHBOARD_SESSION"));
    }

    /** The hidden CSRF field Thymeleaf put in a form. */
    static String formCsrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(html);
        if (!m.find()) {
            throw new AssertionError("no _csrf field in " + html);
        }
        return m.group(1);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /**
     * One HTTP/1.1 request from a chosen local address, written by hand: the JDK's client can pick neither its
     * source address nor the Host header. Answers the status line and the rest.
     */
    static String raw(String from, int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static int status(String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }
}
