package io.chatplatform.platform;

import static io.chatplatform.platform.Browsers.awaitMessage;
import static io.chatplatform.platform.Browsers.openDirect;
import static io.chatplatform.platform.Browsers.send;
import static io.chatplatform.platform.Browsers.storedMessage;
import static io.chatplatform.platform.Browsers.waitOnline;
import static io.chatplatform.platform.Browsers.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Two people chat on the web page, each in their own headless Chromium: messages, and around them
 * presence, typing, read receipts and unread counts.
 */
@DisplayName("Two users chat in real browsers")
class BrowserChatTest {
  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static PlatformFixture fx;
  static Browsers pages;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir);
    pages = new Browsers(fx, profiles);
  }

  @AfterAll
  static void stop() {
    pages.close();
    fx.close();
  }

  static WebDriver browser(String name) throws Exception {
    return pages.browser(name);
  }

  static void registerOnPage(WebDriver driver, String username) {
    pages.registerOnPage(driver, username);
  }

  static void keepEvidence() {
    pages.keepEvidence("BrowserChatTest");
  }

  /** Waits until my message with this text carries the receipt mark of a direct room in this state. */
  static WebElement awaitReceiptMark(WebDriver driver, String text, String state) {
    By mark = By.xpath(storedMessage(text) + "//*[contains(@class,'receipt-mark') and @data-state='" + state + "']");
    return waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(mark));
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

    openDirect(alice, "bob-web");

    send(alice, "hello bob, from a browser");
    WebElement sent = awaitMessage(alice, "hello bob, from a browser");
    assertThat(sent.getAttribute("data-seq")).isEqualTo("1");

    // Bob's page learns of the new room live, and opening it shows the message.
    By room = By.cssSelector("#room-list li[data-room-id]");
    waiting(bob).until(ExpectedConditions.elementToBeClickable(room));
    // The server names the members, so bob's page names the conversation after alice.
    waiting(bob).until(ExpectedConditions.textToBe(By.cssSelector("#room-list li[data-room-id] .room-name"), "alice-web"));
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

  @Test
  @DisplayName("carol sees that dave is online, that he is typing, and that he has read her messages")
  void presenceTypingAndReceipts() throws Exception {
    try {
      awareness();
    } catch (Throwable t) {
      keepEvidence();
      throw t;
    }
  }

  void awareness() throws Exception {
    WebDriver carol = browser("carol");
    WebDriver dave = browser("dave");
    registerOnPage(carol, "carol-web");
    registerOnPage(dave, "dave-web");
    openDirect(carol, "dave-web");

    // Dave has the page open, so carol's room list and the conversation's header show him online.
    waiting(carol).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("#room-list li[data-room-id][data-type='direct'] .presence-dot[data-status='online']")));
    waiting(carol).until(ExpectedConditions.attributeToBe(By.id("room-presence"), "data-status", "online"));

    // Carol writes before dave has opened the conversation: it waits in his room list as unread.
    send(carol, "knock knock");
    awaitMessage(carol, "knock knock");
    By daveRoom = By.cssSelector("#room-list li[data-room-id]");
    By daveBadge = By.cssSelector("#room-list li[data-room-id] .unread-badge");
    waiting(dave).until(ExpectedConditions.textToBe(daveBadge, "1"));

    // Dave opens it: the message is on his screen, so it is read, his badge goes and carol sees ✓✓.
    dave.findElement(daveRoom).click();
    awaitMessage(dave, "knock knock");
    waiting(dave).until(ExpectedConditions.invisibilityOfElementLocated(daveBadge));
    assertThat(awaitReceiptMark(carol, "knock knock", "read").getText()).isEqualTo("✓✓");

    // Dave types: carol sees who is typing under the messages.
    By typingLine = By.id("typing-line");
    assertThat(carol.findElement(typingLine).isDisplayed()).isFalse();
    WebElement composer = dave.findElement(By.id("composer"));
    composer.sendKeys("who is there");
    WebElement typing = waiting(carol).until(ExpectedConditions.visibilityOfElementLocated(typingLine));
    assertThat(typing.getText()).contains("dave-web").contains("typing");

    // He sends: by the time his message is on carol's screen the line is gone, well before any
    // typing timeout (3 s idle on his page, 6 s on the server, 7 s on hers) could have removed it.
    composer.sendKeys("?", Keys.ENTER);
    awaitMessage(carol, "who is there?");
    assertThat(carol.findElement(typingLine).isDisplayed()).isFalse();
    assertThat(carol.findElement(typingLine).getText()).isEmpty();

    // Carol answers while dave has the conversation open and visible: read at once.
    send(carol, "carol, come in");
    awaitMessage(dave, "carol, come in");
    assertThat(awaitReceiptMark(carol, "carol, come in", "read").getText()).isEqualTo("✓✓");
    assertThat(dave.findElements(By.cssSelector("#room-list li[data-room-id] .unread-badge")))
        .allSatisfy(badge -> assertThat(badge.isDisplayed()).isFalse());

    // Dave's own messages carry no mark on carol's side; his, on his side, are read by carol.
    assertThat(carol.findElements(By.xpath(storedMessage("who is there?") + "//*[contains(@class,'receipt-mark')]"))).isEmpty();
    awaitReceiptMark(dave, "who is there?", "read");
  }

  @Test
  @DisplayName("a page survives a gateway drain: it reconnects without a login, and a message typed while the gateway was away is delivered once")
  void pageSurvivesGatewayDrain() throws Exception {
    try {
      drain();
    } catch (Throwable t) {
      keepEvidence();
      throw t;
    }
  }

  void drain() throws Exception {
    WebDriver erin = browser("erin");
    WebDriver frank = browser("frank");
    registerOnPage(erin, "erin-web");
    registerOnPage(frank, "frank-web");
    openDirect(erin, "frank-web");
    send(erin, "before the drain");
    awaitMessage(erin, "before the drain");
    waiting(frank).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#room-list li[data-room-id]"))).click();
    awaitMessage(frank, "before the drain");

    By status = By.id("connection-status");
    fx.restart(() -> {
      // The gateway has drained and is gone: the page heard why and waits to reconnect.
      waiting(erin).until(ExpectedConditions.attributeToBe(status, "data-state", "reconnecting"));
      send(erin, "typed while the gateway was away");
      waiting(erin).until(ExpectedConditions.visibilityOfElementLocated(
          By.cssSelector("#messages li.pending[data-state='queued']")));
    });

    // Back without a login (the same token, a fresh ticket), caught up, and the queued message sent once.
    waitOnline(erin);
    waitOnline(frank);
    assertThat(erin.findElements(By.id("auth-username"))).allSatisfy(field -> assertThat(field.isDisplayed()).isFalse());
    assertThat(awaitMessage(erin, "typed while the gateway was away").getAttribute("data-seq")).isEqualTo("2");
    assertThat(awaitMessage(frank, "typed while the gateway was away").getAttribute("data-seq")).isEqualTo("2");
    waiting(erin).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#messages li.pending")));
    assertThat(erin.findElements(By.xpath(storedMessage("typed while the gateway was away")))).hasSize(1);
    assertThat(frank.findElements(By.xpath(storedMessage("typed while the gateway was away")))).hasSize(1);
    // The page was told why the socket closed, and treated it as a reason to come back, not a failure.
    List<String> console = new ArrayList<>();
    erin.manage().logs().get(LogType.BROWSER).forEach(e -> console.add(e.getMessage()));
    assertThat(console).anySatisfy(line -> assertThat(line).contains("the server asked us to reconnect (draining)"));
  }

  @Test
  @DisplayName("the browser's sockjs-client works over each HTTP transport: it sends the session's ticket on every request, so the session answers it")
  void sockJsHttpTransports() throws Exception {
    try {
      httpTransports();
    } catch (Throwable t) {
      keepEvidence();
      throw t;
    }
  }

  /**
   * For each transport: a fresh ticket, a SockJS session limited to that transport, and a
   * {@code chat.send} whose answer comes back over it; run in the page, with its sockjs-client.
   */
  void httpTransports() throws Exception {
    Api.User user = fx.newUser("transports");
    String roomId = fx.api.createRoom(user, "Fallbacks").getString("roomId");
    WebDriver page = browser("transports");
    page.get("http://127.0.0.1:" + fx.port() + "/");
    String script = """
        const [token, roomId, transport, done] = arguments;
        (async () => {
          const ticket = (await (await fetch('/api/v1/auth/ticket',
              {method: 'POST', headers: {Authorization: 'Bearer ' + token}})).json()).ticket;
          const sock = new SockJS('/eventbus?ticket=' + encodeURIComponent(ticket), null, {transports: [transport]});
          sock.onopen = () => sock.send(JSON.stringify({type: 'send', address: 'chat.send', replyAddress: 'r-' + transport,
              body: {roomId, clientMsgId: 'c-' + transport, text: 'over ' + transport}}));
          sock.onmessage = (e) => {
            const frame = JSON.parse(e.data);
            if (frame.address === 'r-' + transport) {
              done(sock.transport + ' ' + frame.type + ' ' + (frame.body && frame.body.senderId));
              sock.close();
            }
          };
          sock.onclose = (e) => done('closed ' + e.code + ' ' + e.reason);
        })().catch((e) => done('failed ' + e));
        """;
    for (String transport : List.of("xhr-streaming", "xhr-polling", "eventsource")) {
      Object answer = ((org.openqa.selenium.JavascriptExecutor) page).executeAsyncScript(script, user.token(), roomId, transport);
      assertThat(answer).as(transport).isEqualTo(transport + " rec " + user.userId());
    }
  }
}
