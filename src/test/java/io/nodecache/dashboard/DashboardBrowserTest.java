package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.EmbeddedCluster;
import io.nodecache.node.browser.HeadlessChromium;
import io.nodecache.testing.TestUpstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The cluster dashboard in a real browser (headless Chromium) over two demo nodes in this JVM: both node cards show
 * ready, the second node's own logging switch changes that node (and only it) and the card shows what the node
 * reported back, the pods page leads to a pod's chains and its ndots fix, and the live page merges both nodes.
 *
 * <p>The embedded cluster binds DNS to 127.0.0.1:1053 and 127.0.0.2:1053, as the embedded default does: surefire
 * runs test classes one after another, and this class closes the cluster after its last test.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path WORK = Path.of("target", "dashboard-browser");
    private static final Path SHOTS = WORK.resolve("screenshots");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static TestUpstream upstream;
    static EmbeddedCluster cluster;
    static ChromeDriver browser;
    static int dashboardPort;
    static int firstNodePort;

    @BeforeAll
    static void start() throws IOException {
        // Nothing is forwarded off the machine: the nodes' upstream is a local test server.
        upstream = TestUpstream.builder().start();
        firstNodePort = twoFreePorts();
        cluster = EmbeddedCluster.start(new String[] {
                "--server.port=0",
                "--nodecache.upstream-servers=127.0.0.1:" + upstream.port(),
                "--nodecache.demo.interval=300ms",
        }, 2, firstNodePort, 6, true);
        dashboardPort = Integer.parseInt(cluster.dashboard().getEnvironment().getProperty("local.server.port"));
        browser = HeadlessChromium.start(WORK);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    @Order(1)
    void overviewShowsBothNodesAndTheSecondNodesSwitchChangesOnlyThatNode() throws Exception {
        browser.get(url("/"));
        waitFor(() -> "ready".equals(text(By.cssSelector("[data-node='demo-node-1'] .node-state")))
                && "ready".equals(text(By.cssSelector("[data-node='demo-node-2'] .node-state"))), "both cards ready");
        assertTrue(browser.findElement(By.id("demo-banner")).isDisplayed(), "the demo banner is shown");
        assertTrue(text(By.id("demo-banner")).startsWith("Demo traffic: simulated pods"), text(By.id("demo-banner")));
        waitFor(() -> "2/2 nodes".equals(text(By.id("coverage"))), "the coverage badge");
        waitFor(() -> text(By.id("total-qps")).matches("\\d+(\\.\\d)?") && !text(By.id("total-qps")).equals("0.0"),
                "a cluster QPS");
        assertTrue(text(By.cssSelector(".tile-sub.covers")).contains("covers 2 of 2 nodes"),
                text(By.cssSelector(".tile-sub.covers")));
        assertEquals(1, browser.findElements(By.cssSelector("#qps-chart canvas")).size(), "the trend chart's canvas");
        waitFor(() -> !browser.findElements(By.cssSelector("#top-clients a.pod-link")).isEmpty(), "busiest clients");
        WebElement busiest = browser.findElement(By.cssSelector("#top-clients a.pod-link"));
        assertTrue(busiest.getAttribute("href").startsWith(url("/pods/")), "named by its pod: " + busiest.getText());
        WebElement console = browser.findElement(By.cssSelector("[data-node='demo-node-2'] a.console-link"));
        assertEquals(url("/nodes/demo-node-2/"), console.getAttribute("href"), "the node's console, via the dashboard");
        assertEquals("_blank", console.getAttribute("target"));

        String node1Before = nodeApi(firstNodePort, "/api/v1/logging");
        By state2 = By.cssSelector("[data-node='demo-node-2'] .logging-state");
        By toggle2 = By.cssSelector("[data-node='demo-node-2'] .logging-toggle");
        waitFor(() -> browser.findElement(state2).getAttribute("data-enabled") != null, "node 2's logging state");
        // The demo Corefile logs cluster.local, so logging starts on ("corefile" mode): off first, then on as JSON.
        if ("true".equals(browser.findElement(state2).getAttribute("data-enabled"))) {
            browser.findElement(toggle2).click();
            waitFor(() -> "false".equals(browser.findElement(state2).getAttribute("data-enabled")), "node 2 off");
            assertEquals("off", text(state2));
            assertTrue(nodeApi(firstNodePort + 1, "/api/v1/logging").contains("\"enabled\":false"));
        }
        new Select(browser.findElement(By.cssSelector("[data-node='demo-node-2'] .logging-duration")))
                .selectByValue("15m");
        new Select(browser.findElement(By.cssSelector("[data-node='demo-node-2'] .logging-format")))
                .selectByValue("json");
        browser.findElement(toggle2).click();
        waitFor(() -> "true".equals(browser.findElement(state2).getAttribute("data-enabled"))
                && "json".equals(browser.findElement(state2).getAttribute("data-format")), "node 2 on, as JSON");
        assertEquals("on · json", text(state2));
        assertEquals("all", browser.findElement(state2).getAttribute("data-mode"));
        String reported = text(By.cssSelector("[data-node='demo-node-2'] .logging-reported"));
        assertTrue(reported.startsWith("demo-node-2 reported back at ") && reported.contains("logging on, json, until "),
                reported);
        String left = text(By.cssSelector("[data-node='demo-node-2'] .logging-left"));
        assertTrue(left.startsWith("auto-off in 1"), left);
        assertEquals("Switch off", text(toggle2));

        // The node itself says so, and the card's until is the node's.
        String node2 = nodeApi(firstNodePort + 1, "/api/v1/logging");
        assertTrue(node2.contains("\"enabled\":true") && node2.contains("\"format\":\"json\"")
                && node2.contains("\"mode\":\"all\""), node2);
        String until = browser.findElement(state2).getAttribute("data-until");
        assertTrue(node2.contains("\"until\":\"" + until + "\""), node2 + " vs " + until);
        // Node 1 was not touched: the same logging object as before, not JSON.
        String node1After = nodeApi(firstNodePort, "/api/v1/logging");
        assertEquals(node1Before, node1After);
        assertFalse(node1After.contains("\"format\":\"json\""), node1After);
        assertFalse("json".equals(browser.findElement(By.cssSelector("[data-node='demo-node-1'] .logging-state"))
                .getAttribute("data-format")));
        // Later overview events keep showing what the node reported.
        String refreshed = text(By.id("refreshed"));
        waitFor(() -> !text(By.id("refreshed")).equals(refreshed), "the next overview event");
        assertEquals("on · json", text(state2));
        browser.executeScript("window.scrollTo(0, 0)");
        HeadlessChromium.screenshot(browser, SHOTS.resolve("overview.png"));
    }

    @Test
    @Order(2)
    void podsPageLeadsToAPodsChainsAndItsFix() {
        browser.get(url("/pods"));
        By podLinks = By.cssSelector("#pods tbody tr:not([data-pod='']) a.pod-link");
        waitFor(() -> !browser.findElements(podLinks).isEmpty(), "a pod with chains");
        waitFor(() -> text(By.id("pods-covers")).startsWith("data from 2 of 2 nodes"), "the coverage line");
        waitFor(() -> !browser.findElements(By.cssSelector("#names tbody td.num")).isEmpty(), "the top wasted names");
        HeadlessChromium.screenshot(browser, SHOTS.resolve("pods.png"));

        WebElement link = browser.findElements(podLinks).get(0);
        String nsPod = link.findElement(By.xpath("ancestor::tr")).getAttribute("data-pod");
        link.click();
        waitFor(() -> browser.getCurrentUrl().endsWith("/pods/" + nsPod), "the pod's page");
        assertTrue(text(By.cssSelector("h1")).contains(nsPod), text(By.cssSelector("h1")));
        waitFor(() -> text(By.id("fix-yaml")).contains("ndots"), "the fix YAML");
        String yaml = text(By.id("fix-yaml"));
        assertTrue(yaml.startsWith("dnsConfig:") && yaml.contains("name: ndots"), yaml);
        assertFalse(text(By.id("fix-explanation")).isEmpty());
        List<WebElement> fqdns = browser.findElements(By.cssSelector("#fix-fqdns li"));
        assertFalse(fqdns.isEmpty(), "the FQDNs");
        assertTrue(fqdns.stream().allMatch(li -> li.getText().endsWith(".")), "FQDNs end with a dot");
        waitFor(() -> !browser.findElements(By.cssSelector("#pod-chains tbody ol.steps li")).isEmpty(), "chain steps");
        WebElement chain = browser.findElements(By.cssSelector("#pod-chains tbody tr")).get(0);
        assertTrue(List.of("demo-node-1", "demo-node-2").contains(chain.getAttribute("data-node")),
                chain.getAttribute("data-node"));
        assertEquals(chain.getAttribute("data-node"), chain.findElement(By.cssSelector(".node-tag")).getText());
        String firstStep = chain.findElement(By.cssSelector("ol.steps li")).getText();
        assertTrue(firstStep.contains("NXDOMAIN") && firstStep.matches("(?s).*\\b(A|AAAA)\\b.*")
                && firstStep.contains("ms"), firstStep);
        // A chain can fail throughout (a typo'd name); most of the demo's end in an answer, marked as such.
        assertFalse(browser.findElements(By.cssSelector("#pod-chains tbody ol.steps li.answered")).isEmpty(),
                "an answered step");
        assertTrue(text(By.cssSelector("#pod-chains tbody li.answered")).contains("answered"));
        assertFalse(browser.findElements(By.cssSelector("#worst-names tbody td.num")).isEmpty(), "worst names");
        assertTrue(browser.findElement(By.id("demo-banner")).isDisplayed());
        HeadlessChromium.screenshot(browser, SHOTS.resolve("pod.png"));

        browser.get(url("/pods/nowhere/no-such-pod"));
        waitFor(() -> browser.findElement(By.id("no-chains")).isDisplayed(), "the no-chains message");
        assertEquals("No chains from this pod in the last hour", text(By.cssSelector("#no-chains h2")));
        assertFalse(browser.findElement(By.id("pod-content")).isDisplayed());
    }

    @Test
    @Order(3)
    void liveQueriesMergeBothNodes() {
        browser.get(url("/queries"));
        waitFor(() -> "live".equals(text(By.id("stream-status"))), "the stream to open");
        waitFor(() -> browser.findElements(By.cssSelector("#node-status li[data-connected='true']")).size() == 2,
                "both node streams connected");
        waitFor(() -> !browser.findElements(By.cssSelector("#queries tbody tr[data-node='demo-node-1']")).isEmpty()
                && !browser.findElements(By.cssSelector("#queries tbody tr[data-node='demo-node-2']")).isEmpty(),
                "rows from both nodes");
        assertTrue(text(By.id("logging-hint")).startsWith("Rows flow only from nodes whose query logging is on"));
        HeadlessChromium.screenshot(browser, SHOTS.resolve("queries.png"));
        // Only node 1 ticked: only its rows.
        browser.findElement(By.cssSelector("#node-picks input[value='demo-node-1']")).click();
        waitFor(() -> browser.findElements(By.cssSelector("#node-status li")).size() == 1
                && !browser.findElements(By.cssSelector("#queries tbody tr[data-node='demo-node-1']")).isEmpty(),
                "node 1's stream alone");
        assertTrue(browser.findElements(By.cssSelector("#queries tbody tr[data-node='demo-node-2']")).isEmpty());
    }

    // ---- helpers ----

    private static String url(String path) {
        return "http://127.0.0.1:" + dashboardPort + path;
    }

    private static String nodeApi(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** Two consecutive free ports: the cluster puts node i on firstPort + i - 1. */
    private static int twoFreePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20000, 60000);
            if (free(p) && free(p + 1)) {
                return p;
            }
        }
        throw new IOException("no two consecutive free ports");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    @Test
    @Order(4)
    void eachNodesConsoleIsOneClickAwayThroughTheDashboard() {
        browser.get(url("/"));
        waitFor(() -> "ready".equals(text(By.cssSelector("[data-node='demo-node-2'] .node-state"))), "node 2 ready");
        String href = browser.findElement(By.cssSelector("[data-node='demo-node-2'] a.console-link"))
                .getAttribute("href");
        browser.get(href);
        assertEquals("demo-node-2", text(By.id("node-name")));
        // Filled by the console's own script from its API, both fetched through the dashboard under the prefix.
        waitFor(() -> text(By.id("queries-total")).matches("[\\d,]+ queries"), "the console's figures");
        assertTrue(browser.getCurrentUrl().startsWith(url("/nodes/demo-node-2/")), browser.getCurrentUrl());
        browser.findElement(By.cssSelector("nav a[href='/nodes/demo-node-2/chains']")).click();
        waitFor(() -> browser.getCurrentUrl().endsWith("/nodes/demo-node-2/chains"), "the console's chains page");
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        new WebDriverWait(browser, WAIT).withMessage("waiting for " + what)
                .ignoring(StaleElementReferenceException.class)
                .ignoring(NoSuchElementException.class)
                .until(d -> condition.getAsBoolean());
    }
}
