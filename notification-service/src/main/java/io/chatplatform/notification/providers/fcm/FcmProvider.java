package io.chatplatform.notification.providers.fcm;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.PushMetrics;
import io.chatplatform.notification.providers.RetryAfter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Android and web devices through Firebase Cloud Messaging's HTTP v1 API. */
public final class FcmProvider implements PushProvider {
  public static final String KIND = "fcm";

  private final FcmConfig config;
  private final FcmAccessTokens tokens;
  private final HttpClient http;
  private final MeterRegistry metrics;
  private final Clock clock;

  public FcmProvider(Vertx vertx, FcmConfig config, FcmAccessTokens tokens, MeterRegistry metrics, Clock clock) {
    this.config = config;
    this.tokens = tokens;
    this.metrics = metrics;
    this.clock = clock;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) config.timeoutMs()).setKeepAlive(true));
  }

  /** The provider as configured, with its access tokens from the configured service account. */
  public static FcmProvider create(Vertx vertx, FcmConfig config, MeterRegistry metrics) {
    Clock clock = Clock.systemUTC();
    FcmAccessTokens tokens =
        new FcmAccessTokens(vertx, FcmAccessTokens.credentials(config), clock, config.tokenRefreshMarginSeconds() * 1000);
    return new FcmProvider(vertx, config, tokens, metrics, clock);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<PushOutcome> send(Device device, PushMessage message) {
    // One deadline for the whole send, token fetch and post together, as FCM_TIMEOUT_MS says:
    // a slow token fetch must not leave the post a timeout of its own on top.
    return tokens
        .current()
        .compose(token -> post(token, device, message))
        .timeout(config.timeoutMs(), TimeUnit.MILLISECONDS)
        .otherwise(FcmProvider::unreachable)
        .map(outcome -> PushMetrics.count(metrics, KIND, outcome));
  }

  private Future<PushOutcome> post(String token, Device device, PushMessage message) {
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(config.baseUrl() + "/v1/projects/" + config.projectId() + "/messages:send")
            .setTimeout(config.timeoutMs())
            .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=UTF-8");
    // The body is asked for in the send's own callback, which runs on the context that delivers the
    // response. One step further down a flat chain, the callback belongs to the request's future,
    // whose context need not be that one (it was not for sends from a plain thread): it is then
    // scheduled, a short answer can end before body() is called, and the send waits for a body
    // already gone until FCM_TIMEOUT_MS (FcmProviderTest#everyAnswerReachesItsSend).
    return http.request(request)
        .compose(
            sending ->
                sending
                    .send(FcmMessages.body(device, message).toBuffer())
                    .compose(response -> response.body().map(body -> outcome(token, response, body))));
  }

  private PushOutcome outcome(String token, HttpClientResponse response, Buffer body) {
    if (response.statusCode() == 401) {
      // Our access token was refused before its expiry (revoked, clock skew): fetch another next time.
      tokens.reject(token);
      return new PushOutcome.Retry(-1, "fcm 401");
    }
    long retryAfter = RetryAfter.millis(response.getHeader(HttpHeaders.RETRY_AFTER), clock);
    return FcmOutcomes.of(response.statusCode(), retryAfter, body.toString());
  }

  /** A network failure, a timeout or a failed token fetch: worth another try later. */
  private static PushOutcome unreachable(Throwable error) {
    String what = error instanceof TimeoutException ? "timeout" : error.getClass().getSimpleName();
    return new PushOutcome.Retry(-1, "fcm unreachable: " + what);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
