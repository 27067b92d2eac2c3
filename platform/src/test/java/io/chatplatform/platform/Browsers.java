package io.chatplatform.platform;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium pages on a running platform, and what a person does on them (register, open a
 * conversation, send), for the browser tests. Closing quits every browser it started.
 */
final class Browsers implements AutoCloseable {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String PASSWORD = "correct-horse-battery";
  /** Screenshots kept as test artifacts. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private final PlatformFixture fx;
  private final Path profiles;
  final List<WebDriver> open = new ArrayList<>();

  Browsers(PlatformFixture fx, Path profiles) {
    this.fx = fx;
    this.profiles = profiles;
  }

  String home() {
    return "http://127.0.0.1:" + fx.port() + "/";
  }

  ChromeDriver browser(String name) throws Exception {
    return browser(name, 1280, 900);
  }

  ChromeDriver browser(String name, int width, int height) throws Exception {
    return browser(name, width, height, List.of());
  }

  /** A browser started with more command-line switches (e.g. where its push service is). */
  ChromeDriver browser(String name, List<String> switches) throws Exception {
    return browser(name, 1280, 900, switches);
  }

  private ChromeDriver browser(String name, int width, int height, List<String> switches) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--window-size=" + width + "," + height,
        "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
    options.addArguments(switches);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    open.add(driver);
    return driver;
  }

  static WebDriverWait waiting(WebDriver driver) {
    return new WebDriverWait(driver, WAIT);
  }

  /** Registers on the page; {@code shownAs} is the username the page then shows (stored lower case). */
  void registerOnPage(WebDriver driver, String username, String shownAs) {
    driver.get(home());
    WebDriverWait wait = waiting(driver);
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username"))).sendKeys(username);
    driver.findElement(By.id("auth-password")).sendKeys(PASSWORD);
    driver.findElement(By.id("auth-register")).click();
    wait.until(ExpectedConditions.textToBe(By.id("me-name"), shownAs));
    waitOnline(driver);
  }

  void registerOnPage(WebDriver driver, String username) {
    registerOnPage(driver, username, username);
  }

  /** Logs in on a page that shows the login form. */
  static void loginOnPage(WebDriver driver, String username, String password) {
    WebDriverWait wait = waiting(driver);
    WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username")));
    field.clear();
    field.sendKeys(username);
    driver.findElement(By.id("auth-password")).sendKeys(password, Keys.ENTER);
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

  /** The stored (acknowledged, seq-numbered) message with this text in the open room. */
  static String storedMessage(String text) {
    return "//*[@id='messages']/li[contains(@class,'message') and @data-seq]"
        + "[.//*[contains(@class,'text') and normalize-space(.)='" + text + "']]";
  }

  /** Waits until the open room shows a stored (acknowledged, seq-numbered) message with this text. */
  static WebElement awaitMessage(WebDriver driver, String text) {
    return waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(By.xpath(storedMessage(text))));
  }

  /** Finds a user through the "direct message" search and opens the conversation with them. */
  static void openDirect(WebDriver driver, String username) {
    openDirect(driver, username, username);
  }

  /** As {@link #openDirect(WebDriver, String)}, for a user the page titles {@code title} (their display name). */
  static void openDirect(WebDriver driver, String username, String title) {
    driver.findElement(By.id("direct-query")).sendKeys(username);
    By result = By.cssSelector("#direct-results li[data-username='" + username + "'] button");
    waiting(driver).until(ExpectedConditions.elementToBeClickable(result)).click();
    waiting(driver).until(ExpectedConditions.textToBe(By.id("room-title"), title));
  }

  /** The room list's entry of a room, by its name on screen. */
  static By roomEntry(String name) {
    return By.xpath("//*[@id='room-list']/li[@data-room-id][.//*[contains(@class,'room-name') and normalize-space(.)='" + name + "']]");
  }

  static void screenshot(WebDriver driver, String name) throws Exception {
    Files.createDirectories(SCREENSHOTS);
    Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  /** Keeps a screenshot, the page and the console of each browser under target/, to see what went wrong. */
  void keepEvidence(String test) {
    for (int i = 0; i < open.size(); i++) {
      WebDriver driver = open.get(i);
      try {
        Path dir = Files.createDirectories(Path.of("target", "browser-evidence", test));
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

  /** Quits the browsers started so far (a test's own, before the next test starts its). */
  void quitAll() {
    open.forEach(WebDriver::quit);
    open.clear();
  }

  @Override
  public void close() {
    quitAll();
  }
}
