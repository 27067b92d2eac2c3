package io.chatplatform.platform;

import static io.chatplatform.platform.Browsers.loginOnPage;
import static io.chatplatform.platform.Browsers.waitOnline;
import static io.chatplatform.platform.Browsers.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.webpush.WebPushPayloads;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Web Push on the web page, in headless Chromium: the opt-in button, the service worker
 * ({@code sw.js}) showing notifications, the visible-room rule, the click.
 *
 * <p>How far it is real: the page asks permission (granted or denied through DevTools, as a
 * person would click), registers the worker, subscribes at Chromium's push service and registers
 * the subscription with the server. Chromium's push service here is {@link GcmStandIn} (headless
 * Chromium has no network, and without it {@code PushManager.subscribe} never settles); it checks
 * the check-in credentials and records the application server key, which must be the server's
 * VAPID key. notification-service then decides a real push for the away user; its Web Push
 * provider is replaced by a recording one, since the subscription's endpoint is Chromium's
 * (unreachable) staging push host (the provider itself is tested against a stand-in push service
 * in notification-service, {@code WebPushProviderTest}). The push reaches the worker through
 * DevTools' {@code ServiceWorker.deliverPushMessage} with the payload notification-service's
 * {@code WebPushPayload} makes of that decision, in place of the push service's delivery.
 *
 * <p>What the worker shows is read from a recorder the test puts in the running worker (around
 * {@code registration.showNotification}), not from {@code getNotifications()}: Chromium answers
 * that call by first deleting from its database every notification its platform does not report
 * as displayed yet (PlatformNotificationContextImpl's read of a registration's notifications), so
 * a read that races a display loses that notification for good. Under load that race was won: 2
 * runs of 4 with both cores busy, and once in CI, the worker's {@code showNotification} had
 * resolved and no read ever listed it. The worker keeps the recorder because a DevTools session
 * stays attached to it (Chromium does not stop a worker with one attached).
 *
 * <p>A notification cannot be clicked in headless Chromium (DevTools has no command for it), and
 * a {@code notificationclick} dispatched by script carries no permission to focus or open a
 * window ({@code InvalidAccessError}): the test dispatches one in the worker, with the
 * notification the worker showed last, and checks what needs no such permission (the open page
 * switches to the room, the notification is closed). Opening a new window when no page is open
 * is not tested.
 *
 * <p>Settings: PUSH_DELAY_MS and PUSH_POLL_MS are lowered (200 ms, 50 ms) so the away user's push
 * is decided in a fraction of a second instead of the production 10 s; WEBPUSH_ALLOWED_ENDPOINTS
 * is Chromium's staging push host, which Chromium names in its endpoints once its GCM URLs are
 * moved to the stand-in.
 */
@DisplayName("Web Push in a real browser")
class BrowserPushTest {
  static final String CHROMIUM_STAGING_ENDPOINTS = "https://jmt17.google.com/fcm/send/";
  static final String API_PASSWORD = BrowserUxTest.API_PASSWORD;
  static final int TTL_SECONDS = 600;

  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static GcmStandIn gcm;
  static PlatformFixture fx;
  static Browsers pages;

  record Sent(Device device, PushMessage message) {}

  static final List<Sent> sent = new CopyOnWriteArrayList<>();
  static final PushProvider RECORDING_WEB_PUSH = new PushProvider() {
    @Override
    public Future<PushOutcome> send(Device device, PushMessage message) {
      sent.add(new Sent(device, message));
      return Future.succeededFuture(new PushOutcome.Delivered());
    }

    @Override
    public String kind() {
      return "webpush";
    }
  };

  @BeforeAll
  static void start() throws Exception {
    gcm = GcmStandIn.start();
    fx = new PlatformFixture(dataDir, Map.of(
        "WEBPUSH_ALLOWED_ENDPOINTS", CHROMIUM_STAGING_ENDPOINTS, "PUSH_DELAY_MS", "200", "PUSH_POLL_MS", "50"),
        List.of(RECORDING_WEB_PUSH));
    pages = new Browsers(fx, profiles);
  }

