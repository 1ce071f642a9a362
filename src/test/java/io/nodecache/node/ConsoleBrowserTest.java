package io.nodecache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.node.browser.HeadlessChromium;
import io.nodecache.node.browser.StdoutTee;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The node console in a real browser (headless Chromium): live rows arrive while logging is on, the page's switch
 * turns logging off and on and the stdout CoreDNS lines follow it, the overview shows a hit ratio, and a glibc-style
 * search-list chain shows up as one row with its fix.
 *
 * <p>It runs the embedded default, which binds DNS to 127.0.0.1:1053 and health to :8081 as
 * {@code EmbeddedDefaultSmokeTest} does: the context is closed before this class (a cached one with the same
 * configuration would hold those ports, and would log to a stdout we don't see) and after its last test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.BEFORE_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    static final StdoutTee STDOUT;

    static {
        // Both before the Spring context: the DNS node starts while Spring reads its environment, takes its
        // upstreams from there, and keeps the System.out of that moment. Nothing is forwarded off the machine.
        System.setProperty("nodecache.upstream-servers", "127.0.0.1:9");
        STDOUT = StdoutTee.install();
    }

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path WORK = Path.of("target", "browser");
    private static final Path SHOTS = WORK.resolve("screenshots");
    private static final String DNS_HOST = "127.0.0.1";
    private static final int DNS_PORT = 1053;

    static ChromeDriver browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start(WORK);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        STDOUT.uninstall();
        System.clearProperty("nodecache.upstream-servers");
    }

    @Test
    @Order(1)
    void liveRowsArriveWhileLoggingIsOnAndStopWithStdoutWhenSwitchedOff() throws Exception {
        browser.get(url("/queries"));
        waitFor(() -> text(By.id("stream-status")).equals("live"), "the live stream to open");
        // The embedded default runs the demo pods, and the page must say their traffic is simulated.
        assertTrue(text(By.id("demo-banner")).startsWith("Demo traffic: simulated pods"), text(By.id("demo-banner")));

        // Switch logging off and on again with the page's control, so it is on "from the page", whatever the
        // Corefile said.
        if (loggingEnabledOnPage()) {
            click(By.id("logging-toggle"));
            waitFor(() -> !loggingEnabledOnPage(), "logging to show as off");
        }
        selectValue(By.id("logging-duration"), "15m");
        selectValue(By.id("logging-format"), "coredns");
        click(By.id("logging-toggle"));
        waitFor(this::loggingEnabledOnPage, "logging to show as on");
        assertTrue(text(By.id("logging-state")).startsWith("on · until "), text(By.id("logging-state")));
        waitFor(() -> !browser.findElement(By.id("logging-hint")).isDisplayed(), "the logging-off hint to go");
        assertTrue(api("/logging").contains("\"enabled\":true"));

        String on = "live-" + nonce();
        int markOn = STDOUT.mark();
        List<String> namesOn = List.of(on + ".default.svc.cluster.local", "kubernetes.default.svc.cluster.local");
        for (String n : namesOn) {
            query(n, Type.A);
        }
        waitFor(() -> rowFor(on + ".default.svc.cluster.local.") != null, "a live row for " + on);
        WebElement row = rowFor(on + ".default.svc.cluster.local.");
        assertTrue(row.getText().contains("NXDOMAIN"), row.getText());
        waitFor(() -> coreDnsLines(markOn, on).size() == 1, "the CoreDNS stdout line for " + on);
        String line = coreDnsLines(markOn, on).get(0);
        assertTrue(line.matches("\\[INFO] 127\\.0\\.0\\.1:\\d+ - \\d+ \"A IN " + Pattern.quote(on)
                + "\\.default\\.svc\\.cluster\\.local\\. udp \\d+ false \\d+\" NXDOMAIN .*"), line);
        HeadlessChromium.screenshot(browser, SHOTS.resolve("queries-logging-on.png"));

        // Off: the page says so, and neither the table nor stdout gets the next queries.
        click(By.id("logging-toggle"));
        waitFor(() -> !loggingEnabledOnPage(), "logging to show as off");
        assertEquals("off", text(By.id("logging-state")));
        waitFor(() -> browser.findElement(By.id("logging-hint")).isDisplayed(), "the logging-off hint");
        assertTrue(api("/logging").contains("\"enabled\":false"));

        String off = "quiet-" + nonce();
        int markOff = STDOUT.mark();
        long seen = eventsSeen();
        query(off + ".default.svc.cluster.local", Type.A);
        query(off + ".default.svc.cluster.local", Type.AAAA);
        // The node has read both events (counters run with logging off): anything it would print is printed.
        waitFor(() -> eventsSeen() >= seen + 2, "the node to count the queries sent with logging off");
        Thread.sleep(700); // a stream flush (200 ms) and a frame, with room to spare
        assertEquals(List.of(), coreDnsLines(markOff, off), "stdout lines with logging off");
        assertEquals(null, rowFor(off + ".default.svc.cluster.local."), "a live row with logging off");
        HeadlessChromium.screenshot(browser, SHOTS.resolve("queries-logging-off.png"));

        // And back on: lines start again.
        click(By.id("logging-toggle"));
        waitFor(this::loggingEnabledOnPage, "logging to show as on again");
        String again = "again-" + nonce();
        int markAgain = STDOUT.mark();
        query(again + ".default.svc.cluster.local", Type.A);
        waitFor(() -> coreDnsLines(markAgain, again).size() == 1, "stdout lines after switching back on");
        waitFor(() -> rowFor(again + ".default.svc.cluster.local.") != null, "a live row after switching back on");

        // Paused, rows are held (and counted) instead of shown; resumed, they go in.
        click(By.id("pause"));
        String held = "held-" + nonce();
        query(held + ".default.svc.cluster.local", Type.A);
        waitFor(() -> text(By.id("buffered")).matches("paused: \\d+ new rows? held.*"), "the held-row counter");
        assertEquals(null, rowFor(held + ".default.svc.cluster.local."), "a row shown while paused");
        click(By.id("pause"));
        waitFor(() -> rowFor(held + ".default.svc.cluster.local.") != null, "the held row after resuming");

        // A filter reopens the stream: only matching rows, the recent ones from the node's ring.
        browser.findElement(By.name("name")).sendKeys(held);
        waitFor(() -> browser.findElements(By.cssSelector("#queries tbody td.name")).size() == 1
                && rowFor(held + ".default.svc.cluster.local.") != null, "only the filtered row");
    }

    @Test
    @Order(2)
    void overviewShowsTheHitRatio() throws Exception {
        query("kubernetes.default.svc.cluster.local", Type.A);
        query("kubernetes.default.svc.cluster.local", Type.A); // the second from the cache
        browser.get(url("/"));
        Pattern percent = Pattern.compile("\\d+(\\.\\d)? %");
        waitFor(() -> percent.matcher(text(By.id("hit-ratio"))).matches(), "the hit ratio");
        waitFor(() -> text(By.cssSelector("#caches tbody")).contains("cluster.local.:1053"), "the cache table");
        assertTrue(browser.findElements(By.cssSelector("#series-chart canvas")).size() == 1, "the chart's canvas");
        waitFor(() -> !text(By.cssSelector("#upstreams tbody")).isBlank(), "the upstream table");
        Thread.sleep(1200); // let the chart draw a couple of points for the screenshot
        HeadlessChromium.screenshot(browser, SHOTS.resolve("overview.png"));
    }

    @Test
    @Order(3)
    @DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
    void chainsPageDrawsAGlibcSearchListChainAsOneRowWithItsFix() throws Exception {
        browser.get(url("/chains"));
        waitFor(() -> !text(By.id("chains-updated")).isEmpty(), "the chains page to load");
        // What glibc does for "www.example" with a pod's search list and ndots:5, from one client.
        for (String suffix : List.of("default.svc.cluster.local", "svc.cluster.local", "cluster.local")) {
            assertEquals(Rcode.NXDOMAIN, query("www.example." + suffix, Type.A));
        }
        assertEquals(Rcode.NOERROR, query("www.example", Type.A));

        By chainRow = By.cssSelector("[data-client='127.0.0.1'] tr.chain[data-base='www.example']");
        waitFor(() -> !browser.findElements(chainRow).isEmpty(), "the chain row");
        WebElement row = browser.findElements(chainRow).get(0);
        List<String> steps = row.findElements(By.cssSelector("li.step .step-name")).stream()
                .map(WebElement::getText).toList();
        assertEquals(List.of("www.example.default.svc.cluster.local.", "www.example.svc.cluster.local.",
                "www.example.cluster.local.", "www.example."), steps);
        List<WebElement> rcodes = row.findElements(By.cssSelector("li.step .rc"));
        assertEquals(List.of("NXDOMAIN", "NXDOMAIN", "NXDOMAIN", "NOERROR"),
                rcodes.stream().map(WebElement::getText).toList());
        assertTrue(rcodes.get(0).getAttribute("class").contains("rc-nx"));
        assertTrue(rcodes.get(3).getAttribute("class").contains("rc-ok"));
        assertEquals("www.example.", row.findElement(By.cssSelector("li.step.answered .step-name")).getText());
        assertTrue(row.getText().contains("3 queries"), row.getText());
        String fix = row.findElement(By.cssSelector("td.fix")).getText();
        assertTrue(fix.contains("trailing dot") && fix.contains("www.example.") && fix.contains("ndots"), fix);
        waitFor(() -> text(By.cssSelector("#chain-clients tbody")).contains("127.0.0.1"), "the worst-clients table");
        waitFor(() -> text(By.cssSelector("#chain-names tbody")).contains("www.example"), "the worst-names table");
        HeadlessChromium.screenshot(browser, SHOTS.resolve("chains.png"));
    }

    // ---- helpers ----

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static int query(String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver(DNS_HOST);
        resolver.setPort(DNS_PORT);
        resolver.setTimeout(Duration.ofSeconds(3));
        Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), type,
                DClass.IN)));
        return answer.getRcode();
    }

    private boolean loggingEnabledOnPage() {
        return "true".equals(browser.findElement(By.id("logging-state")).getAttribute("data-enabled"));
    }

    /** The live table's row for {@code fqdn}, or null; one lookup in the browser (the demo pods fill the table). */
    private static WebElement rowFor(String fqdn) {
        List<WebElement> rows = browser.findElements(By.xpath(
                "//table[@id='queries']/tbody/tr[td[contains(@class,'name') and normalize-space(.)='" + fqdn + "']]"));
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static List<String> coreDnsLines(int mark, String label) {
        return STDOUT.linesSince(mark).stream().filter(l -> l.startsWith("[INFO] ") && l.contains(" IN " + label))
                .toList();
    }

    private static String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    private static void click(By by) {
        browser.findElement(by).click();
    }

    private static void selectValue(By by, String value) {
        new org.openqa.selenium.support.ui.Select(browser.findElement(by)).selectByValue(value);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        new WebDriverWait(browser, WAIT).withMessage("waiting for " + what)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    private long eventsSeen() {
        Matcher m = Pattern.compile("\"eventsSeen\":(\\d+)").matcher(api("/node"));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private String api(String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url("/api/v1" + path))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String nonce() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }
}
