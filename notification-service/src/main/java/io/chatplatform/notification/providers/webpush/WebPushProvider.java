package io.chatplatform.notification.providers.webpush;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.PushMetrics;
import io.chatplatform.notification.providers.RetryAfter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/** Web Push (RFC 8030) with encrypted payloads (RFC 8291) and VAPID (RFC 8292). */
public final class WebPushProvider implements PushProvider {
  private static final Base64.Decoder B64URL = Base64.getUrlDecoder();
  private final Vertx vertx;
  private final WebPushConfig config;
  private final Vapid vapid;
  private final MeterRegistry metrics;
  private final HttpClientAgent client;
  private final Context fallbackContext;

  private WebPushProvider(Vertx vertx, WebPushConfig config, Vapid vapid, MeterRegistry metrics) {
    this.vertx = vertx;
    this.config = config;
    this.vapid = vapid;
    this.metrics = metrics;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) config.timeoutMs()));
    this.fallbackContext = vertx.getOrCreateContext();
  }

  /** Loads (or creates) the VAPID key off the event loop, then the provider is ready. */
  public static Future<WebPushProvider> start(Vertx vertx, WebPushConfig config, MeterRegistry metrics) {
    return vertx.executeBlocking(() -> Vapid.loadOrCreate(config.vapidKeyFile(), config.vapidSubject()))
        .map(vapid -> new WebPushProvider(vertx, config, vapid, metrics));
  }

  @Override
  public String kind() {
    return "webpush";
  }

  /** For {@code GET /api/v1/push/webpush-key}: base64url of the uncompressed P-256 point. */
  public String publicKey() {
    return vapid.publicKey();
  }

  @Override
  public Future<PushOutcome> send(Device device, PushMessage message) {
    String endpoint = device.token();
    if (!config.allowedEndpoints().allowed(endpoint)) {
      // Not InvalidDevice: a narrowed setting must not wipe every stored subscription.
      return counted(new PushOutcome.Failed("endpoint not allowed"), "refused");
    }
    // Encryption and the VAPID signature are three P-256 operations, about 2.5 ms of CPU per push
    // (measured by bin/bench push): on a worker thread, so no event loop waits for them.
    return vertx.executeBlocking(() -> seal(device, message, endpoint), false).compose(sealed -> {
      if (sealed.refusal() != null) {
        return counted(sealed.refusal(), PushMetrics.result(sealed.refusal()));
      }
      RequestOptions request = new RequestOptions()
          .setMethod(HttpMethod.POST)
          .setAbsoluteURI(endpoint)
          .setFollowRedirects(false)
          .setConnectTimeout(config.timeoutMs())
          .setIdleTimeout(config.timeoutMs())
          .putHeader("TTL", String.valueOf(Math.max(0, message.ttlSeconds())))
          .putHeader("Urgency", message.mentioned() ? "high" : "normal")
          .putHeader("Topic", topic(message.collapseKey()))
          .putHeader("Content-Encoding", "aes128gcm")
          .putHeader("Content-Type", "application/octet-stream")
          .putHeader("Authorization", sealed.authorization());
      return exchange(request, Buffer.buffer(sealed.body())).compose(outcome -> counted(outcome, PushMetrics.result(outcome)));
    });
  }

  /** The encrypted body and the VAPID header, or the outcome when the push cannot be made. */
  private record Sealed(byte[] body, String authorization, PushOutcome refusal) {}

  private Sealed seal(Device device, PushMessage message, String endpoint) {
    try {
      int maxPlaintext = WebPushEncryption.maxPlaintextBytes(config.maxBodyBytes());
      byte[] plaintext = WebPushPayload.encode(message, maxPlaintext);
      byte[] body = WebPushEncryption.encrypt(plaintext, B64URL.decode(device.webPushP256dh()), B64URL.decode(device.webPushAuth()),
          WebPushPayload.padding(plaintext.length, maxPlaintext));
      return new Sealed(body, vapid.authorization(WebPushEndpoints.origin(endpoint), System.currentTimeMillis()), null);
    } catch (IllegalArgumentException | NullPointerException e) {
      // Keys that are not a P-256 point and a 16-byte secret will never work: the subscription is broken.
      return new Sealed(null, null, new PushOutcome.InvalidDevice("bad subscription keys"));
    } catch (WebPushPayload.TooLarge e) {
      return new Sealed(null, null, new PushOutcome.Failed("payload too large"));
    }
  }

  /**
   * One POST, its answer read up to {@code WEBPUSH_RESPONSE_MAX_BYTES} (the connection is reset
   * past that), the whole exchange bounded by {@code WEBPUSH_TIMEOUT_MS}.
   */
  private Future<PushOutcome> exchange(RequestOptions options, Buffer body) {
    Promise<PushOutcome> outcome = Promise.promise();
    HttpClientRequest[] inFlight = new HttpClientRequest[1];
    long timer = vertx.setTimer(config.timeoutMs(), id -> {
      if (outcome.tryComplete(new PushOutcome.Retry(-1, "timeout")) && inFlight[0] != null) {
        inFlight[0].reset();
      }
    });
    onContext(() -> client.request(options)
        .compose(request -> {
          inFlight[0] = request;
          return request.send(body);
        })
        .onSuccess(response -> {
          Buffer answer = Buffer.buffer();
          response.handler(chunk -> {
            int room = config.responseMaxBytes() - answer.length();
            if (chunk.length() <= room) {
              answer.appendBuffer(chunk);
              return;
            }
            answer.appendBuffer(chunk, 0, room);
            outcome.tryComplete(outcome(response.statusCode(), response.getHeader("Retry-After"), answer));
            response.request().reset();
          });
          response.endHandler(v -> outcome.tryComplete(outcome(response.statusCode(), response.getHeader("Retry-After"), answer)));
          response.exceptionHandler(e -> outcome.tryComplete(outcome(response.statusCode(), response.getHeader("Retry-After"), answer)));
        })
        .onFailure(e -> outcome.tryComplete(new PushOutcome.Retry(-1, "network: " + e.getClass().getSimpleName()))));
    return outcome.future().andThen(done -> vertx.cancelTimer(timer));
  }

  /**
   * Runs {@code exchange} on a Vert.x context: the response's handlers must be set on the thread
   * that delivers its body, or a short answer can end before they are (the core calls from an event
   * loop; a plain thread, as in tests, falls back to one context of this provider's).
   */
  private void onContext(Runnable exchange) {
    if (Vertx.currentContext() != null) {
      exchange.run();
    } else {
      fallbackContext.runOnContext(v -> exchange.run());
    }
  }

  /** What a push service's status means (RFC 8030 section 8, and the services' own docs). */
  static PushOutcome outcome(int status, String retryAfter, Buffer answer) {
    String reason = "http " + status;
    if (status >= 200 && status < 300) {
      return new PushOutcome.Delivered();
    }
    if (status == 404 || status == 410) {
      return new PushOutcome.InvalidDevice(reason);
    }
    if (status == 429 || status >= 500) {
      return new PushOutcome.Retry(RetryAfter.millis(retryAfter, Clock.systemUTC()), reason);
    }
    if (status >= 300 && status < 400) {
      return new PushOutcome.Failed(reason + " (redirects are not followed)");
    }
    return new PushOutcome.Failed(reason + (answer.length() == 0 ? "" : ", " + answer.length() + " bytes of explanation"));
  }

  private Future<PushOutcome> counted(PushOutcome outcome, String result) {
    metrics.counter(PushMetrics.SENT_METRIC, "provider", kind(), "result", result).increment();
    return Future.succeededFuture(outcome);
  }

  /** RFC 8030 allows at most 32 base64url characters: 24 bytes of the key's SHA-256, not the room id itself. */
  static String topic(String collapseKey) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(collapseKey.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, 24));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