  @AfterAll
  static void stop() {
    pages.close();
    fx.close();
    gcm.close();
  }

  String origin() {
    return "http://127.0.0.1:" + fx.port();
  }

  @Test
  @DisplayName("opt in; a push while away shows sender, room and preview; a later one replaces it; the click opens the room; the visible room's push shows nothing; opt out; log-out ends it")
  void optInNotifyClickAndOptOut() throws Throwable {
    try {
      optInNotifyClickAndOptOutSteps();
    } catch (Throwable t) {
      pages.keepEvidence("BrowserPushTest-optIn");
      throw t;
    }
  }

  void optInNotifyClickAndOptOutSteps() throws Exception {
    Api.User alice = fx.newUser("push-alice");
    Api.User bob = fx.newUser("push-bob");
    String team = fx.api.createRoom(bob, "Team", alice).getString("roomId");
    String other = fx.api.createRoom(bob, "Other", alice).getString("roomId");
    ChromeDriver page = loggedInPage("alice", alice);
    try (DevToolsClient cdp = DevToolsClient.connect(page)) {
      cdp.send("Browser.grantPermissions", new JsonObject().put("permissions", new JsonArray().add("notifications")).put("origin", origin()));

      // 1. Opting in: the worker is registered, the push service got the server's key, the server has the device.
      assertThat(clickPushButton(page)).as("the page's error: %s", pushError(page)).isEqualTo("on");
      assertThat(page.findElement(By.id("push-toggle")).getText()).isEqualTo("Stop notifications");
      assertThat(script(page, "navigator.serviceWorker.getRegistration('/').then((r) => r && r.active && r.active.scriptURL)"))
          .isEqualTo(pages.home() + "sw.js");
      String serverKey = fx.api.get("/api/v1/push/webpush-key", alice.token()).json().getString("publicKey");
      assertThat(gcm.subscribedSenders()).as("the applicationServerKey the push service saw").contains(serverKey);
      JsonArray devices = fx.api.get("/api/v1/devices", alice.token()).json().getJsonArray("devices");
      assertThat(devices).hasSize(1);
      JsonObject device = devices.getJsonObject(0);
      System.out.println("alice's browser registered: " + device.encode());
      assertThat(device.getString("kind")).isEqualTo("webpush");
      assertThat(device.getString("endpointHost")).isEqualTo("jmt17.google.com");

      // 2. Alice is away (her page is gone): bob's message is pushed to her browser.
      page.get("about:blank");
      Api.Response posted = fx.api.post("/api/v1/rooms/" + team + "/messages", bob.token(),
          new JsonObject().put("clientMsgId", "push-1").put("text", "see you at 5"));
      assertThat(posted.status()).isEqualTo(201);
      Await.until("notification-service pushes alice's browser", Duration.ofSeconds(20),
          () -> sent.stream().anyMatch(s -> s.device().deviceId().equals(device.getString("deviceId"))));
      PushMessage away = sent.stream().filter(s -> s.device().deviceId().equals(device.getString("deviceId"))).findFirst().orElseThrow().message();
      System.out.println("pushed to alice's browser: " + away);
      assertThat(away.roomId()).isEqualTo(team);
      assertThat(away.preview()).isEqualTo("see you at 5");

      // 3. The page is back, showing no room; the push reaches the worker: a notification.
      page.get(pages.home());
      waitOnline(page);
      String pageSession = cdp.attach(cdp.target("page", url -> url.startsWith(pages.home())).getString("targetId"));
      cdp.send(pageSession, "ServiceWorker.enable", new JsonObject());
      JsonObject registrations = cdp.awaitEvent("ServiceWorker.workerRegistrationUpdated", p -> registrationOf(p, pages.home()) != null);
      Push push = new Push(cdp, pageSession, origin(), registrationOf(registrations, pages.home()).getString("registrationId"));
      ShownByWorker shown = ShownByWorker.install(cdp, workerSession(cdp, pageSession));
      push.deliver(away);
      Map<String, Object> first = shown.awaitCount(1).get(0);
      assertThat(first).containsEntry("title", "Team").containsEntry("body", bob.username() + ": see you at 5")
          .containsEntry("tag", team).containsEntry("renotify", true).containsEntry("roomId", team);
      assertThat(((Number) first.get("seq")).longValue()).isEqualTo(away.seq());

      // 4. A later push of the room replaces the earlier notification: the room is the tag (the
      //    browser keeps one notification per tag), and the replacement alerts again.
      push.deliver(new PushMessage(team, "Team", away.seq() + 1, 2, bob.username(), "and bring snacks", team, false, null, TTL_SECONDS));
      assertThat(shown.awaitCount(2).get(1)).containsEntry("body", bob.username() + ": and bring snacks (+1 more)")
          .containsEntry("tag", team).containsEntry("renotify", true);

      // 5. The click on it (dispatched in the worker): the open page switches to the room, the notification is closed.
      shown.clickLast();
      waiting(page).until(ExpectedConditions.textToBe(By.id("room-title"), "Team"));
      assertThat(page.getCurrentUrl()).endsWith("#/rooms/" + team);
      assertThat(shown.closedTags()).containsExactly(team);

      // 6. Alice reads Team: its push shows nothing. Pushes are handled in order, so once the
      //    next push (another room's, id-only) shows, Team's was decided: nothing of it was shown.
      push.deliver(new PushMessage(team, "Team", away.seq() + 2, 1, bob.username(), "alice sees this in the page", team, false, null, TTL_SECONDS));
      push.deliver(new PushMessage(other, "", 1, 1, "", null, other, false, null, TTL_SECONDS));
      List<Map<String, Object>> all = shown.awaitCount(3);
      assertThat(all.get(2)).as("id-only: no name, no text").containsEntry("title", "Chat").containsEntry("body", "New message")
          .containsEntry("tag", other);

      // 7. Opting out: unsubscribed, and the server forgets the device.
      assertThat(clickPushButton(page)).isEqualTo("off");
      assertThat(pushError(page)).isEmpty();
      assertThat(page.findElement(By.id("push-toggle")).getText()).isEqualTo("Notify me on this device");
      assertThat(script(page, "navigator.serviceWorker.getRegistration('/').then((r) => r.pushManager.getSubscription()).then((s) => s === null)"))
          .isEqualTo(true);
      Await.until("the device is deleted", Duration.ofSeconds(20),
          () -> fx.api.get("/api/v1/devices", alice.token()).json().getJsonArray("devices").isEmpty());

      // 8. On again, then a log-out: the device is deleted, the subscription ended at the push
      //    service, and the worker is gone.
      assertThat(clickPushButton(page)).as("the page's error: %s", pushError(page)).isEqualTo("on");
      assertThat(fx.api.get("/api/v1/devices", alice.token()).json().getJsonArray("devices")).hasSize(1);
      long unsubscribed = gcm.unsubscriptions();
      System.out.println("push service requests so far: " + gcm.registrations);
      page.findElement(By.id("logout")).click();
      Await.until("the subscription ends at log-out", Duration.ofSeconds(20), () -> gcm.unsubscriptions() > unsubscribed);
      waiting(page).until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-username")));
      Await.until("the device is deleted at log-out", Duration.ofSeconds(20),
          () -> fx.api.get("/api/v1/devices", alice.token()).json().getJsonArray("devices").isEmpty());
      waiting(page).until(d -> Boolean.TRUE.equals(script(d, "navigator.serviceWorker.getRegistration('/').then((r) => r === undefined)")));
    }
  }

