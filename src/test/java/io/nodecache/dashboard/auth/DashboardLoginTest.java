package io.nodecache.dashboard.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.dashboard.DashboardApplication;
import io.nodecache.node.browser.StdoutTee;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code login} mode over real HTTP, against a real node: who gets in (form and session, HTTP Basic), who may
 * switch logging (operators: the node's reported state comes back; viewers: 403 and the node untouched), the audit
 * line naming the user, CSRF on a browser's changes, and a bad or changed users file.
 */
class DashboardLoginTest {

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static Path users;
    static StdoutTee stdout;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        users = Web.usersFile("alice:operator:alice-pw", "bob:viewer:bob-pw");
        stdout = StdoutTee.install();
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url(), "--nodecache.dashboard.auth.mode=login",
                "--nodecache.dashboard.auth.users-file=" + users);
        port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        stdout.uninstall();
        dashboard.close();
        node.close();
        upstream.close();
    }

    @BeforeEach
    void loggingOff() throws Exception {
        new Web(node.webPort()).put("/api/v1/logging", Web.LOGGING_OFF);
    }

    @Test
    void withoutCredentialsAScriptGets401AndABrowserTheLoginPage() throws Exception {
        Web web = new Web(port);
        HttpResponse<String> api = web.get("/api/v1/cluster/nodes");
        assertEquals(401, api.statusCode(), api.body());
        assertTrue(api.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(api.body().contains("\"status\":401"), api.body());
        assertEquals("Basic realm=\"nodecache dashboard\"", api.headers().firstValue("WWW-Authenticate").orElse(""));
        // A page's own fetch gets no Basic challenge: the browser would pop up its password dialog over the page.
        HttpResponse<String> fetch = web.get("/api/v1/cluster/nodes", "Sec-Fetch-Mode", "cors");
        assertEquals(401, fetch.statusCode());
        assertTrue(fetch.headers().firstValue("WWW-Authenticate").isEmpty());
        HttpResponse<String> page = web.get("/", "Accept", "text/html");
        assertEquals(302, page.statusCode());
        assertTrue(page.headers().firstValue("Location").orElse("").endsWith("/login"), page.headers().toString());
        assertEquals(401, web.get("/nodes/n1/api/v1/node").statusCode(), "the console through the dashboard too");
        assertEquals(401, new Web(port).put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON).statusCode());
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        // Probes and scrapers carry no user.
        assertEquals(200, web.get("/actuator/health/readiness").statusCode());
        assertEquals(200, web.get("/login").statusCode());
    }

    @Test
    void basicAuthForScripts() throws Exception {
        Web web = new Web(port);
        HttpResponse<String> ok = web.get("/api/v1/cluster/nodes", "Authorization", Web.basic("bob", "bob-pw"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("\"name\":\"n1\""), ok.body());
        HttpResponse<String> me = web.get("/api/v1/cluster/me", "Authorization", Web.basic("bob", "bob-pw"));
        assertEquals("{\"user\":\"bob\",\"role\":\"viewer\",\"authenticatedBy\":\"login (HTTP Basic)\","
                + "\"mayToggleLogging\":false}", me.body());
        assertEquals(401, web.get("/api/v1/cluster/nodes", "Authorization", Web.basic("bob", "alice-pw"))
                .statusCode());
        assertEquals(401, web.get("/api/v1/cluster/nodes", "Authorization", Web.basic("nobody", "bob-pw"))
                .statusCode());
        assertFalse(web.hasSession(), "Basic opens no session");
    }

    @Test
    void aViewerIsRefusedEveryToggleAndTheNodeIsUntouched() throws Exception {
        Web web = new Web(port);
        String bob = Web.basic("bob", "bob-pw");
        int mark = stdout.mark();
        for (String path : List.of("/api/v1/cluster/nodes/n1/logging", "/api/v1/cluster/logging",
                "/nodes/n1/api/v1/logging")) {
            HttpResponse<String> r = web.put(path, Web.LOGGING_ON, "Authorization", bob);
            assertEquals(403, r.statusCode(), path + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
            assertTrue(r.body().contains("only operators may switch query logging; bob is a viewer"), r.body());
        }
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        assertTrue(stdout.linesSince(mark).stream().noneMatch(l -> l.contains("audit")), "nothing was sent");
    }

    @Test
    void anOperatorSwitchesAndTheAuditLineNamesThem() throws Exception {
        Web web = new Web(port);
        int mark = stdout.mark();
        HttpResponse<String> r = web.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON, "Authorization",
                Web.basic("alice", "alice-pw"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"enabled\":true") && r.body().contains("\"format\":\"json\""), r.body());
        String onNode = new Web(node.webPort()).get("/api/v1/logging").body();
        assertTrue(onNode.contains("\"enabled\":true") && onNode.contains("\"format\":\"json\""), onNode);
        List<String> audit = stdout.linesSince(mark).stream().filter(l -> l.contains("dashboard audit")).toList();
        assertEquals(1, audit.size(), audit.toString());
        assertTrue(audit.get(0).contains("from alice (operator, login (HTTP Basic)) at 127.0.0.1: node reports"),
                audit.get(0));
        // Through the node console's switch too.
        mark = stdout.mark();
        HttpResponse<String> off = web.put("/nodes/n1/api/v1/logging", Web.LOGGING_OFF, "Authorization",
                Web.basic("alice", "alice-pw"));
        assertEquals(200, off.statusCode(), off.body());
        assertTrue(stdout.linesSince(mark).stream().anyMatch(l -> l.contains("dashboard audit")
                && l.contains("from alice (operator, login (HTTP Basic)) at 127.0.0.1 (node console)")),
                stdout.linesSince(mark).toString());
    }

    @Test
    void aBrowserSignsInWithTheFormAndItsChangesNeedTheCsrfToken() throws Exception {
        Web browser = new Web(port);
        HttpResponse<String> form = browser.get("/login", "Accept", "text/html");
        assertEquals(200, form.statusCode());
        String csrf = Web.formCsrf(form.body());
        HttpResponse<String> wrong = browser.postForm("/login", "username=alice&password=nope&_csrf=" + enc(csrf),
                "Origin", "http://127.0.0.1:" + port);
        assertEquals(302, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("Location").orElse("").endsWith("/login?error"));
        HttpResponse<String> noToken = browser.postForm("/login", "username=alice&password=alice-pw",
                "Origin", "http://127.0.0.1:" + port);
        assertEquals(403, noToken.statusCode(), "a browser's login without the form's token (login CSRF)");
        HttpResponse<String> in = browser.postForm("/login", "username=alice&password=alice-pw&_csrf="
                + enc(Web.formCsrf(browser.get("/login").body())), "Origin", "http://127.0.0.1:" + port);
        assertEquals(302, in.statusCode(), in.body() + in.headers());
        assertTrue(browser.hasSession());
        HttpResponse<String> page = browser.get("/", "Accept", "text/html");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("alice · operator"), "the header names the user");
        String token = browser.csrfCookie();
        assertNotNull(token, "the page set the CSRF cookie its script reads");

        // With the session cookie alone (a forged request rides on it), a change is refused...
        HttpResponse<String> forged = browser.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON);
        assertEquals(403, forged.statusCode(), forged.body());
        assertTrue(forged.body().contains("CSRF token"), forged.body());
        HttpResponse<String> wrongToken = browser.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "X-XSRF-TOKEN", "not-" + token);
        assertEquals(403, wrongToken.statusCode());
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
        // ...and with the cookie's token in the header, as the page's script sends it, it goes through.
        HttpResponse<String> ok = browser.put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "X-XSRF-TOKEN", token, "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));

        // Signing out (the header's form, with its own masked token) ends the session.
        HttpResponse<String> out = browser.postForm("/logout", "_csrf=" + enc(Web.formCsrf(page.body())), "Origin",
                "http://127.0.0.1:" + port, "Accept", "text/html");
        assertEquals(302, out.statusCode());
        assertEquals(302, browser.get("/", "Accept", "text/html").statusCode());
    }

    @Test
    void basicCredentialsABrowserCachedDoNotCarryAChangeWithoutTheToken() throws Exception {
        // A browser that once answered the Basic prompt sends the credentials by itself: the Origin gives it away.
        HttpResponse<String> r = new Web(port).put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "Authorization", Web.basic("alice", "alice-pw"), "Origin", "http://evil.example");
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().contains("CSRF token"), r.body());
        HttpResponse<String> fetchMeta = new Web(port).put("/api/v1/cluster/nodes/n1/logging", Web.LOGGING_ON,
                "Authorization", Web.basic("alice", "alice-pw"), "Sec-Fetch-Site", "cross-site");
        assertEquals(403, fetchMeta.statusCode(), fetchMeta.body());
        assertFalse(new Web(node.webPort()).get("/api/v1/logging").body().contains("\"enabled\":true"));
    }

    @Test
    void aChangedUsersFileIsReadAgainAndABadOneKeepsTheUsersBefore() throws Exception {
        Path f = Web.usersFile("carol:operator:carol-pw");
        try (ConfigurableApplicationContext d = DashboardApplication.run("--server.port=0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=",
                "--nodecache.dashboard.auth.mode=login", "--nodecache.dashboard.auth.users-file=" + f)) {
            Web web = new Web(Integer.parseInt(d.getEnvironment().getProperty("local.server.port")));
            assertEquals(200, web.get("/api/v1/cluster", "Authorization", Web.basic("carol", "carol-pw")).statusCode());
            assertEquals(401, web.get("/api/v1/cluster", "Authorization", Web.basic("dave", "dave-pw")).statusCode());
            // A Secret update: a new file moved over the old one.
            Path next = Web.usersFile("dave:viewer:dave-pw");
            Files.move(next, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            awaitStatus(web, "dave", "dave-pw", 200);
            assertEquals(401, web.get("/api/v1/cluster", "Authorization", Web.basic("carol", "carol-pw")).statusCode());
            Files.writeString(f, "dave:plain-password:viewer\n");
            Thread.sleep(1100);
            assertEquals(200, web.get("/api/v1/cluster", "Authorization", Web.basic("dave", "dave-pw")).statusCode(),
                    "a bad file keeps the users read before");
        }
    }

    @Test
    void aBadUsersFileStopsTheStartNamingFileAndLine() throws Exception {
        Path f = Files.createTempFile("nodecache-bad-users-", ".txt");
        Files.writeString(f, "# ok\nalice:{bcrypt}" + Web.BCRYPT.encode("x") + ":operator\nbob:{noop}secret:viewer\n");
        String message = rootMessage(assertThrows(Exception.class, () -> DashboardApplication.run("--server.port=0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=",
                "--nodecache.dashboard.auth.mode=login", "--nodecache.dashboard.auth.users-file=" + f)));
        assertTrue(message.startsWith(f + ":3: user 'bob': the password must be a bcrypt hash"), message);
        assertFalse(message.contains("secret"), "never echoes what stands in the hash's place: " + message);
        Files.writeString(f, "alice:{bcrypt}" + Web.BCRYPT.encode("x") + ":admin\n");
        message = rootMessage(assertThrows(Exception.class, () -> DashboardApplication.run("--server.port=0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=",
                "--nodecache.dashboard.auth.mode=login", "--nodecache.dashboard.auth.users-file=" + f)));
        assertEquals(f + ":1: user 'alice': role must be viewer or operator, got 'admin'", message);
        message = rootMessage(assertThrows(Exception.class, () -> DashboardApplication.run("--server.port=0",
                "--nodecache.dashboard.discovery=static", "--nodecache.dashboard.nodes=",
                "--nodecache.dashboard.auth.mode=login")));
        assertTrue(message.startsWith("nodecache.dashboard.auth.users-file: required"), message);
    }

    static void awaitStatus(Web web, String user, String password, int status) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        int last;
        do {
            last = web.get("/api/v1/cluster", "Authorization", Web.basic(user, password)).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertEquals(status, last, user);
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

}
