package io.chatplatform.platform;

import static io.chatplatform.platform.Browsers.awaitMessage;
import static io.chatplatform.platform.Browsers.openDirect;
import static io.chatplatform.platform.Browsers.waiting;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Files on the web page, in real Chromium: an image is attached, uploaded and sent; the other
 * person sees its thumbnail (loaded through a signed link, no token in the URL) and opens the
 * full image. A file the server refuses (SVG: never accepted, whatever the settings) is named in
 * the composer's error and nothing is sent.
 */
@DisplayName("Files in real browsers")
class BrowserFilesTest {
  @TempDir static Path dataDir;
  @TempDir static Path profiles;
  @TempDir static Path files;
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

  /** A 400 × 300 PNG of two colours: large enough that its thumbnail is a scaled copy. */
  static Path png(String name) throws Exception {
    BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, 400, 300);
    g.setColor(Color.BLUE);
    g.fillRect(100, 75, 200, 150);
    g.dispose();
    Path file = files.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  /** One second of a 440 Hz tone, 8 kHz mono 16-bit WAV. */
  static Path wav(String name) throws Exception {
    int rate = 8000;
    byte[] samples = new byte[rate * 2];
    for (int i = 0; i < rate; i++) {
      short v = (short) (Math.sin(2 * Math.PI * 440 * i / rate) * 8000);
      samples[2 * i] = (byte) v;
      samples[2 * i + 1] = (byte) (v >> 8);
    }
    AudioFormat format = new AudioFormat(rate, 16, 1, true, false);
    Path file = files.resolve(name);
    AudioSystem.write(new AudioInputStream(new ByteArrayInputStream(samples), format, rate), AudioFileFormat.Type.WAVE, file.toFile());
    return file;
  }

  /** Chooses files in the composer's file input (several: one path a line, as the attach button's dialog would). */
  static void attach(WebDriver driver, Path... chosen) {
    driver.findElement(By.id("attach-input")).sendKeys(
        Arrays.stream(chosen).map(f -> f.toAbsolutePath().toString()).collect(Collectors.joining("\n")));
  }

  static By storedImage(String name) {
    return By.xpath("//*[@id='messages']/li[contains(@class,'message') and @data-seq]//li[contains(@class,'attachment')]//img[@alt='" + name + "']");
  }

  @Test
  @DisplayName("erin sends an image, a sound and a text file with a caption; frank sees the thumbnail and opens the full image, gets a player and a download link, and axe finds no serious violation")
  void imageSentAndSeen() throws Exception {
    try {
      sendImage();
    } catch (Throwable t) {
      pages.keepEvidence("BrowserFilesTest");
      throw t;
    }
  }