  @Test
  @DisplayName("nothing is asked on load; a denied permission is said in the page, which stays accessible")
  void deniedPermission() throws Throwable {
    try {
      Api.User carol = fx.newUser("push-carol");
      ChromeDriver page = loggedInPage("carol", carol);
      assertThat(script(page, "navigator.serviceWorker.getRegistration('/').then((r) => r === undefined)"))
          .as("no worker before the button is clicked").isEqualTo(true);
      try (DevToolsClient cdp = DevToolsClient.connect(page)) {
        cdp.send("Browser.setPermission", new JsonObject().put("permission", new JsonObject().put("name", "notifications"))
            .put("setting", "denied").put("origin", origin()));
        assertThat(clickPushButton(page)).isEqualTo("off");
        assertThat(pushError(page)).isEqualTo("Notifications are blocked for this site in your browser settings. Allow them there, then try again.");
        assertThat(fx.api.get("/api/v1/devices", carol.token()).json().getJsonArray("devices")).isEmpty();
        List<String> violations = BrowserUxTest.audit(page);
        System.out.println("axe serious/critical violations, alerts panel open with an error: " + violations);
        assertThat(violations).isEmpty();
        page.findElement(By.id("push-toggle")).sendKeys(" ");
        waiting(page).until(d -> !"starting".equals(d.findElement(By.id("push-toggle")).getAttribute("data-state")));
        assertThat(pushError(page)).as("the button works from the keyboard").startsWith("Notifications are blocked");
      }
    } catch (Throwable t) {
      pages.keepEvidence("BrowserPushTest-denied");
      throw t;
    }
  }

