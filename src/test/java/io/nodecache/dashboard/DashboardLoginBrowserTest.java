package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.node.browser.HeadlessChromium;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The login mode in a real browser (headless Chromium) over a real node: an operator signs in with the form and
 * switches the node's logging from its card (the page's script sends the CSRF token; the node reports back); a
 * viewer sees every switch disabled with the reason, on the card and in the node's console through the dashboard.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardLoginBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "dashboard-login-browser");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static ChromeDriver browser;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        Path users = Files.createTempFile("nodecache-browser-users-", ".txt");
        users.toFile().deleteOnExit();
        Files.writeString(users, "alice:{bcrypt}" + bcrypt.encode("alice-pw") + ":operator\nbob:{bcrypt}"
                + bcrypt.encode("bob-pw") + ":viewer\n");
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=n1=" + node.url(), "--nodecache.dashboard.auth.mode=login",
                "--nodecache.dashboard.auth.users-file=" + users, "--nodecache.dashboard.refresh=500ms");
        port = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
        browser = HeadlessChromium.start(WORK);
        HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/api/v1/logging"))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                        "{\"enabled\":false}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        dashboard.close();
        node.close();
        upstream.close();
    }

    @Test
    @Order(1)
    void anOperatorSignsInAndSwitchesTheNodesLoggingFromItsCard() throws Exception {
        browser.get(url("/"));
        waitFor(() -> browser.getCurrentUrl().endsWith("/login"), "the login page");
        signIn("alice", "wrong");
        waitFor(() -> browser.getCurrentUrl().endsWith("/login?error"), "the error");
        assertEquals("Wrong user name or password.", text(By.id("login-error")));
        signIn("alice", "alice-pw");
        waitFor(() -> browser.getCurrentUrl().matches(java.util.regex.Pattern.quote(url("/")) + "(\\?continue)?"),
                "the overview");
        assertEquals("alice · operator", text(By.id("user")));
        By state = By.cssSelector("[data-node='n1'] .logging-state");
        By toggle = By.cssSelector("[data-node='n1'] .logging-toggle");
        waitFor(() -> "false".equals(browser.findElement(state).getAttribute("data-enabled")), "n1's logging off");
        assertTrue(browser.findElement(toggle).isEnabled());
        assertFalse(browser.findElement(By.cssSelector("[data-node='n1'] .switch-denied")).isDisplayed());
        browser.findElement(toggle).click();
        waitFor(() -> "true".equals(browser.findElement(state).getAttribute("data-enabled")), "n1 on");
        String reported = text(By.cssSelector("[data-node='n1'] .logging-reported"));
        assertTrue(reported.startsWith("n1 reported back at "), reported);
        assertTrue(nodeLogging().contains("\"enabled\":true"), "the node itself says so");
        browser.findElement(toggle).click();
        waitFor(() -> "false".equals(browser.findElement(state).getAttribute("data-enabled")), "n1 off again");
        assertTrue(nodeLogging().contains("\"enabled\":false"));
        HeadlessChromium.screenshot(browser, WORK.resolve("operator.png"));
        browser.findElement(By.id("logout")).click();
        waitFor(() -> browser.getCurrentUrl().endsWith("/login?logout"), "signed out");
    }

    @Test
    @Order(2)
    void aViewerSeesTheSwitchesDisabledWithTheReason() throws Exception {
        browser.get(url("/"));
        waitFor(() -> browser.getCurrentUrl().endsWith("/login"), "the login page");
        signIn("bob", "bob-pw");
        waitFor(() -> browser.getCurrentUrl().matches(java.util.regex.Pattern.quote(url("/")) + "(\\?continue)?"),
                "the overview");
        assertEquals("bob · viewer", text(By.id("user")));
        By toggle = By.cssSelector("[data-node='n1'] .logging-toggle");
        waitFor(() -> "ready".equals(text(By.cssSelector("[data-node='n1'] .node-state"))), "n1 ready");
        String reason = "only operators may switch query logging; bob is a viewer";
        WebElement t = browser.findElement(toggle);
        assertFalse(t.isEnabled(), "the card's switch is disabled");
        assertEquals(reason, t.getAttribute("title"));
        assertEquals(reason, text(By.cssSelector("[data-node='n1'] .switch-denied")));
        assertFalse(browser.findElement(By.id("all-on")).isEnabled());
        assertFalse(browser.findElement(By.id("all-off")).isEnabled());
        assertEquals(reason, text(By.id("all-denied")));
        HeadlessChromium.screenshot(browser, WORK.resolve("viewer.png"));

        // The node's console through the dashboard: its switch too.
        browser.get(url("/nodes/n1/"));
        waitFor(() -> reason.equals(browser.findElement(By.id("logging-toggle")).getAttribute("title")),
                "the console's switch says why");
        assertFalse(browser.findElement(By.id("logging-toggle")).isEnabled());
        assertTrue(nodeLogging().contains("\"enabled\":false"));
    }

    private static void signIn(String user, String password) {
        browser.findElement(By.id("username")).clear();
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }

    private static String nodeLogging() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.url() + "/api/v1/logging")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        new WebDriverWait(browser, WAIT).withMessage("waiting for " + what)
                .ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .until(d -> condition.getAsBoolean());
    }
}
