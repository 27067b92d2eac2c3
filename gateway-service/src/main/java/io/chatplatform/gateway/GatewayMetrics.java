package io.chatplatform.gateway;

import io.chatplatform.contracts.ClientEvents;
import io.chatplatform.runtime.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's domain meters, each created here and nowhere else, with their names
 * (docs/operations.md lists them). Tag values come from bounded sets only: transports, event
 * types, client addresses of {@code FrameRouter.ROUTES}, error codes, limit names.
 *
 * <p>One per gateway node, counted on each of its event loops ({@code GATEWAY_EVENT_LOOPS}): the
 * gauges read atomics and the counters are Micrometer's, so the figures are the node's totals and
 * a scrape from another thread sees current values.
 */
public final class GatewayMetrics {
  /** Gauge: authenticated sockets open on this node, by {@code transport} ({@link #WEBSOCKET}, {@link #SOCKJS}). */
  public static final String SOCKETS_OPEN = "chat.gateway.sockets.open";
  /** Counter: server events handed to client sockets (one per socket), by event {@code type}. */
  public static final String EVENTS_DELIVERED = "chat.gateway.events.delivered";
  /** Timer: a room event's publication (after the message was stored) to the last write to the sockets of one event loop (a sample per loop), by {@code type}. */
  public static final String FANOUT_LATENCY = "chat.fanout.latency";
  /** Timer: a socket request's frame read to its answer written (the ack of a send), by {@code address} and {@code outcome}. */
  public static final String SOCKET_REQUESTS = "chat.socket.requests";
  /** Counter: requests refused for a rate limit (socket and REST), by the limit's {@code limit} name. */
  public static final String RATE_LIMITED = "chat.ratelimit.refused";
  /** Counter: rate-limit decisions taken from this node's memory because Redis did not answer. */
  public static final String RATE_LIMIT_FALLBACK = "chat.ratelimit.fallback";
  /** Counter: connections the edge closed, by {@code reason}. */
  public static final String CONNECTIONS_CLOSED = "gateway.http.connections.closed";

  /** Transport tag: a plain WebSocket at {@code /eventbus/websocket}. */
  public static final String WEBSOCKET = "websocket";
  /** Transport tag: SockJS at {@code /eventbus} (its websocket transport and its HTTP ones). */
  public static final String SOCKJS = "sockjs";

  private static final Set<String> EVENT_TYPES = Set.of(
      ClientEvents.MESSAGE, ClientEvents.MESSAGE_UPDATED, ClientEvents.ROOM, ClientEvents.TYPING, ClientEvents.RECEIPT,
      ClientEvents.PRESENCE, ClientEvents.RECONNECT);

  private final MeterRegistry registry;
  private final Meters.Family<Counter> delivered;
  private final Meters.Family<Timer> fanoutTimes;
  private final Meters.Family<Timer> socketRequestTimes;
  private final Meters.Family<Counter> rateLimited;
  private final Map<String, AtomicInteger> socketsOpen = new ConcurrentHashMap<>();

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.delivered = Meters.counters(registry, EVENTS_DELIVERED, "Server events handed to client sockets, one per socket, by event type", "type");
    this.fanoutTimes = Meters.latencies(registry, FANOUT_LATENCY,
        "From a room event's publication (chat-service, after the message was stored) to its write to the last socket of one gateway event loop",
        "type");
    this.socketRequestTimes = Meters.latencies(registry, SOCKET_REQUESTS,
        "Socket requests from the frame read to the answer written (chat.send: the ack), by client address and outcome",
        "address", "outcome");
    this.rateLimited = Meters.counters(registry, RATE_LIMITED, "Requests refused for a rate limit, by limit", "limit");
    for (String transport : new String[] {WEBSOCKET, SOCKJS}) {
      AtomicInteger open = new AtomicInteger();
      socketsOpen.put(transport, open);
      // A gateway deployed again on the same node replaces its predecessor's gauge, which would
      // otherwise keep reading the old (and soon collected) counter.
      Gauge old = registry.find(SOCKETS_OPEN).tag("transport", transport).gauge();
      if (old != null) {
        registry.remove(old);
      }
      Gauge.builder(SOCKETS_OPEN, open, AtomicInteger::get)
          .description("Authenticated client sockets open on this gateway, by transport")
          .tag("transport", transport)
          .strongReference(true)
          .register(registry);
    }
  }

  /** Meters that go nowhere (unit tests of the socket side). */
  public static GatewayMetrics unregistered() {
    return new GatewayMetrics(new SimpleMeterRegistry());
  }

  public void socketOpened(String transport) {
    socketsOpen.get(transport).incrementAndGet();
  }

  public void socketClosed(String transport) {
    socketsOpen.get(transport).decrementAndGet();
  }

  /** {@code count} sockets were handed an event of {@code type} (the event's own type field; unknown ones count as other). */
  public void delivered(String type, int count) {
    if (count > 0) {
      delivered.with(eventType(type)).increment(count);
    }
  }

  /** A room event published at {@code publishedAtMs} (the publisher's clock) was written to one event loop's sockets now. */
  public void fannedOut(String type, long publishedAtMs) {
    fanoutTimes.with(eventType(type))
        // Another node's clock may be ahead: a negative span is recorded as 0.
        .record(Math.max(0, System.currentTimeMillis() - publishedAtMs), TimeUnit.MILLISECONDS);
  }

  /** A socket request to {@code address} (a client address of the routes) was answered with {@code outcome} after {@code nanos}. */
  public void answered(String address, String outcome, long nanos) {
    socketRequestTimes.with(address, outcome).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A request was refused for the limit named {@code limit}. */
  public void rateLimited(String limit) {
    rateLimited.with(limit).increment();
  }

  private static String eventType(String type) {
    return type != null && EVENT_TYPES.contains(type) ? type : "other";
  }
}