  @Test
  @DisplayName("a push service that refuses the subscription is said in the page; nothing is registered")
  void pushServiceRefuses() throws Throwable {
    gcm.refusal = "INVALID_SENDER";
    try {
      Api.User dan = fx.newUser("push-dan");
      ChromeDriver page = loggedInPage("dan", dan);
      try (DevToolsClient cdp = DevToolsClient.connect(page)) {
        cdp.send("Browser.grantPermissions", new JsonObject().put("permissions", new JsonArray().add("notifications")).put("origin", origin()));
        assertThat(clickPushButton(page)).isEqualTo("off");
        assertThat(pushError(page)).isEqualTo("Your browser could not subscribe at its push service. Check your connection and try again.");
        assertThat(fx.api.get("/api/v1/devices", dan.token()).json().getJsonArray("devices")).isEmpty();
      }
    } catch (Throwable t) {
      pages.keepEvidence("BrowserPushTest-refused");
      throw t;
    } finally {
      gcm.refusal = null;
    }
  }

  // --- helpers ---

  ChromeDriver loggedInPage(String name, Api.User user) throws Exception {
    ChromeDriver page = pages.browser(name, gcm.chromiumArguments());
    page.get(pages.home());
    loginOnPage(page, user.username(), API_PASSWORD);
    return page;
  }

  /** Clicks the push button in the Alerts panel; the state it settles in ({@code on} or {@code off}). */
  static String clickPushButton(WebDriver page) {
    WebElement settings = page.findElement(By.id("settings"));
    if (settings.getAttribute("open") == null) {
      settings.findElement(By.tagName("summary")).click();
    }
    WebElement button = waiting(page).until(ExpectedConditions.elementToBeClickable(By.id("push-toggle")));
    String before = button.getAttribute("data-state");
    button.click();
    // Settled: the other state, or the same one with an error said.
    return waiting(page).until(d -> {
      String state = d.findElement(By.id("push-toggle")).getAttribute("data-state");
      boolean settled = (state.equals("on") || state.equals("off")) && (!state.equals(before) || !pushError(d).isEmpty());
      return settled ? state : null;
    });
  }

  static String pushError(WebDriver page) {
    WebElement error = page.findElement(By.id("push-error"));
    return error.isDisplayed() ? error.getText() : "";
  }

