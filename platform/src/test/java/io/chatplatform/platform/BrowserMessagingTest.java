package io.chatplatform.platform;

import static io.chatplatform.platform.Browsers.awaitMessage;
import static io.chatplatform.platform.Browsers.loginOnPage;
import static io.chatplatform.platform.Browsers.roomEntry;
import static io.chatplatform.platform.Browsers.screenshot;
import static io.chatplatform.platform.Browsers.storedMessage;
import static io.chatplatform.platform.Browsers.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The messaging people expect, on the web page (issue 17): a moderator deletes a member's
 * message, a user edits their message and reacts to another's, and the other page shows each
 * change live; a search result opens its room at the message, and a muted member is told why. The platform keeps the production rate limits (sign-ups per address aside: every
 * test user comes from 127.0.0.1); screenshots go to target/screenshots.
 */
@DisplayName("Edit, delete and react on the web page")
@ExtendWith(BrowserMessagingTest.Evidence.class)
class BrowserMessagingTest {
  /** The Api's users sign in with this password. */
  static final String API_PASSWORD = "correct-horse";

  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  static PlatformFixture fx;
  static Browsers pages;

  @BeforeAll
  static void start() throws Exception {
    fx = new PlatformFixture(dataDir, PlatformFixture.PRODUCTION_BURSTS);
    pages = new Browsers(fx, profiles);
  }

  @AfterAll
  static void stop() {
    pages.close();
    fx.close();
  }

  /** The previous test's browsers are quit here, not after it: a failure's evidence is taken from them first. */
  @BeforeEach
  void quitBrowsers() {
    pages.quitAll();
  }

