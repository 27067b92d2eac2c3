package io.chatplatform.platform;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A DevTools protocol connection of the test's own to a browser ChromeDriver started, for what
 * {@code ChromeDriver.executeCdpCommand} cannot do: receive events (a service worker's
 * registration id) and talk to targets other than the page (the service worker itself). Sessions
 * are flat ({@code sessionId} on each message). Permission overrides made over this connection
 * last until it closes.
 */
final class DevToolsClient implements AutoCloseable {
  private static final Duration WAIT = Browsers.WAIT;

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonObject>> answers = new ConcurrentHashMap<>();
  /** Every event so far, {method, params, sessionId}, and those still awaited. */
  private final List<JsonObject> events = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final WebSocket socket;

  private record Waiter(String method, Predicate<JsonObject> params, CompletableFuture<JsonObject> found) {}

  private DevToolsClient(ChromeDriver driver) throws Exception {
    Map<?, ?> options = (Map<?, ?>) driver.getCapabilities().getCapability("goog:chromeOptions");
    String address = (String) options.get("debuggerAddress");
    HttpRequest version = HttpRequest.newBuilder(URI.create("http://" + address + "/json/version")).timeout(WAIT).build();
    String browserUrl = new JsonObject(http.send(version, HttpResponse.BodyHandlers.ofString()).body()).getString("webSocketDebuggerUrl");
    socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(URI.create(browserUrl), new Listener())
        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  static DevToolsClient connect(ChromeDriver driver) throws Exception {
    return new DevToolsClient(driver);
  }

  /** A command to the browser itself. */
  JsonObject send(String method, JsonObject params) throws Exception {
    return send(null, method, params);
  }

  /** A command in a target's session (null: the browser); its result, or a failed test with the error. */
  JsonObject send(String sessionId, String method, JsonObject params) throws Exception {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    answers.put(id, answer);
    JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    socket.sendText(message.encode(), true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    JsonObject reply = answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (reply.containsKey("error")) {
      throw new AssertionError(method + " failed: " + reply.getJsonObject("error"));
    }
    return reply.getJsonObject("result", new JsonObject());
  }

  /** Attaches to a target (a page, a service worker): the session id for its commands. */
  String attach(String targetId) throws Exception {
    return send("Target.attachToTarget", new JsonObject().put("targetId", targetId).put("flatten", true)).getString("sessionId");
  }

  /** The target of this type whose URL satisfies {@code url}, or null. */
  JsonObject target(String type, Predicate<String> url) throws Exception {
    for (Object info : send("Target.getTargets", new JsonObject()).getJsonArray("targetInfos")) {
      JsonObject target = (JsonObject) info;
      if (type.equals(target.getString("type")) && url.test(target.getString("url"))) {
        return target;
      }
    }
    return null;
  }

  /** Runs a script in a target's session and waits for its promise: the value (JSON-like), or a failed test. */
  Object evaluate(String sessionId, String expression) throws Exception {
    JsonObject result = send(sessionId, "Runtime.evaluate",
        new JsonObject().put("expression", expression).put("awaitPromise", true).put("returnByValue", true));
    if (result.containsKey("exceptionDetails")) {
      throw new AssertionError("script failed: " + result.getJsonObject("exceptionDetails"));
    }
    return result.getJsonObject("result").getValue("value");
  }

  /** The params of the first event {@code method} (received already or to come) they satisfy. */
  JsonObject awaitEvent(String method, Predicate<JsonObject> params) throws Exception {
    CompletableFuture<JsonObject> found = new CompletableFuture<>();
    synchronized (events) {
      for (JsonObject event : events) {
        if (event.getString("method").equals(method) && params.test(event.getJsonObject("params"))) {
          return event.getJsonObject("params");
        }
      }
      waiters.add(new Waiter(method, params, found));
    }
    return found.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void received(JsonObject message) {
    if (message.containsKey("id")) {
      CompletableFuture<JsonObject> answer = answers.remove(message.getLong("id"));
      if (answer != null) {
        answer.complete(message);
      }
      return;
    }
    JsonObject params = message.getJsonObject("params", new JsonObject());
    synchronized (events) {
      events.add(message);
      waiters.removeIf(w -> w.method().equals(message.getString("method")) && w.params().test(params) && w.found().complete(params));
    }
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> null).join();
  }

  /** Collects a message's frames, then hands the whole message on. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        JsonObject message = new JsonObject(partial.toString());
        partial.setLength(0);
        received(message);
      }
      webSocket.request(1);
      return null;
    }
  }
}
