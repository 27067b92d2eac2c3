package io.chatplatform.platform;

import static io.chatplatform.platform.Browsers.awaitMessage;
import static io.chatplatform.platform.Browsers.loginOnPage;
import static io.chatplatform.platform.Browsers.screenshot;
import static io.chatplatform.platform.Browsers.send;
import static io.chatplatform.platform.Browsers.waitOnline;
import static io.chatplatform.platform.Browsers.waiting;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A web session outlives its access token: the page refreshes it before it expires (through the
 * HttpOnly refresh cookie) and moves its live socket onto the new one, a second tab of the same
 * browser is signed in by that cookie, without a login screen, and a log-out ends the login in
 * every tab.
 */
@DisplayName("A web session outlives its access token, reaches new tabs, and ends everywhere at log-out")
@ExtendWith(BrowserSessionTest.Evidence.class)
class BrowserSessionTest {
  /**
   * Access tokens live 20 s here (production: an hour), so that a test outlives one: the page
   * refreshes a quarter of a lifetime before expiry (at 15 s), and the socket, which the gateway
   * would close at the old token's expiry, must survive it. Shorter would leave the page little
   * time for the refresh round trip on a loaded 2-core machine.
   */
  static final int TOKEN_TTL_SECONDS = 20;
  /** Long enough for a token to be refreshed and the old one to expire. */
  static final Duration REFRESH_WAIT = Duration.ofSeconds(TOKEN_TTL_SECONDS * 2L);
  static final String STATE_LOG = "window.__connectionStates";

  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static PlatformFixture fx;
  static Browsers pages;
  ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, Map.of("ACCESS_TOKEN_TTL_SECONDS", String.valueOf(TOKEN_TTL_SECONDS)));
    pages = new Browsers(fx, profiles);
  }

  @AfterAll
  static void stop() {
    pages.close();
    fx.close();
  }

  /** Keeps a screenshot of every tab, then quits the browser. */
  @AfterEach
  void screenshotsOfEveryTab(TestInfo test) throws Exception {
    if (browser != null) {
      String name = test.getTestMethod().map(m -> m.getName()).orElse("test");
      int tab = 0;
      for (String handle : browser.getWindowHandles()) {
        browser.switchTo().window(handle);
        screenshot(browser, "session-" + name + "-tab" + tab++);
      }
    }
    pages.quitAll();
  }

  /** On a failure, keeps the browser's screenshot, page and console (before it is quit). */
  static final class Evidence implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      pages.keepEvidence(context.getRequiredTestMethod().getName());
    }
  }

  WebDriverWait waitingForRefresh() {
    return new WebDriverWait(browser, REFRESH_WAIT);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  /** Waits until the page shows the user in and online (no login screen on the way). */
  void awaitSignedIn(String username) {
    waiting(browser).until(ExpectedConditions.textToBe(By.id("me-name"), username));
    waitOnline(browser);
    assertThat(browser.findElement(By.id("auth-screen")).isDisplayed()).isFalse();
  }

  /** A user who shares a room with someone, logged in on the page of a new browser. */
  Api.User logIn(String prefix) throws Exception {
    Api.User user = fx.newUser(prefix);
    fx.api.createRoom(fx.newUser(prefix + "-peer"), "Talk", user);
    browser = pages.browser(prefix);
    browser.get(pages.home());
    loginOnPage(browser, user.username(), BrowserUxTest.API_PASSWORD);
    return user;
  }

  /** Opens a new tab of the same browser (cookies shared, sessionStorage not) on the page. */
  String newTab() {
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(pages.home());
    return browser.getWindowHandle();
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
    send(browser, text);
    awaitMessage(browser, text);
  }

  void openTheRoom() {
    waiting(browser).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#room-list li[data-room-id]"))).click();
    waiting(browser).until(ExpectedConditions.elementToBeClickable(By.id("composer")));
  }

  /** Waits until this tab's token was replaced and the one it had at `before` has expired. */
  Map<?, ?> awaitRefreshPastExpiry(Map<?, ?> before) {
    waitingForRefresh().withMessage("the page to hold a refreshed access token").until(driver -> {
      Map<?, ?> now = heldSession();
      return now != null && !before.get("accessToken").equals(now.get("accessToken"));
    });
    long oldExpiry = ((Number) before.get("expiresAt")).longValue();
    waitingForRefresh().until(driver -> ((Number) js("return Date.now();")).longValue() > oldExpiry + 1_000);
    return heldSession();
  }

  /** The page shows the login screen (the auth screen is hidden until the page has decided). */
  void awaitLoginScreen() {
    waiting(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username")));
    assertThat(browser.findElement(By.id("me-name")).getText()).isEmpty();
  }

  @Test
  @DisplayName("the page refreshes its token before expiry and keeps its socket: no login screen, no reconnect, messages still flow")
  void sessionOutlivesItsAccessToken() throws Exception {
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
    Api.User paula = logIn("paula");
    String firstTab = browser.getWindowHandle();
    Map<?, ?> firstTabSession = heldSession();

    // A new tab shares the cookies, not the sessionStorage: it signs in with the refresh cookie.
    newTab();
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

  @Test
  @DisplayName("log-out wipes the tab and revokes the login: a new tab finds the login screen, the other tab is signed out at its next refresh")
  void logOutEndsTheLoginInEveryTab() throws Exception {
    Api.User rita = logIn("rita");
    String firstTab = browser.getWindowHandle();
    String secondTab = newTab();
    awaitSignedIn(rita.username());
    browser.switchTo().window(firstTab);
    openTheRoom();
    js("document.getElementById('composer').value = 'a draft'; document.getElementById('composer').dispatchEvent(new Event('input'));");
    assertThat((String) js("return sessionStorage.getItem('chat.drafts');")).contains("a draft");

    browser.findElement(By.id("logout")).click();
    awaitLoginScreen();
    assertThat(js("return sessionStorage.length")).as("session, names and drafts wiped").isEqualTo(0L);

    // The refresh cookie no longer signs anyone in: the server revoked it and cleared it.
    newTab();
    awaitLoginScreen();
    assertThat(js("return fetch('/api/v1/auth/refresh', {method: 'POST'}).then((r) => r.status);"))
        .as("a refresh with whatever cookie this browser still has").isEqualTo(401L);

    // The tab that was signed in holds an access token still, until its refresh is refused.
    browser.switchTo().window(secondTab);
    new WebDriverWait(browser, REFRESH_WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username")));
    assertThat(browser.findElement(By.id("auth-error")).getText()).contains("session has expired");
    assertThat(js("return sessionStorage.length")).as("its traces wiped too").isEqualTo(0L);
    System.out.printf("log-out: all %d tabs on the login screen%n", browser.getWindowHandles().size());
  }
}
