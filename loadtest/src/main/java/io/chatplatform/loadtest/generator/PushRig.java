package io.chatplatform.loadtest.generator;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both push scenarios need: the simulated browsers' subscription, the push service stand-in
 * they point at, the server's VAPID key, and their devices registered over REST.
 */
final class PushRig implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PushRig.class);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(30);
  /** The metric every push attempt of notification-service increments, by provider and result. */
  static final String PUSH_SENT_METRIC = "chat_push_sent_total";
  /** Requests to other services, timed by address: one {@code push-info} request per room batch decided. */
  static final String SERVICE_REQUESTS_METRIC = "chat_service_requests_seconds_count";
  /** Their total time, in seconds: with the count, the mean time of a look-up. */
  static final String SERVICE_REQUESTS_SECONDS = "chat_service_requests_seconds_sum";
  static final String PUSH_INFO_ADDRESS = "svc.chat.rooms.push-info";
  /** Who is below a batch: one request per decision (two when the room's delivered index is rebuilt). */
  static final String WATERMARKS_ADDRESS = "svc.history.receipts.behind";

  final WebPushSubscriber subscriber;
  final PushStandIn standIn;
  private final Harness harness;

  private PushRig(Harness harness, WebPushSubscriber subscriber, PushStandIn standIn) {
    this.harness = harness;
    this.subscriber = subscriber;
    this.standIn = standIn;
  }

  /** The stand-in listens on {@code --push-port}; {@code listener} gets every push that opened. */
  static PushRig start(Harness harness, PushStandIn.Listener listener) throws Exception {
    WebPushSubscriber subscriber = WebPushSubscriber.generate();
    return new PushRig(harness, subscriber, PushStandIn.start(harness.vertx, harness.options.pushPort(), subscriber, listener));
  }

  /**
   * The server's VAPID key, which the stand-in then requires in every token; empty when the server
   * runs no notification-service (the key endpoint answers 503).
   */
  Optional<String> vapidKey(TestUser asker) throws Exception {
    try {
      String key = Await.result(harness.api.webPushKey(asker), Duration.ofSeconds(30));
      standIn.expectVapidKey(key);
      return Optional.of(key);
    } catch (ChatApi.HttpFailure e) {
      if (e.status == 503) {
        LOG.info("the server runs no notification-service (GET /api/v1/push/webpush-key: 503)");
        return Optional.empty();
      }
      throw e;
    }
  }

  /** One Web Push device per user, its endpoint the stand-in's path for that user's index. */
  void registerDevices(List<TestUser> users) throws Exception {
    long start = System.nanoTime();
    Await.result(Throttle.run(users.size(), harness.options.setupConcurrency(), i -> {
      TestUser user = users.get(i);
      return harness.api.registerWebPush(user, standIn.endpoint(user.index()), subscriber.p256dh(), subscriber.auth());
    }), SETUP_TIMEOUT);
    LOG.info("{} Web Push devices registered in {} s", users.size(), Harness.seconds(start));
  }

  /**
   * The mean time in ms of the requests to {@code address} between two snapshots (the server's
   * own timer, from the request until its answer); null when there were none or a scrape failed.
   */
  static Double meanRequestMillis(ServerSnapshot first, ServerSnapshot last, String address) {
    Double count = first.growth(last, SERVICE_REQUESTS_METRIC, "address", address);
    Double seconds = first.growth(last, SERVICE_REQUESTS_SECONDS, "address", address);
    return count == null || seconds == null || count == 0 ? null : StepResult.round(seconds * 1000 / count);
  }

  /** count, p50, p95, p99, max (ms) of a latency distribution. */
  static JsonObject percentiles(Histogram h) {
    JsonObject json = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return json;
    }
    return json.put("p50", ms(h.getValueAtPercentile(50))).put("p95", ms(h.getValueAtPercentile(95)))
        .put("p99", ms(h.getValueAtPercentile(99))).put("max", ms(h.getMaxValue()));
  }

  private static double ms(long micros) {
    return Math.round(micros) / 1000.0;
  }

  @Override
  public void close() throws Exception {
    standIn.close();
  }
}
