package io.xueban.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Debian's Chromium, headless, driven through its chromedriver (both installed by .ci/run; set
 * CHROMIUM_BINARY and CHROMEDRIVER to use others). Nothing is downloaded: the driver is named,
 * so Selenium Manager is never asked. One browser per test class, one fresh profile each.
 */
final class Browser implements AutoCloseable {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);

    final ChromeDriver driver;
    private final String baseUrl;

    private Browser(ChromeDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
    }

    /** A browser on the app at this port, as wide as a laptop screen or as a phone (375 px). */
    static Browser open(int port, int width, int height) {
        String binary = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
        String driverPath = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
        assertThat(Path.of(binary)).as("Chromium for the browser tests (apt-get install chromium chromium-driver)")
                .isExecutable();
        assertThat(Path.of(driverPath)).as("chromedriver for the browser tests (apt-get install chromium-driver)")
                .isExecutable();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run", "--disable-extensions", "--lang=zh-CN",
                "--window-size=" + width + "," + height);
        // A Chinese school's browser: pages and the API answer in Chinese unless English is chosen.
        options.setExperimentalOption("prefs", java.util.Map.of("intl.accept_languages", "zh-CN,zh"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(driverPath).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new Browser(driver, "http://127.0.0.1:" + port);
    }

    Browser go(String path) {
        driver.get(baseUrl + path);
        return this;
    }

    /** Signs in through the login form and waits for the start page. */
    Browser login(String username, String password) {
        go("/login");
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("form button[type=submit]")).click();
        await(d -> !d.getCurrentUrl().contains("/login"));
        return this;
    }

    Browser logout() {
        driver.manage().deleteAllCookies();
        return this;
    }

    WebElement find(String css) {
        return await(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst()
                .orElse(null));
    }

    /** Ticks knowledge points in a point picker (X.pointPicker), by id, as a teacher clicks them. */
    Browser pick(String picker, long... ids) {
        for (long id : ids) {
            WebElement box = find(picker + " input[type=checkbox][value='" + id + "']");
            if (!box.isSelected()) {
                box.click();
            }
        }
        return this;
    }

    String text(String css) {
        return find(css).getText();
    }

    <T> T await(Function<WebDriver, T> condition) {
        return await(condition, WAIT);
    }

    <T> T await(Function<WebDriver, T> condition, Duration timeout) {
        try {
            return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
        } catch (TimeoutException e) {
            // Say what the page showed: a wait that timed out is otherwise hard to read from a CI log.
            Object shown = script("return document.body ? document.body.innerText : document.documentElement.outerHTML");
            String text = String.valueOf(shown);
            throw new AssertionError("Waited " + timeout.toSeconds() + " s in vain on " + driver.getCurrentUrl()
                    + "; script problems: " + script("return window.xuebanProblems || []") + "; the page shows: "
                    + text.substring(0, Math.min(text.length(), 4000)), e);
        }
    }

    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** Saves what the page looks like now as target/screenshots/{name}.png. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page has no script errors, no messages left untranslated and no stack trace or raw JSON shown. */
    void assertCleanPage() {
        String body = driver.findElement(By.tagName("body")).getText();
        assertThat(body).as("page text of %s", driver.getCurrentUrl())
                .doesNotContain("Exception", "at io.xueban", "\"status\":", "\"detail\":", "??");
        assertThat(script("return window.xuebanProblems || []")).as("script errors and missing messages on %s",
                driver.getCurrentUrl()).asList().isEmpty();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
