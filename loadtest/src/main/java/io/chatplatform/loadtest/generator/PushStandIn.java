package io.chatplatform.loadtest.generator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Web Push service for the benchmarks, in the generator: {@code POST /push/<device>} on
 * 127.0.0.1, answered 201 as soon as the request is checked, counted, then opened as the
 * subscribed browser would (decrypted with the subscription's private key) and handed to the
 * scenario with its arrival time.
 *
 * <p>It checks what a real push service checks: the {@code aes128gcm} coding, {@code TTL},
 * {@code Urgency} and {@code Topic} headers, and the VAPID token (RFC 8292): an ES256 signature
 * that holds for the key in {@code k=}, that key being the one the server publishes, {@code aud}
 * this service's origin, {@code exp} in the future and within 24 hours, {@code sub} a mailto: or
 * https: contact. The server signs a token once per push service origin and reuses it for hours, so
 * each distinct token is verified once and the verdict kept: full checking at no cost per push.
 * A request that fails a check is answered 403 (token) or 400 (headers) and counted by kind.
 */
final class PushStandIn implements AutoCloseable {
  static final String PATH = "/push/";
  private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");
  /** RFC 8030: a Topic is at most 32 characters of the URL-safe base64 alphabet. */
  private static final int TOPIC_MAX = 32;
  private static final long VAPID_MAX_LIFETIME_S = TimeUnit.HOURS.toSeconds(24);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final String OK = "";

  /** One push as the browser would see it: which device (the number in its path), its JSON, when it arrived. */
  record Push(int device, JsonObject payload, long arrivalNanos) {}

  /** Receives each push that passed the checks and decrypted; called on the stand-in's event loop. */
  interface Listener {
    void onPush(Push push);
  }

  private final WebPushSubscriber subscriber;
  private final Listener listener;
  private final String origin;
  private final HttpServer server;
  /** Authorization header → "" when its token verified, else why it did not. */
  private final Map<String, String> verdicts = new ConcurrentHashMap<>();
  private volatile String vapidKey;
  /** Pushes accepted (answered 201): what "sent" counts. */
  final LongAdder accepted = new LongAdder();
  /** Requests refused or pushes that did not open, by kind. */
  final ErrorCounter refused = new ErrorCounter();

  private PushStandIn(WebPushSubscriber subscriber, Listener listener, int port, HttpServer server) {
    this.subscriber = subscriber;
    this.listener = listener;
    this.origin = "http://127.0.0.1:" + port;
    this.server = server;
  }

  /** Listens on 127.0.0.1:{@code port} (bin/bench picks a free one and allows it on the server). */
  static PushStandIn start(Vertx vertx, int port, WebPushSubscriber subscriber, Listener listener) throws Exception {
    HttpServer server = vertx.createHttpServer();
    PushStandIn standIn = new PushStandIn(subscriber, listener, port, server);
    server.requestHandler(standIn::handle);
    Await.result(server.listen(port, "127.0.0.1"), START_TIMEOUT);
    return standIn;
  }

  /** The endpoint of device {@code device}: what its subscription registers. */
  String endpoint(int device) {
    return origin + PATH + device;
  }

  /** From now on a token must carry this VAPID key (the server's, from {@code GET /api/v1/push/webpush-key}). */
  void expectVapidKey(String key) {
    vapidKey = key;
    verdicts.clear();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST || !request.path().startsWith(PATH)) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.body().onSuccess(body -> answer(request, body, System.nanoTime()))
        .onFailure(e -> refused.add("read." + ErrorCounter.kindOf(e)));
  }

  private void answer(HttpServerRequest request, Buffer body, long arrivalNanos) {
    int device;
    try {
      device = Integer.parseInt(request.path().substring(PATH.length()));
    } catch (NumberFormatException e) {
      refuse(request, 404, "unknown_device");
      return;
    }
    String topic = request.getHeader("Topic");
    if (!"aes128gcm".equals(request.getHeader("Content-Encoding")) || request.getHeader("TTL") == null
        || !URGENCIES.contains(String.valueOf(request.getHeader("Urgency")))
        || (topic != null && !topic.matches("[A-Za-z0-9_-]{1," + TOPIC_MAX + "}"))) {
      refuse(request, 400, "headers");
      return;
    }
    String authorization = String.valueOf(request.getHeader("Authorization"));
    String verdict = verdicts.computeIfAbsent(authorization, this::verify);
    if (!verdict.equals(OK)) {
      refuse(request, 403, "vapid." + verdict);
      return;
    }
    request.response().setStatusCode(201).end();
    accepted.increment();
    JsonObject payload;
    try {
      payload = new JsonObject(new String(subscriber.decrypt(body.getBytes()), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      refused.add("undecryptable");
      return;
    }
    listener.onPush(new Push(device, payload, arrivalNanos));
  }

  private void refuse(HttpServerRequest request, int status, String kind) {
    refused.add(kind);
    request.response().setStatusCode(status).end();
  }

  /** "" when the {@code vapid t=…, k=…} credential holds, else the kind of what is wrong. */
  private String verify(String authorization) {
    if (!authorization.startsWith("vapid ")) {
      return "scheme";
    }
    String token = null;
    String key = null;
    for (String part : authorization.substring("vapid ".length()).split(",")) {
      String p = part.trim();
      if (p.startsWith("t=")) {
        token = p.substring(2);
      } else if (p.startsWith("k=")) {
        key = p.substring(2);
      }
    }
    if (token == null || key == null) {
      return "malformed";
    }
    if (vapidKey != null && !vapidKey.equals(key)) {
      return "not_the_server_key";
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return "malformed";
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
      if (!"ES256".equals(header.getString("alg"))) {
        return "alg";
      }
      Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
      signature.initVerify(WebPushSubscriber.publicKey(b64.decode(key)));
      signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!signature.verify(b64.decode(parts[2]))) {
        return "signature";
      }
      JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
      long now = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());
      Long exp = claims.getLong("exp");
      String sub = claims.getString("sub", "");
      if (!origin.equals(claims.getString("aud"))) {
        return "aud";
      }
      if (exp == null || exp <= now || exp > now + VAPID_MAX_LIFETIME_S) {
        return "exp";
      }
      if (!sub.startsWith("mailto:") && !sub.startsWith("https://")) {
        return "sub";
      }
      return OK;
    } catch (GeneralSecurityException | RuntimeException e) {
      return "malformed";
    }
  }

  @Override
  public void close() throws Exception {
    Await.result(server.close(), START_TIMEOUT);
  }
}
