package dev.efspipe.local.web;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A real headless Chromium driven through Debian's {@code chromedriver}. Both executables are found on
 * the {@code PATH} and handed to Selenium explicitly, so Selenium Manager never tries to download a
 * driver or a browser (this machine's network is closed). Each browser gets a fresh profile directory and
 * the switches that keep Chromium from calling home (which would hang it here).
 */
final class Browser implements AutoCloseable {
    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path screenshots;
    private final Path downloads;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path screenshots, Path downloads) {
        this.driver = driver;
        this.service = service;
        this.screenshots = screenshots;
        this.downloads = downloads;
    }

    /** Where the browser saves downloads. */
    Path downloads() {
        return downloads;
    }

    /** Skips the calling test, with a message saying what to install, where Chromium or its driver is missing. */
    static Browser start(Path profile, int width, int height) throws IOException {
        Optional<Path> chromium = onPath("chromium", "chromium-browser");
        Optional<Path> chromedriver = onPath("chromedriver");
        Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
                "The browser tests need Chromium and its driver on the PATH (Debian: apt-get install chromium chromium-driver); "
                        + "found chromium: " + chromium.map(Path::toString).orElse("no")
                        + ", chromedriver: " + chromedriver.map(Path::toString).orElse("no"));
        Path downloads = Files.createDirectories(profile.resolveSibling(profile.getFileName() + "-downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toFile());
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(profile), "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.get().toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        Path shots = Path.of(System.getProperty("screenshots.dir",
                System.getProperty("java.io.tmpdir") + File.separator + "efspipe-screenshots"));
        return new Browser(driver, service, Files.createDirectories(shots), downloads);
    }

    private static Optional<Path> onPath(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    WebDriver driver() {
        return driver;
    }

    void open(String url) {
        driver.get(url);
        await(Duration.ofSeconds(15), d -> "true".equals(js("return document.documentElement.dataset.ready || ''")),
                "the page's modules to load at " + url);
    }

    /** Goes to a hash route of the page that is open (no reload, as a click on a link would). */
    void route(String hash) {
        js("location.hash = arguments[0]", hash);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    /** Waits (polling) until the condition gives a value that is not null or false, or fails naming what it waited for. */
    <T> T await(Duration timeout, Function<WebDriver, T> condition, String what) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
                .withMessage(() -> "waited " + timeout.toSeconds() + " s for " + what)
                .until(condition);
    }

    WebElement awaitVisible(String css, Duration timeout) {
        return await(timeout, d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed)
                .findFirst().orElse(null), css + " to show");
    }

    /** Picks files in the upload page's file input, as a person does in the file chooser. */
    void choose(Path... files) {
        route("#/");
        find("#file-input").sendKeys(java.util.Arrays.stream(files).map(Path::toString)
                .collect(java.util.stream.Collectors.joining("\n")));
    }

    /**
     * Waits until the upload card of {@code fileName} is in {@code state}; fails at once if it ends in
     * another final state, with the card's text.
     */
    WebElement awaitUpload(String fileName, String state, Duration timeout) {
        String css = "li.upload[data-name='" + fileName + "']";
        return await(timeout, d -> {
            List<WebElement> cards = findAll(css);
            if (cards.isEmpty()) {
                return null;
            }
            String now = cards.get(0).getAttribute("data-state");
            if (now != null && !now.equals(state) && List.of("published", "failed", "rejected", "upload-failed").contains(now)) {
                throw new AssertionError(fileName + " ended " + now + ", not " + state + ": " + cards.get(0).getText());
            }
            return state.equals(now) ? cards.get(0) : null;
        }, fileName + " to be " + state);
    }

    /** Limits the browser's upload bandwidth to {@code bytesPerSecond} (-1: no limit), as DevTools' throttling does. */
    void throttleUploads(long bytesPerSecond) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
                "downloadThroughput", -1, "uploadThroughput", bytesPerSecond));
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** The whole page (not only the viewport) as a PNG under the screenshots directory; returns its path. */
    Path screenshot(String name) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> metrics = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        @SuppressWarnings("unchecked")
        Map<String, Object> viewport = (Map<String, Object>) metrics.get("cssLayoutViewport");
        double width = ((Number) viewport.get("clientWidth")).doubleValue();
        double height = Math.max(((Number) size.get("height")).doubleValue(), ((Number) viewport.get("clientHeight")).doubleValue());
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Path file = screenshots.resolve(name + ".png");
        Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        return file;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
