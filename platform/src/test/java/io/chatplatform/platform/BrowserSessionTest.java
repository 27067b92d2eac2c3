package io.chatplatform.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A web session outlives its access token: the page refreshes it before it expires (through the
 * HttpOnly refresh cookie) and moves its live socket onto the new one, and a second tab of the
 * same browser is signed in by that cookie, without a login screen.
 */
@DisplayName("A web session outlives its access token and reaches new tabs")
class BrowserSessionTest {
  /**
   * Access tokens live 20 s here (production: an hour), so that a test outlives one: the page
   * refreshes a quarter of a lifetime before expiry (at 15 s), and the socket, which the gateway
   * would close at the old token's expiry, must survive it. Shorter would leave the page little
   * time for the refresh round trip on a loaded 2-core machine.
   */
  static final int TOKEN_TTL_SECONDS = 20;
  static final Duration WAIT = Duration.ofSeconds(TOKEN_TTL_SECONDS * 2L);
  static final String STATE_LOG = "window.__connectionStates";

  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static PlatformFixture fx;
  WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("ACCESS_TOKEN_TTL_SECONDS", String.valueOf(TOKEN_TTL_SECONDS)));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @AfterEach
  void screenshots(TestInfo test) throws Exception {
    if (browser == null) return;
    Path dir = Files.createDirectories(Path.of("target", "browser-session"));
    String name = test.getTestMethod().map(m -> m.getName()).orElse("test");
    int tab = 0;
    for (String handle : browser.getWindowHandles()) {
      browser.switchTo().window(handle);
      Files.write(dir.resolve(name + "-tab" + tab++ + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
    browser.quit();
  }

  WebDriver openBrowser(String name) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BrowserChatTest.CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-quic", "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(BrowserChatTest.CHROMEDRIVER)).usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    return browser;
  }

  WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** Opens the page and waits until the user is in and online (no login screen on the way). */
  void awaitSignedIn(String username) {
    waiting().until(ExpectedConditions.textToBe(By.id("me-name"), username));
    waiting().until(ExpectedConditions.attributeToBe(By.id("connection-status"), "data-state", "online"));
    assertThat(browser.findElement(By.id("auth-screen")).isDisplayed()).isFalse();
  }

  /** A user who shares a room with someone, logged in on the page (the password is Api's). */
  Api.User logIn(String prefix) {
    Api.User user = fx.newUser(prefix);
    fx.api.createRoom(fx.newUser(prefix + "-peer"), "Talk", user);
    browser.get("http://127.0.0.1:" + fx.port() + "/");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username"))).sendKeys(user.username());
    browser.findElement(By.id("auth-password")).sendKeys("correct-horse", Keys.ENTER);
    awaitSignedIn(user.username());
    return user;
  }

  /** Records every connection state the page shows from now on, to tell whether it ever reconnected. */
  void recordConnectionStates() {
    js(STATE_LOG + " = []; new MutationObserver(() => " + STATE_LOG
        + ".push(document.getElementById('connection-status').dataset.state))"
        + ".observe(document.getElementById('connection-status'), {attributes: true, attributeFilter: ['data-state']});");
  }

  /** The access token this tab holds, with its expiry (what the page keeps for a reload). */
  Map<?, ?> heldSession() {
    return (Map<?, ?>) js("return JSON.parse(sessionStorage.getItem('chat.session'));");
  }

  void sendAndSee(String text) {
    browser.findElement(By.id("composer")).sendKeys(text, Keys.ENTER);
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.xpath(
        "//*[@id='messages']/li[@data-seq][.//*[contains(@class,'text') and normalize-space(.)='" + text + "']]")));
  }

  void openTheRoom() {
    waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#room-list li[data-room-id]"))).click();
    waiting().until(ExpectedConditions.elementToBeClickable(By.id("composer")));
  }

  /** Waits until this tab's token was replaced and the one it had at `before` has expired. */
  Map<?, ?> awaitRefreshPastExpiry(Map<?, ?> before) {
    waiting().withMessage("the page to hold a refreshed access token").until(driver -> {
      Map<?, ?> now = heldSession();
      return now != null && !before.get("accessToken").equals(now.get("accessToken"));
    });
    long oldExpiry = ((Number) before.get("expiresAt")).longValue();
    waiting().until(driver -> ((Number) js("return Date.now();")).longValue() > oldExpiry + 1_000);
    return heldSession();
  }

  @Test
  @DisplayName("the page refreshes its token before expiry and keeps its socket: no login screen, no reconnect, messages still flow")
  void sessionOutlivesItsAccessToken() throws Exception {
    openBrowser("olga");
    logIn("olga");
    openTheRoom();
    sendAndSee("before the token expires");
    recordConnectionStates();
    Map<?, ?> first = heldSession();

    Map<?, ?> refreshed = awaitRefreshPastExpiry(first);

    assertThat(browser.findElement(By.id("auth-screen")).isDisplayed()).isFalse();
    assertThat(browser.findElement(By.id("connection-status")).getAttribute("data-state")).isEqualTo("online");
    assertThat((List<?>) js("return " + STATE_LOG + ";")).as("the socket never dropped").isEmpty();
    sendAndSee("after the old token expired");
    System.out.printf("token refreshed: expiry %s → %s; the page never left 'online'%n",
        first.get("expiresAt"), refreshed.get("expiresAt"));
  }

  @Test
  @DisplayName("a second tab of the same browser is signed in by the refresh cookie; both tabs keep going through their refreshes")
  void secondTabIsSignedIn() throws Exception {
    openBrowser("paula");
    Api.User paula = logIn("paula");
    String firstTab = browser.getWindowHandle();
    Map<?, ?> firstTabSession = heldSession();

    // A new tab shares the cookies, not the sessionStorage: it signs in with the refresh cookie.
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get("http://127.0.0.1:" + fx.port() + "/");
    awaitSignedIn(paula.username());
    assertThat(heldSession().get("accessToken")).as("a token of its own, from a refresh").isNotEqualTo(firstTabSession.get("accessToken"));
    openTheRoom();
    sendAndSee("from the second tab");

    // Each tab refreshes on its own, one at a time (the refresh token rotates): both stay in.
    browser.switchTo().window(firstTab);
    awaitRefreshPastExpiry(firstTabSession);
    awaitSignedIn(paula.username());
    openTheRoom();
    sendAndSee("from the first tab, with a refreshed token");
  }
}
