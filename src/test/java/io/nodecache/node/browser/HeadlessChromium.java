package io.nodecache.node.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts Debian's Chromium, headless, through Debian's chromedriver, writing nothing outside {@code target/} and
 * reaching nothing off the machine. CI installs both packages ({@code apt-get install -y chromium chromium-driver});
 * when they are missing the test fails saying so, rather than skipping.
 */
public final class HeadlessChromium {

    private HeadlessChromium() {
    }

    /**
     * Starts a browser whose profile, HOME and XDG directories live under {@code workDir}.
     *
     * @throws AssertionError naming what is missing when Chromium or chromedriver cannot be started
     */
    public static ChromeDriver start(Path workDir) {
        File chromium = executable("NODECACHE_CHROMIUM", "/usr/bin/chromium");
        File driver = executable("NODECACHE_CHROMEDRIVER", "/usr/bin/chromedriver");
        try {
            Path home = Files.createDirectories(workDir.resolve("home").toAbsolutePath());
            Path profile = Files.createDirectories(workDir.resolve("profile").toAbsolutePath());
            // An explicit driver keeps Selenium Manager from looking for (and downloading) one.
            System.setProperty("webdriver.chrome.driver", driver.getPath());
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(driver)
                    .usingAnyFreePort()
                    .withEnvironment(Map.of(
                            "HOME", home.toString(),
                            "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                            "XDG_CACHE_HOME", home.resolve(".cache").toString()))
                    .withLogFile(workDir.resolve("chromedriver.log").toFile())
                    .build();
            ChromeOptions options = new ChromeOptions();
            options.setBinary(chromium);
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1100");
            ChromeDriver browser = new ChromeDriver(service, options);
            browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return browser;
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("Headless Chromium did not start (" + chromium + " via " + driver + "): " + e
                    + ". Install it with: apt-get install -y chromium chromium-driver", e);
        }
    }

    /** Saves a PNG of what the browser shows to {@code file}, for a human to look at after the run. */
    public static void screenshot(ChromeDriver browser, Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static File executable(String override, String fallback) {
        String path = System.getenv().getOrDefault(override, fallback);
        File f = new File(path);
        if (!f.canExecute()) {
            throw new AssertionError(path + " is not installed (or not executable): the console's browser test needs "
                    + "Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver), or set "
                    + override);
        }
        return f;
    }
}
