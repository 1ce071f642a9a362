package io.nodecache.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nodecache.node.browser.HeadlessChromium;
import io.nodecache.testing.TestNode;
import io.nodecache.testing.TestUpstream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * In a real browser, a node that does not answer is shown, never hidden: its card says unreachable with the reason,
 * the coverage badge counts it missing, and a logging switch on it fails with the reason on that card, while the
 * answering node's card stays ready.
 */
class NodeStatesBrowserTest {

    static final Path WORK = Path.of("target", "node-states-browser");
    static final Duration WAIT = Duration.ofSeconds(20);

    static TestUpstream upstream;
    static TestNode node;
    static ConfigurableApplicationContext dashboard;
    static ChromeDriver browser;
    static int web;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestUpstream.builder().start();
        node = TestNode.start(upstream);
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        dashboard = DashboardApplication.run("--server.port=0", "--nodecache.dashboard.discovery=static",
                "--nodecache.dashboard.nodes=alive=" + node.url() + ",silent=http://127.0.0.1:" + closed,
                "--nodecache.dashboard.refresh=300ms", "--nodecache.dashboard.timeout=1s");
        web = Integer.parseInt(dashboard.getEnvironment().getProperty("local.server.port"));
        browser = HeadlessChromium.start(WORK);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (node != null) {
            node.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anUnansweringNodeIsShownWithWhyAndItsSwitchSaysWhyItFailed() {
        browser.get("http://127.0.0.1:" + web + "/");
        By silentState = By.cssSelector("[data-node='silent'] .node-state");
        waitFor(() -> "unreachable".equals(text(silentState)), "the silent node's card to say unreachable");
        waitFor(() -> "ready".equals(text(By.cssSelector("[data-node='alive'] .node-state"))), "alive ready");
        assertTrue(browser.findElement(By.cssSelector("[data-node='silent'] .node-error")).isDisplayed());
        assertEquals("Last refresh failed: connection refused: nothing answers at that address",
                text(By.cssSelector("[data-node='silent'] .node-error")));
        assertEquals("1/2 nodes", text(By.id("coverage")));

        browser.findElement(By.cssSelector("[data-node='silent'] .logging-toggle")).click();
        By why = By.cssSelector("[data-node='silent'] .logging-error");
        waitFor(() -> browser.findElement(why).isDisplayed() && !text(why).isEmpty(), "the failed switch's reason");
        assertTrue(text(why).startsWith("Could not switch logging") && text(why).contains("silent"), text(why));
        HeadlessChromium.screenshot(browser, WORK.resolve("node-states.png"));
    }

    private static String text(By by) {
        return browser.findElement(by).getText().trim();
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        new WebDriverWait(browser, WAIT).withMessage("waiting for " + what)
                .ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class)
                .until(d -> condition.getAsBoolean());
    }
}
