package io.chatplatform.gateway.socket;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.Endpoint;
import io.chatplatform.contracts.chat.ChatApi;
import io.chatplatform.contracts.presence.PresenceApi;
import io.chatplatform.runtime.ServiceClient;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.overload.LoadShedding;
import io.chatplatform.gateway.overload.LoopLag;
import io.chatplatform.gateway.GatewayMetrics;
import io.chatplatform.gateway.auth.Caller;
import io.chatplatform.gateway.auth.DisabledAccounts;
import io.chatplatform.gateway.auth.Tokens;
import io.chatplatform.gateway.ratelimit.MemoryRateLimiter;
import io.chatplatform.gateway.validation.RequestSchemas;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One gateway node's socket side without HTTP: its session registry and frame router, wired as
 * {@link SocketEndpoints} wires them, on a Vert.x of its own. Stand-ins for chat-service (a
 * user's rooms) and presence-service answer on the local event bus and keep every request.
 */
final class SocketNode implements AutoCloseable {
  static final String ALICE = "u_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  static final String BOB = "u_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  static final String CAROL = "u_cccccccccccccccccccccccccccccccc";

  final Vertx vertx = Vertx.vertx();
  /** The gateway's event loop: everything of the socket side runs on it. */
  final Context loop = vertx.getOrCreateContext();
  final GatewayConfig config;
  final LocalFanout fanout;
  /** The node's meters, in a registry of its own. */
  final GatewayMetrics metrics = GatewayMetrics.unregistered();
  final SessionRegistry sessions;
  final FrameRouter frames;
  /** The clock of {@link #loopLag}. */
  final java.util.concurrent.atomic.AtomicLong loopClock = new java.util.concurrent.atomic.AtomicLong();
  /**
   * What the frame router's load shedding decides by, with the production settings: never checked
   * by a timer here (the shedding is not started), a test checks it itself, on the loop.
   */
  final LoopLag loopLag;
  /** The meters of that load shedding. */
  final io.micrometer.core.instrument.simple.SimpleMeterRegistry sheddingMeters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  /** Issues and checks the access tokens {@code auth.renew} takes. */
  final Tokens tokens;
  /** Each user's rooms, as the stand-in chat-service answers them (none when absent). */
  final Map<String, List<String>> rooms = new ConcurrentHashMap<>();
  /** While set and not complete, the stand-in chat-service holds its answers about rooms back. */
  volatile Future<Void> roomsHeld;
  /** While above zero, the stand-in presence-service refuses that many disconnect reports. */
  final java.util.concurrent.atomic.AtomicInteger presenceFailures = new java.util.concurrent.atomic.AtomicInteger();
  /** While set and not complete, a new room subscription of the node does not count as active. */
  volatile Future<Void> subscriptionsHeld;
  /** Every new room subscription the node made, as its consumer's completion. */
  final BlockingQueue<Future<Void>> subscriptionsRequested = new LinkedBlockingQueue<>();
  private final Map<String, BlockingQueue<JsonObject>> requests = new ConcurrentHashMap<>();

  SocketNode(Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put("JWT_SECRET", "socket-test-secret-socket-test-secret-0123");
    settings.putAll(extra);
    config = GatewayConfig.from(Settings.of(settings));
    ServiceClient services = new ServiceClient(vertx.eventBus(), config.serviceTimeoutMs(), null);
    fanout = new LocalFanout(vertx.eventBus(), active -> {
      subscriptionsRequested.add(active);
      Future<Void> held = subscriptionsHeld;
      return held == null ? active : active.compose(x -> held);
    }, metrics);
    sessions = new SessionRegistry(vertx, config, services, fanout, metrics, new NodeSockets(config));
    tokens = new Tokens(vertx, config);
    frames = new FrameRouter(config, services, new MemoryRateLimiter(1_000, System::currentTimeMillis), new RequestSchemas(), sessions,
        new SocketAuthenticator(tokens, new DisabledAccounts(vertx, services)), metrics,
        new LoadShedding(config.overload(), sheddingMeters,
            loopLag = new LoopLag(config.overload().loopLagMs(), config.overload().checkIntervalMs(), loopClock::get)));
    serve(Addresses.Chat.ROOM_IDS_OF_USER, request -> {
      JsonObject answer = new JsonObject().put("roomIds", new JsonArray(rooms.getOrDefault(request.getString("callerId"), List.of())));
      Future<Void> held = roomsHeld;
      return held == null ? Future.succeededFuture(answer) : held.map(answer);
    });
    serve(Addresses.Presence.CONNECT, request -> Future.succeededFuture(new JsonObject()));
    serve(Addresses.Presence.DISCONNECT, request -> presenceFailures.getAndDecrement() > 0
        ? Future.failedFuture("presence store unavailable")
        : Future.succeededFuture(new JsonObject()));
    serve(Addresses.Presence.HEARTBEAT, request -> Future.succeededFuture(new JsonObject().put("known", true)));
    onLoop(() -> fanout.start().onSuccess(x -> sessions.start()));
  }

  static Caller caller(String userId) {
    return caller(userId, System.currentTimeMillis() + 3_600_000);
  }

  static Caller caller(String userId, long expiresAt) {
    return new Caller(userId, null, new JsonArray(), expiresAt);
  }

  /**
   * A stand-in service at {@code address}: keeps each request (in its JSON form) and replies with
   * {@code answer}'s result, typed as the endpoint's reply.
   */
  void serve(String address, Function<JsonObject, Future<JsonObject>> answer) {
    serve(vertx, address, answer, requests.computeIfAbsent(address, a -> new LinkedBlockingQueue<>()));
  }

  /**
   * The services a whole gateway ({@code GatewayServer}) asks while its sockets open and close,
   * stood in on {@code vertx}'s event bus: every user is a member of {@code room} alone, presence
   * accepts every report. Returns an access token of {@code userId} the gateway accepts.
   */
  static String serveOneRoom(Vertx vertx, String room, String userId, String username) {
    serve(vertx, Addresses.Chat.ROOM_IDS_OF_USER,
        r -> Future.succeededFuture(new JsonObject().put("roomIds", new JsonArray().add(room))), new LinkedBlockingQueue<>());
    for (String address : List.of(Addresses.Presence.CONNECT, Addresses.Presence.DISCONNECT)) {
      serve(vertx, address, r -> Future.succeededFuture(new JsonObject()), new LinkedBlockingQueue<>());
    }
    serve(vertx, Addresses.Presence.HEARTBEAT, r -> Future.succeededFuture(new JsonObject().put("known", true)), new LinkedBlockingQueue<>());
    GatewayConfig config = GatewayConfig.from(Settings.of(Map.of("JWT_SECRET", "gateway-test-secret-gateway-test-secret-0123")));
    return new Tokens(vertx, config).issue(new JsonObject().put("userId", userId).put("username", username).put("roles", new JsonArray()));
  }

  /**
   * A stand-in service at {@code address} on {@code vertx}'s event bus: adds each request (in its
   * JSON form) to {@code received} and replies with {@code answer}'s result, typed as the endpoint's reply.
   */
  @SuppressWarnings("unchecked")
  static void serve(Vertx vertx, String address, Function<JsonObject, Future<JsonObject>> answer, BlockingQueue<JsonObject> received) {
    Endpoint<Object, Object> endpoint = (Endpoint<Object, Object>) java.util.stream.Stream
        .concat(ChatApi.ALL.stream(), PresenceApi.ALL.stream())
        .filter(e -> e.address().equals(address))
        .findFirst()
        .orElseThrow();
    Await.result(vertx.eventBus().<Object>consumer(address, message -> {
      JsonObject body = message.body() instanceof JsonObject json ? json : endpoint.request().write().apply(message.body());
      received.add(body);
      answer.apply(body)
          .onSuccess(reply -> message.reply(endpoint.reply().typed() ? endpoint.reply().read().apply(reply) : reply))
          .onFailure(e -> message.fail(500, e.getMessage()));
    }).completion());
  }

  /** The next request {@code address} received; fails when none comes within 20 s. */
  JsonObject request(String address) throws InterruptedException {
    JsonObject request = requests.get(address).poll(20, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("no request to " + address + " within 20 s");
    }
    return request;
  }

  int requestsWaiting(String address) {
    return requests.get(address).size();
  }

  /**
   * A socket of {@code caller} taken as {@link SocketEndpoints} takes one once authenticated:
   * set up, and started if that succeeds. Returns once it is set up.
   */
  FakeChannel connect(Caller caller) {
    return connect(caller, new FakeChannel("/eventbus/websocket?device=web"));
  }

  /** {@link #connect(Caller)} over {@code channel}. */
  <C extends FakeChannel> C connect(Caller caller, C channel) {
    onLoop(() -> {
      SessionRegistry.Connection connection = sessions.accept(channel);
      return connection.open(caller, "web").andThen(setUp -> connection.start(setUp, frames::onFrame)).otherwiseEmpty();
    });
    return channel;
  }

  /** Runs {@code action} on the event loop and waits for it. */
  void run(Runnable action) {
    onLoop(() -> {
      action.run();
      return Future.succeededFuture();
    });
  }

  /** Runs {@code action} on the event loop and waits for the future it returns. */
  <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    loop.runOnContext(v -> {
      try {
        action.get().onComplete(done);
      } catch (RuntimeException | AssertionError e) {
        done.fail(e);
      }
    });
    return Await.result(done.future());
  }

  int openSessions() {
    return onLoop(() -> Future.succeededFuture(sessions.size()));
  }

  int roomSubscriptions() {
    return onLoop(() -> Future.succeededFuture(fanout.localRoomSubscriptions()));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }
}
