package io.chatplatform.gateway.overload;

import io.chatplatform.contracts.ErrorCode;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.runtime.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Load shedding for one gateway event loop: while the loop runs more than
 * {@code OVERLOAD_LOOP_LAG_MS} behind (smoothed over its checks: {@link LoopLag}), it refuses new
 * work at the door, where refusing is cheap, instead of queueing it: new sockets (503 to the
 * WebSocket upgrade and to SockJS's {@code info}; one that opens another way is closed before its
 * set-up), REST requests (503), and socket requests ({@code unavailable}), each with when to retry. Work already admitted goes on. A loop starved of CPU otherwise keeps taking
 * requests that it answers after their clients gave up and sent them again.
 *
 * <p>Every refusal is counted in {@link #SHED_METRIC} by what was refused; going behind and
 * catching up are logged once each.
 */
public final class LoadShedding {
  private static final Logger LOG = LoggerFactory.getLogger(LoadShedding.class);
  /** Counter: work refused because the event loop ran behind, by {@code what} ({@link #SOCKET}, {@link #REST}, {@link #REQUEST}). */
  public static final String SHED_METRIC = "chat.gateway.overload.refused";
  /** A new socket: the WebSocket upgrade, SockJS's {@code info}, or a socket that opened another way. */
  public static final String SOCKET = "socket";
  /** A REST request. */
  public static final String REST = "rest";
  /** A socket's request frame to a service. */
  public static final String REQUEST = "request";

  private final OverloadConfig config;
  private final LoopLag lag;
  private final Meters.Family<Counter> refused;
  private final ServiceException refusal;
  private Vertx vertx;
  private long timer = -1;
  private boolean stopped;

  public LoadShedding(OverloadConfig config, MeterRegistry registry) {
    this(config, registry, new LoopLag(config.loopLagMs(), config.checkIntervalMs(), System::nanoTime));
  }

  /** Deciding by {@code lag}, which {@link #start} checks on the loop (a test may check it itself). */
  public LoadShedding(OverloadConfig config, MeterRegistry registry, LoopLag lag) {
    this.config = config;
    this.lag = lag;
    this.refused = Meters.counters(registry, SHED_METRIC, "Work the gateway refused because its event loop ran behind, by what", "what");
    // At 0 from the start, so that an alert on them has a series to read before the first refusal.
    for (String what : new String[] {SOCKET, REST, REQUEST}) {
      refused.with(what);
    }
    this.refusal = new ServiceException(ErrorCode.UNAVAILABLE,
        "the server is overloaded, retry in " + config.retryAfterSeconds() + " s");
  }

  /** Starts checking the calling event loop (call it on that loop). */
  public void start(Vertx vertx) {
    this.vertx = vertx;
    if (config.enabled()) {
      schedule();
    }
  }

  private void schedule() {
    lag.scheduled();
    timer = vertx.setTimer(config.checkIntervalMs(), id -> {
      if (stopped) {
        return;
      }
      if (lag.checked()) {
        if (lag.behind()) {
          LOG.warn("this event loop runs {} ms behind ({} ms at the last check; OVERLOAD_LOOP_LAG_MS {}): refusing new sockets and requests",
              lag.smoothedLagMs(), lag.lastLagMs(), config.loopLagMs());
        } else {
          LOG.info("this event loop has caught up ({} ms behind): taking new sockets and requests again", lag.smoothedLagMs());
        }
      }
      schedule();
    });
  }

  public void stop() {
    stopped = true;
    if (vertx != null && timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Whether new work of kind {@code what} is refused now; a refusal is counted. */
  public boolean refuses(String what) {
    if (!lag.behind()) {
      return false;
    }
    refused.with(what).increment();
    return true;
  }

  /** The refusal of a socket request: {@code unavailable}, with when to retry in its text. */
  public ServiceException refusal() {
    return refusal;
  }

  /** Answers a refused HTTP request: 503 with {@code Retry-After}, the error as REST writes errors. */
  public void refuse(RoutingContext ctx) {
    ctx.response()
        .setStatusCode(ErrorCode.UNAVAILABLE.status)
        .putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(config.retryAfterSeconds()));
    ctx.json(new JsonObject().put("error", new JsonObject().put("code", refusal.code().word).put("message", refusal.getMessage())));
  }
}