  void sendImage() throws Exception {
    WebDriver erin = pages.browser("erin");
    WebDriver frank = pages.browser("frank");
    pages.registerOnPage(erin, "erin-web");
    pages.registerOnPage(frank, "frank-web");
    openDirect(erin, "frank-web");

    Path notes = files.resolve("notes.txt");
    Files.writeString(notes, "bring snacks\n");
    attach(erin, png("sunset.png"), wav("gull.wav"), notes);
    // The uploads finish: their progress bars go and the files stay listed, ready to go.
    By ready = By.cssSelector("#composer-files li.composer-file:not(.uploading)");
    waiting(erin).until(d -> d.findElements(ready).size() == 3);
    assertThat(erin.findElement(By.id("composer-files")).getText()).contains("sunset.png", "gull.wav", "notes.txt");
    erin.findElement(By.id("composer")).sendKeys("look at this");
    erin.findElement(By.id("send")).click();
    awaitMessage(erin, "look at this");
    waiting(erin).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#composer-files li")));

    By room = By.cssSelector("#room-list li[data-room-id]");
    waiting(frank).until(ExpectedConditions.elementToBeClickable(room)).click();
    awaitMessage(frank, "look at this");
    WebElement thumbnail = waiting(frank).until(ExpectedConditions.visibilityOfElementLocated(storedImage("sunset.png")));
    waiting(frank).until(d -> ((Number) js(d).executeScript("return arguments[0].complete && arguments[0].naturalWidth", thumbnail)).intValue() > 0);
    String src = thumbnail.getAttribute("src");
    System.out.printf("thumbnail %s x %s from %s%n", js(frank).executeScript("return arguments[0].naturalWidth", thumbnail),
        js(frank).executeScript("return arguments[0].naturalHeight", thumbnail), src.replaceAll("[?].*", "?…"));
    // A signed link, never a token.
    assertThat(src).contains("/thumbnail?").contains("s=").doesNotContain("access").doesNotContain("Bearer");

    // The sound plays in the browser's own player (its metadata read through the signed link);
    // the text file is a download link named after it.
    WebElement player = frank.findElement(By.cssSelector("#messages li.message[data-seq] li.attachment audio"));
    assertThat(player.getAttribute("aria-label")).startsWith("gull.wav (");
    waiting(frank).until(d -> ((Number) js(d).executeScript("return arguments[0].readyState", player)).intValue() >= 1);
    System.out.println("audio duration " + js(frank).executeScript("return arguments[0].duration", player) + " s");
    WebElement download = frank.findElement(By.cssSelector("#messages li.message[data-seq] li.attachment.file a"));
    waiting(frank).until(d -> download.getAttribute("href") != null);
    assertThat(download.getAttribute("download")).isEqualTo("notes.txt");
    assertThat(download.getText()).isEqualTo("📎 notes.txt (13 bytes)");
    List<String> violations = BrowserUxTest.audit((ChromeDriver) frank);
    System.out.println("axe serious/critical violations with attachments: " + violations);
    assertThat(violations).isEmpty();

    // Opening it (keyboard: focus the link, Enter) shows the full image in a new tab.
    List<String> before = new ArrayList<>(frank.getWindowHandles());
    WebElement open = frank.findElement(By.xpath(xpathOf(storedImage("sunset.png")) + "/ancestor::a[1]"));
    open.sendKeys(Keys.ENTER);
    waiting(frank).until(d -> d.getWindowHandles().size() > before.size());
    String tab = frank.getWindowHandles().stream().filter(h -> !before.contains(h)).findFirst().orElseThrow();
    frank.switchTo().window(tab);
    waiting(frank).until(d -> ((Number) js(d).executeScript(
        "const img = document.querySelector('img'); return img && img.complete ? img.naturalWidth : 0")).intValue() == 400);
    frank.close();
    frank.switchTo().window(before.get(0));
  }

  @Test
  @DisplayName("an SVG is refused: the composer names the file and says why, and nothing is sent")
  void refusedUploadShowsTheError() throws Exception {
    try {
      refused();
    } catch (Throwable t) {
      pages.keepEvidence("BrowserFilesTest");
      throw t;
    }
  }

  void refused() throws Exception {
    WebDriver grace = pages.browser("grace");
    pages.registerOnPage(grace, "grace-web");
    WebDriver heidi = pages.browser("heidi");
    pages.registerOnPage(heidi, "heidi-web");
    openDirect(grace, "heidi-web");

    Path svg = files.resolve("drawing.svg");
    Files.writeString(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
    attach(grace, svg);

    By error = By.id("composer-error");
    waiting(grace).until(ExpectedConditions.visibilityOfElementLocated(error));
    String text = grace.findElement(error).getText();
    System.out.println("refusal shown: " + text);
    assertThat(text).startsWith("drawing.svg cannot be sent").contains("type");
    assertThat(grace.findElement(error).getAttribute("role")).isEqualTo("alert");
    waiting(grace).until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#composer-files li")));
    assertThat(grace.findElements(By.cssSelector("#messages li.message"))).isEmpty();
  }

  static JavascriptExecutor js(WebDriver driver) {
    return (JavascriptExecutor) driver;
  }

  static String xpathOf(By by) {
    return by.toString().replaceFirst("^By\\.xpath: ", "");
  }
}
