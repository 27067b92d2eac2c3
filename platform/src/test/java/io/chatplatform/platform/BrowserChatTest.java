package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Two people chat on the web page, each in their own headless Chromium. */
@DisplayName("Two users chat in real browsers")
class BrowserChatTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static PlatformFixture fx;
  static final List<WebDriver> browsers = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir);
  }

  @AfterAll
  static void stop() {
    browsers.forEach(WebDriver::quit);
    fx.close();
  }

  static WebDriver browser(String name) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    WebDriver driver = new ChromeDriver(service, options);
    browsers.add(driver);
    return driver;
  }

  static WebDriverWait waiting(WebDriver driver) {
    return new WebDriverWait(driver, WAIT);
  }

  static void registerOnPage(WebDriver driver, String username) {
    driver.get("http://127.0.0.1:" + fx.port() + "/");
    WebDriverWait wait = waiting(driver);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username"))).sendKeys(username);
    driver.findElement(By.id("auth-password")).sendKeys("correct-horse-battery");
    driver.findElement(By.id("auth-register")).click();
    wait.until(ExpectedConditions.textToBe(By.id("me-name"), username));
    waitOnline(driver);
  }

  static void waitOnline(WebDriver driver) {
    waiting(driver).until(ExpectedConditions.attributeToBe(By.id("connection-status"), "data-state", "online"));
  }

  static void send(WebDriver driver, String text) {
    WebElement composer = waiting(driver).until(ExpectedConditions.elementToBeClickable(By.id("composer")));
    composer.sendKeys(text);
    composer.sendKeys(Keys.ENTER);
  }

  /** Waits until the open room shows a stored (acknowledged, seq-numbered) message with this text. */
  static WebElement awaitMessage(WebDriver driver, String text) {
    By stored = By.xpath("//*[@id='messages']/li[contains(@class,'message') and @data-seq]"
        + "[.//*[contains(@class,'text') and normalize-space(.)='" + text + "']]");
    return waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(stored));
  }

  /** Keeps a screenshot, the page and the console of each browser under target/, to see what went wrong. */
  static void keepEvidence() {
    for (int i = 0; i < browsers.size(); i++) {
      WebDriver driver = browsers.get(i);
      try {
        Path dir = Files.createDirectories(Path.of("target", "browser-evidence"));
        Files.write(dir.resolve("browser-" + i + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        Files.writeString(dir.resolve("browser-" + i + ".html"), driver.getPageSource());
        StringBuilder console = new StringBuilder();
        driver.manage().logs().get(LogType.BROWSER).forEach(e -> console.append(e).append('\n'));
        Files.writeString(dir.resolve("browser-" + i + "-console.txt"), console);
      } catch (Exception e) {
        // Evidence is best effort; the test's own failure is what gets reported.
      }
    }
  }

  @Test
  @DisplayName("alice finds bob, opens a direct conversation, and they exchange messages live")
  void twoUsersChat() throws Exception {
    try {
      chat();
    } catch (Throwable t) {
      keepEvidence();
      throw t;
    }
  }

  void chat() throws Exception {
    WebDriver alice = browser("alice");
    WebDriver bob = browser("bob");
    registerOnPage(alice, "alice-web");
    registerOnPage(bob, "bob-web");

    alice.findElement(By.id("direct-query")).sendKeys("bob-w");
    By bobResult = By.cssSelector("#direct-results li[data-username='bob-web']");
    waiting(alice).until(ExpectedConditions.elementToBeClickable(bobResult)).click();
    waiting(alice).until(ExpectedConditions.textToBe(By.id("room-title"), "bob-web"));

    send(alice, "hello bob, from a browser");
    WebElement sent = awaitMessage(alice, "hello bob, from a browser");
    assertThat(sent.getAttribute("data-seq")).isEqualTo("1");

    // Bob's page learns of the new room live, and opening it shows the message.
    By room = By.cssSelector("#room-list li[data-room-id]");
    waiting(bob).until(ExpectedConditions.elementToBeClickable(room));
    // The server names the members, so bob's page names the conversation after alice.
    waiting(bob).until(ExpectedConditions.textToBe(room, "alice-web"));
    bob.findElement(room).click();
    assertThat(awaitMessage(bob, "hello bob, from a browser").getAttribute("data-seq")).isEqualTo("1");

    send(bob, "hi alice!");
    assertThat(awaitMessage(alice, "hi alice!").getAttribute("data-seq")).isEqualTo("2");
    assertThat(awaitMessage(bob, "hi alice!").getAttribute("data-seq")).isEqualTo("2");

    // After a reload bob is still logged in, back online, and sees the history.
    bob.navigate().refresh();
    waitOnline(bob);
    waiting(bob).until(ExpectedConditions.elementToBeClickable(room)).click();
    awaitMessage(bob, "hello bob, from a browser");
    awaitMessage(bob, "hi alice!");
    assertThat(bob.findElements(By.cssSelector("#messages li.message[data-seq]"))).hasSize(2);
  }
}