  /** On a failure, keeps each open browser's screenshot, page and console. */
  static final class Evidence implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      pages.keepEvidence(context.getRequiredTestMethod().getName());
    }
  }

  // --- helpers ---

  ChromeDriver inRoom(String browserName, Api.User user, String room) throws Exception {
    ChromeDriver driver = pages.browser(browserName);
    driver.get(pages.home());
    loginOnPage(driver, user.username(), API_PASSWORD);
    waiting(driver).until(ExpectedConditions.elementToBeClickable(roomEntry(room))).click();
    waiting(driver).until(ExpectedConditions.textToBe(By.id("room-title"), room));
    return driver;
  }

  /** Sends through REST as a bot would; answers the stored message's seq. */
  static long post(Api.User sender, String roomId, String text) {
    Api.Response r = fx.api.post("/api/v1/rooms/" + roomId + "/messages", sender.token(),
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", text));
    assertThat(r.status()).as("send: %s", r.body()).isEqualTo(201);
    return r.json().getLong("seq");
  }

  static By message(long seq) {
    return By.cssSelector("#messages li.message[data-seq='" + seq + "']");
  }

  /** Points at a message (its actions show on hover) and clicks one of its controls. */
  static void clickOnMessage(WebDriver driver, long seq, String control) {
    WebElement li = waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(message(seq)));
    new Actions(driver).moveToElement(li).perform();
    By target = By.cssSelector("#messages li.message[data-seq='" + seq + "'] " + control);
    waiting(driver).until(ExpectedConditions.elementToBeClickable(target)).click();
  }

  /** Waits until the message of this seq is shown deleted, and answers its text. */
  static String awaitDeleted(WebDriver driver, long seq) {
    By deleted = By.cssSelector("#messages li.message.deleted[data-seq='" + seq + "'] .text");
    return waiting(driver).until(ExpectedConditions.visibilityOfElementLocated(deleted)).getText();
  }

  // --- the tests ---

  @Test
  @DisplayName("a member made moderator (PUT …/role) deletes a member's message: both pages show it deleted; the owner's message and the owner are out of the moderator's reach")
  void moderatorDeletesAMembersMessage() throws Exception {
    Api.User owner = fx.newUser("del-owner");
    Api.User moderator = fx.newUser("del-mod");
    Api.User member = fx.newUser("del-member");
    String roomId = fx.api.createRoom(owner, "Moderated", moderator, member).getString("roomId");
    Api.Response promoted = fx.api.call(HttpMethod.PUT, "/api/v1/rooms/" + roomId + "/members/" + moderator.userId() + "/role",
        owner.token(), new JsonObject().put("role", "moderator"));
    assertThat(promoted.status()).as("role: %s", promoted.body()).isEqualTo(200);
    long seq = post(member, roomId, "a message the moderator removes");
    long ownersSeq = post(owner, roomId, "the owner speaks");
    post(member, roomId, "a message that stays");

    ChromeDriver moderatorPage = inRoom("moderator", moderator, "Moderated");
    ChromeDriver memberPage = inRoom("member", member, "Moderated");
    awaitMessage(moderatorPage, "a message that stays");
    awaitMessage(memberPage, "a message the moderator removes");

    // docs/roles.md: a moderator deletes any message but an owner's, and never edits another's.
    new Actions(moderatorPage).moveToElement(awaitMessage(moderatorPage, "the owner speaks")).perform();
    assertThat(moderatorPage.findElements(By.cssSelector("li.message[data-seq='" + ownersSeq + "'] [data-action='open-menu']")))
        .as("nothing in the owner's message's menu for a moderator").isEmpty();
    clickOnMessage(moderatorPage, seq, "button[data-action='open-menu']");
    assertThat(moderatorPage.findElements(By.cssSelector("li.message[data-seq='" + seq + "'] [data-action='edit']")))
        .as("the moderator may delete a member's message, never edit it").isEmpty();
    clickOnMessage(moderatorPage, seq, "button[data-action='delete']");
    clickOnMessage(moderatorPage, seq, "button[data-action='confirm-delete']");

    assertThat(awaitDeleted(moderatorPage, seq)).isEqualTo("message deleted");
    assertThat(awaitDeleted(memberPage, seq)).isEqualTo("message deleted");
    for (WebDriver page : new WebDriver[] {moderatorPage, memberPage}) {
      assertThat(page.findElement(By.id("messages")).getText()).doesNotContain("a message the moderator removes");
      awaitMessage(page, "a message that stays");
      assertThat(page.findElements(By.cssSelector("li.message.deleted[data-seq='" + seq + "'] .message-actions")))
          .as("a deleted message offers no actions").isEmpty();
    }

    // The member list shows the roles; the moderator may act on the member, not on the owner, and changes no role.
    moderatorPage.findElement(By.id("members-toggle")).click();
    By ownerRow = By.cssSelector("#member-list li.member[data-user-id='" + owner.userId() + "']");
    By memberRow = By.cssSelector("#member-list li.member[data-user-id='" + member.userId() + "']");
    WebElement ownerEntry = waiting(moderatorPage).until(ExpectedConditions.visibilityOfElementLocated(ownerRow));
    assertThat(ownerEntry.findElement(By.cssSelector(".role")).getText()).isEqualTo("owner");
    assertThat(moderatorPage.findElement(By.cssSelector("#member-list li.member[data-user-id='" + moderator.userId() + "'] .role"))
        .getText()).isEqualTo("moderator");
    assertThat(ownerEntry.findElements(By.cssSelector("button"))).as("no action on an owner for a moderator").isEmpty();
    moderatorPage.findElement(memberRow).findElement(By.cssSelector("button[data-member-action='open']")).click();
    By menuItems = By.cssSelector("#member-list li.member[data-user-id='" + member.userId() + "'] .member-menu button");
    waiting(moderatorPage).until(ExpectedConditions.visibilityOfElementLocated(menuItems));
    assertThat(moderatorPage.findElements(menuItems)).extracting(item -> item.getAttribute("data-member-action"))
        .containsExactly("mute", "kick", "ban");
    screenshot(moderatorPage, "messaging-deleted-moderator");
    screenshot(memberPage, "messaging-deleted-member");
  }

  @Test
  @DisplayName("a user edits their message and reacts to another's: the other page shows the edit and the reaction's count and who; a reply carries its quote")
  void editAndReactShowOnTheOtherPage() throws Exception {
    Api.User writer = fx.newUser("edit-writer");
    Api.User reader = fx.newUser("edit-reader");
    String roomId = fx.api.createRoom(reader, "Edits", writer).getString("roomId");
    long typo = post(writer, roomId, "see you at 5");
    long question = post(reader, roomId, "who brings the cake?");

    ChromeDriver writerPage = inRoom("writer", writer, "Edits");
    ChromeDriver readerPage = inRoom("reader", reader, "Edits");
    awaitMessage(readerPage, "see you at 5");

    clickOnMessage(writerPage, typo, "button[data-action='open-menu']");
    clickOnMessage(writerPage, typo, "button[data-action='edit']");
    WebElement editor = waiting(writerPage).until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("li.message[data-seq='" + typo + "'] textarea.edit-text")));
    assertThat(editor.getDomProperty("value")).isEqualTo("see you at 5");
    editor.sendKeys(Keys.chord(Keys.CONTROL, "a"), "see you at 6", Keys.ENTER);

    clickOnMessage(writerPage, question, "button[data-action='open-react']");
    clickOnMessage(writerPage, question, ".reaction-picker button[data-emoji='👍']");

    // The reader's page: the edit, marked, in place of the old text.
    WebElement edited = awaitMessage(readerPage, "see you at 6");
    assertThat(edited.getAttribute("data-seq")).isEqualTo(String.valueOf(typo));
    assertThat(edited.findElement(By.cssSelector(".edited")).getText()).isEqualTo("(edited)");
    assertThat(readerPage.findElements(By.xpath(storedMessage("see you at 5")))).isEmpty();

    // The reaction: its count, and who reacted on hover.
    By reaction = By.cssSelector("li.message[data-seq='" + question + "'] .reactions button.reaction[data-emoji='👍']");
    WebElement count = waiting(readerPage).until(ExpectedConditions.visibilityOfElementLocated(reaction));
    assertThat(count.findElement(By.cssSelector(".reaction-count")).getText()).isEqualTo("1");
    assertThat(count.getAttribute("title")).isEqualTo(writer.username() + " reacted with 👍");
    assertThat(count.getAttribute("aria-pressed")).as("the reader did not react").isEqualTo("false");
    // The writer's own page shows the reaction as theirs.
    By mine = By.cssSelector("li.message[data-seq='" + question + "'] button.reaction.mine[data-emoji='👍']");
    assertThat(waiting(writerPage).until(ExpectedConditions.visibilityOfElementLocated(mine)).getAttribute("aria-pressed"))
        .isEqualTo("true");

    // The reader answers the edited message: the quote shows above the composer, then above the reply.
    clickOnMessage(readerPage, typo, "button[data-action='reply']");
    waiting(readerPage).until(ExpectedConditions.visibilityOfElementLocated(By.id("reply-bar")));
    assertThat(readerPage.findElement(By.id("reply-excerpt")).getText()).isEqualTo("see you at 6");
    Browsers.send(readerPage, "great, I bring the cake");
    WebElement reply = awaitMessage(writerPage, "great, I bring the cake");
    assertThat(reply.findElement(By.cssSelector(".quote .quote-text")).getText()).isEqualTo("see you at 6");
    assertThat(reply.findElement(By.cssSelector(".quote .quote-sender")).getText()).isEqualTo(writer.username());
    assertThat(readerPage.findElement(By.id("reply-bar")).isDisplayed()).as("the reply bar goes with the send").isFalse();
    screenshot(readerPage, "messaging-edit-react-reader");
    screenshot(writerPage, "messaging-edit-react-writer");
  }

  @Test
  @DisplayName("search from the sidebar finds a message far back; its result opens the room at it; a member muted through REST is told until when and why when they send")
  void searchThenMute() throws Exception {
    Api.User owner = fx.newUser("find-owner");
    Api.User reader = fx.newUser("find-reader");
    String roomId = fx.api.createRoom(owner, "Archive", reader).getString("roomId");
    long needle = post(owner, roomId, "the quarterly zeppelin report is attached");
    // More than a page (PAGE_SIZE 50) after it, so the room opens without it: within both
    // users' production send bursts (30 each).
    long last = 0;
    for (int i = 1; i <= 26; i++) {
      post(owner, roomId, "filler from the owner " + i);
      last = post(reader, roomId, "filler from the reader " + i);
    }
    // Read on another device: nothing unread, so the page opens the room at its newest page
    // (unread messages would be loaded back to, the needle with them).
    try (SocketClient phone = fx.socket(reader)) {
      phone.ask("chat.receipt", new JsonObject().put("roomId", roomId).put("seq", last).put("kind", "read"));
    }

    ChromeDriver page = pages.browser("searcher");
    page.get(pages.home());
    loginOnPage(page, reader.username(), API_PASSWORD);
    WebElement query = waiting(page).until(ExpectedConditions.elementToBeClickable(By.id("search-query")));
    query.sendKeys("Zeppelin report", Keys.ENTER);
    By result = By.cssSelector("#search-results li.search-result button[data-seq='" + needle + "']");
    WebElement found = waiting(page).until(ExpectedConditions.elementToBeClickable(result));
    assertThat(found.getText()).contains("Archive").contains("the quarterly zeppelin report is attached");
    assertThat(page.findElements(By.cssSelector("#search-results li.search-result"))).hasSize(1);
    found.click();

    waiting(page).until(ExpectedConditions.textToBe(By.id("room-title"), "Archive"));
    By hit = By.cssSelector("#messages li.message.highlight[data-seq='" + needle + "']");
    assertThat(waiting(page).until(ExpectedConditions.visibilityOfElementLocated(hit)).getText())
        .contains("the quarterly zeppelin report is attached");
    assertThat(page.findElements(message(needle + 1))).as("the room shows the messages after it too").hasSize(1);
    screenshot(page, "messaging-search-jump");

    Api.Response muted = fx.api.post("/api/v1/rooms/" + roomId + "/moderation", owner.token(),
        new JsonObject().put("action", "mute").put("userId", reader.userId()).put("durationSec", 600).put("reason", "spam"));
    assertThat(muted.status()).as("mute: %s", muted.body()).isEqualTo(200);
    By notice = By.id("moderation-notice-text");
    String noticeText = waiting(page).until(ExpectedConditions.visibilityOfElementLocated(notice)).getText();
    assertThat(noticeText).startsWith("You were muted in “Archive” until ").endsWith("Reason: spam");

    Browsers.send(page, "am I still heard?");
    By refusal = By.id("composer-error");
    String refused = waiting(page).until(ExpectedConditions.visibilityOfElementLocated(refusal)).getText();
    System.out.printf("muted send on the page: \"%s\"; notice: \"%s\"%n", refused, noticeText);
    assertThat(refused).startsWith("You are muted in this room until ").doesNotContain("mutedUntil");
    assertThat(refused.substring("You are muted in this room until ".length()))
        .as("the same end as the notice's").isEqualTo(noticeText.replaceAll("^.* until (.*)\\. Reason: spam$", "$1") + ".");
    screenshot(page, "messaging-muted-send");
  }
}
