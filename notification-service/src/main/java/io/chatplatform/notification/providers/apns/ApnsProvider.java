package io.chatplatform.notification.providers.apns;

import io.chatplatform.notification.domain.Device;
import io.chatplatform.notification.domain.PushMessage;
import io.chatplatform.notification.domain.PushOutcome;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.notification.providers.PushMetrics;
import io.chatplatform.notification.providers.RetryAfter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.time.Clock;
import java.util.concurrent.TimeoutException;

/**
 * iOS devices through APNs: HTTP/2 over TLS (ALPN h2) on Vert.x's own client, authenticated by an
 * ES256 provider token. Vert.x rather than Pushy as the client: Pushy 0.15.4 is built for Netty 4.1
 * and this service runs Netty 4.2 (Vert.x 5); Pushy serves as Apple's stand-in in the tests.
 */
public final class ApnsProvider implements PushProvider {
  public static final String KIND = "apns";

  private final ApnsConfig config;
  private final ApnsProviderToken providerToken;
  private final HttpClient http;
  private final MeterRegistry metrics;
  private final Clock clock;

  public ApnsProvider(Vertx vertx, ApnsConfig config, ApnsProviderToken providerToken, MeterRegistry metrics, Clock clock) {
    this.config = config;
    this.providerToken = providerToken;
    this.metrics = metrics;
    this.clock = clock;
    HttpClientOptions options =
        new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setSsl(true)
            .setUseAlpn(true)
            .setConnectTimeout((int) config.timeoutMs());
    if (config.trustFile() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(config.trustFile()));
    }
    this.http = vertx.createHttpClient(options);
  }

  /** The provider as configured: its key read from APNS_KEY_FILE. */
  public static ApnsProvider create(Vertx vertx, ApnsConfig config, MeterRegistry metrics) {
    Clock clock = Clock.systemUTC();
    ApnsProviderToken token =
        new ApnsProviderToken(
            ApnsProviderToken.readP8(config.keyFile()), config.keyId(), config.teamId(), clock, config.tokenRefreshSeconds() * 1000);
    return new ApnsProvider(vertx, config, token, metrics, clock);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<PushOutcome> send(Device device, PushMessage message) {
    Future<PushOutcome> outcome;
    if (!ApnsRequests.wellFormedToken(device.token())) {
      outcome = Future.succeededFuture(new PushOutcome.InvalidDevice("apns malformed device token"));
    } else if (device.apnsTopic() == null || device.apnsTopic().isBlank()) {
      outcome = Future.succeededFuture(new PushOutcome.Failed("apns device has no topic"));
    } else {
      outcome = post(device, ApnsRequests.of(message, clock.millis())).otherwise(ApnsProvider::unreachable);
    }
    return outcome.map(result -> PushMetrics.count(metrics, KIND, result));
  }

  private Future<PushOutcome> post(Device device, ApnsRequests.ApnsRequest push) {
    String bearer = providerToken.current();
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(config.host(device.apnsEnvironment()))
            .setPort(config.port())
            .setURI("/3/device/" + device.token())
            .setTimeout(config.timeoutMs())
            .putHeader(HttpHeaders.AUTHORIZATION, "bearer " + bearer)
            .putHeader("apns-topic", device.apnsTopic())
            .putHeader("apns-push-type", push.pushType())
            .putHeader("apns-priority", Integer.toString(push.priority()))
            .putHeader("apns-expiration", Long.toString(push.expirationSeconds()))
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (push.collapseId() != null) {
      request.putHeader("apns-collapse-id", push.collapseId());
    }
    // The body is asked for in the send's own callback, on the context that delivers the response,
    // as FcmProvider#post does and for the same reason: a step later it can come after the answer ended.
    return http.request(request)
        .compose(sending -> sending.send(push.payload().toBuffer()).compose(response -> response.body().map(body -> {
          PushOutcome outcome =
              ApnsOutcomes.of(response.statusCode(), RetryAfter.millis(response.getHeader(HttpHeaders.RETRY_AFTER), clock), body.toString());
          if ("ExpiredProviderToken".equals(ApnsOutcomes.reason(body.toString()))) {
            providerToken.expire(bearer);
          }
          return outcome;
        })));
  }

  private static PushOutcome unreachable(Throwable error) {
    String what = error instanceof TimeoutException ? "timeout" : error.getClass().getSimpleName();
    return new PushOutcome.Retry(-1, "apns unreachable: " + what);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
