package io.chatplatform.notification.providers.webpush;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A push service on 127.0.0.1 that checks what a real one checks: the VAPID token's ES256
 * signature against the key in {@code k=}, then decrypts the body as the subscribed browser would.
 * The first path segment under {@code /sub/} picks the answer: ok (201), gone (410), notfound (404),
 * busy (429 with Retry-After: 7), down (503), bad (400), redirect (301 to an ok path), huge (400
 * with a body that never ends), flaky (503 the first time a path is asked, 201 after).
 */
public final class StandInPushService implements AutoCloseable {
  /** What one request carried, as the stand-in understood it. */
  public record Received(String path, String topic, String ttl, String urgency, String contentEncoding,
                  String vapidKey, JsonObject claims, byte[] body, byte[] plaintext) {}

  private final Vertx vertx;
  private final SubscriptionDecryptor browser;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> refusals = new CopyOnWriteArrayList<>();
  private final List<Received> accepted = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> failedOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final Promise<Long> hugeClosed = Promise.promise();
  private HttpServer server;

  public StandInPushService(Vertx vertx, SubscriptionDecryptor browser) {
    this.vertx = vertx;
    this.browser = browser;
  }

  public StandInPushService start() {
    server = Await.result(vertx.createHttpServer()
        .connectionHandler(connection -> connections.incrementAndGet())
        .requestHandler(request -> request.body().onSuccess(body -> answer(request, body)))
        .listen(0, "127.0.0.1"));
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public List<Received> received() {
    return received;
  }

  /** The pushes it answered 201: those a browser shows. */
  public List<Received> accepted() {
    return accepted;
  }

  /** Requests that failed the stand-in's checks (bad token, undecryptable body): none is expected. */
  public List<String> refusals() {
    return refusals;
  }

  public int connections() {
    return connections.get();
  }

  /** Completes with the bytes written when the client closed the endless answer. */
  public Future<Long> hugeClosed() {
    return hugeClosed.future();
  }

  private void answer(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    Received push;
    try {
      String[] authorization = request.getHeader("Authorization").split(", k=");
      String jwt = authorization[0].substring("vapid t=".length());
      String key = authorization[1];
      JsonObject claims = verify(jwt, key);
      byte[] plaintext = browser.decrypt(body.getBytes());
      push = new Received(request.path(), request.getHeader("Topic"), request.getHeader("TTL"),
          request.getHeader("Urgency"), request.getHeader("Content-Encoding"), key, claims, body.getBytes(), plaintext);
    } catch (RuntimeException e) {
      refusals.add(request.path() + ": " + e);
      response.setStatusCode(403).end();
      return;
    }
    received.add(push);
    String behaviour = request.path().split("/")[2];
    // flaky: the first request of a path fails, every later one is accepted
    boolean flakyFirst = behaviour.equals("flaky") && failedOnce.add(request.path());
    if (behaviour.equals("ok") || (behaviour.equals("flaky") && !flakyFirst)) {
      accepted.add(push);
    }
    switch (behaviour) {
      case "ok" -> response.setStatusCode(201).end();
      case "flaky" -> response.setStatusCode(flakyFirst ? 503 : 201).end();
      case "gone" -> response.setStatusCode(410).end();
      case "notfound" -> response.setStatusCode(404).end();
      case "busy" -> response.setStatusCode(429).putHeader("Retry-After", "7").end();
      case "down" -> response.setStatusCode(503).end();
      case "bad" -> response.setStatusCode(400).end("{\"reason\":\"bad\"}");
      case "redirect" -> response.setStatusCode(301).putHeader("Location", url("/sub/ok/redirected")).end();
      case "huge" -> endless(response.setStatusCode(400).setChunked(true));
      default -> response.setStatusCode(500).end();
    }
  }

  /** Writes 16 KiB chunks until the client goes away. */
  private void endless(HttpServerResponse response) {
    Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
    long[] written = {0};
    response.closeHandler(v -> hugeClosed.tryComplete(written[0]));
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (!response.writeQueueFull() && !response.closed()) {
        response.write(chunk);
        written[0] += chunk.length();
      }
      if (!response.closed()) {
        response.drainHandler(v -> pump[0].run());
      }
    };
    pump[0].run();
  }

  /** The claims of an ES256 token whose signature holds for {@code key}; throws otherwise. */
  private static JsonObject verify(String jwt, String key) {
    String[] parts = jwt.split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    if (!"ES256".equals(header.getString("alg"))) {
      throw new IllegalStateException("alg " + header.getString("alg"));
    }
    try {
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initVerify(P256.publicKey(Base64.getUrlDecoder().decode(key)));
      signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!signature.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        throw new IllegalStateException("the VAPID signature does not verify");
      }
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