  /** Runs a script that gives a promise; its value. */
  static Object script(WebDriver page, String promise) {
    return ((ChromeDriver) page).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "Promise.resolve().then(() => " + promise + ").then(done, (e) => done('failed: ' + e));");
  }

  /**
   * The notifications the running worker showed, in order, as its {@code showNotification} calls
   * resolved: title, body, tag, renotify, and data's roomId and seq (see the class comment for
   * why not {@code getNotifications()}).
   */
  record ShownByWorker(DevToolsClient cdp, String worker) {
    static ShownByWorker install(DevToolsClient cdp, String worker) throws Exception {
      cdp.evaluate(worker, """
          (() => {
            const registration = self.registration;
            const show = registration.showNotification.bind(registration);
            self.shownForTest = [];
            self.closedForTest = [];
            registration.showNotification = (title, options) => show(title, options).then(() => {
              self.shownForTest.push({title, body: options.body, tag: options.tag, renotify: options.renotify,
                roomId: options.data && options.data.roomId, seq: options.data && options.data.seq});
            });
          })()
          """);
      return new ShownByWorker(cdp, worker);
    }

    List<Map<String, Object>> now() {
      Object shown;
      try {
        shown = cdp.evaluate(worker, "self.shownForTest === undefined ? 'the worker restarted: its recorder is gone' : self.shownForTest");
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertThat(shown).as("the worker's recorder").isInstanceOf(JsonArray.class);
      return ((JsonArray) shown).stream().map(n -> ((JsonObject) n).getMap()).toList();
    }

    /** Waits until the worker has shown {@code count} notifications; all of them. */
    List<Map<String, Object>> awaitCount(int count) {
      Await.until("the worker shows notification " + count, Browsers.WAIT, () -> now().size() >= count);
      List<Map<String, Object>> all = now();
      assertThat(all).as("shown by the worker").hasSize(count);
      return all;
    }

    /** Dispatches a click on the last notification shown; its close() is recorded. */
    void clickLast() throws Exception {
      cdp.evaluate(worker, """
          (() => {
            const last = self.shownForTest[self.shownForTest.length - 1];
            const notification = {tag: last.tag, data: {roomId: last.roomId, seq: last.seq},
              close: () => self.closedForTest.push(last.tag)};
            self.dispatchEvent(Object.assign(new ExtendableEvent('notificationclick'), {notification}));
          })()
          """);
    }

    @SuppressWarnings("unchecked")
    List<Object> closedTags() throws Exception {
      return ((JsonArray) cdp.evaluate(worker, "self.closedForTest")).getList();
    }
  }

  static JsonObject registrationOf(JsonObject params, String scope) {
    return params.getJsonArray("registrations").stream().map(JsonObject.class::cast)
        .filter(r -> scope.equals(r.getString("scopeURL")) && !r.getBoolean("isDeleted")).findFirst().orElse(null);
  }

  /** A session in the running service worker (started first if the browser stopped it while idle). */
  String workerSession(DevToolsClient cdp, String pageSession) throws Exception {
    cdp.send(pageSession, "ServiceWorker.startWorker", new JsonObject().put("scopeURL", pages.home()));
    String url = pages.home() + "sw.js";
    Await.until("the service worker runs", Browsers.WAIT, () -> workerTarget(cdp, url) != null);
    String session = cdp.attach(workerTarget(cdp, url).getString("targetId"));
    // The recorder is evaluated in this session; while it is attached, Chromium keeps the worker running.
    cdp.send(session, "Runtime.enable", new JsonObject());
    return session;
  }

  static JsonObject workerTarget(DevToolsClient cdp, String url) {
    try {
      return cdp.target("service_worker", url::equals);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Delivers pushes to the page's worker as the push service would, with notification-service's payload. */
  record Push(DevToolsClient cdp, String pageSession, String origin, String registrationId) {
    void deliver(PushMessage message) throws Exception {
      cdp.send(pageSession, "ServiceWorker.deliverPushMessage",
          new JsonObject().put("origin", origin).put("registrationId", registrationId).put("data", WebPushPayloads.of(message)));
    }
  }
}
