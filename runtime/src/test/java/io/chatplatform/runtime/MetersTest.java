package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.contracts.Addresses;
import io.chatplatform.contracts.ServiceException;
import io.chatplatform.contracts.presence.PresenceApi;
import io.chatplatform.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("runtime's meters: store timers by collection, operation, command and outcome; event bus timeouts by address")
class MetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("TimedMongo times each operation by collection, operation (WithOptions folded in) and outcome; a command has collection -")
  void mongo() {
    MongoClient stub = (MongoClient) Proxy.newProxyInstance(MongoClient.class.getClassLoader(), new Class<?>[] {MongoClient.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "findOne" -> Future.succeededFuture(new JsonObject());
          case "findWithOptions" -> Future.failedFuture("no primary");
          case "runCommand" -> Future.succeededFuture(new JsonObject().put("ok", 1));
          default -> throw new UnsupportedOperationException(method.getName());
        });
    MongoClient mongo = TimedMongo.wrap(stub, registry);

    assertThat(Await.result(mongo.findOne("users", new JsonObject(), null))).isEmpty();
    assertThat(Await.failure(mongo.findWithOptions("rooms", new JsonObject(), null))).hasMessage("no primary");
    Await.result(mongo.runCommand("ping", new JsonObject().put("ping", 1)));

    assertThat(count(Meters.MONGO_OPERATIONS, "collection", "users", "operation", "findOne", "outcome", "ok")).isEqualTo(1);
    assertThat(count(Meters.MONGO_OPERATIONS, "collection", "rooms", "operation", "find", "outcome", "error")).isEqualTo(1);
    assertThat(count(Meters.MONGO_OPERATIONS, "collection", "-", "operation", "runCommand", "outcome", "ok")).isEqualTo(1);
  }

  @Test
  @DisplayName("TimedRedis times each command by its name and outcome, a batch as batch")
  void redis() {
    Redis stub = new Redis() {
      @Override public Future<RedisConnection> connect() { throw new UnsupportedOperationException(); }
      @Override public Future<Void> close() { return Future.succeededFuture(); }
      @Override public Future<Response> send(Request request) {
        return request.command() == Command.PING ? Future.succeededFuture() : Future.failedFuture("connection refused");
      }
      @Override public Future<List<Response>> batch(List<Request> requests) { return Future.succeededFuture(List.of()); }
    };
    Redis redis = new TimedRedis(stub, registry);

    Await.result(redis.send(Request.cmd(Command.PING)));
    Await.failure(redis.send(Request.cmd(Command.EVALSHA).arg("sha").arg(0)));
    Await.result(redis.batch(List.of(Request.cmd(Command.PING))));

    assertThat(count(Meters.REDIS_COMMANDS, "command", "ping", "outcome", "ok")).isEqualTo(1);
    assertThat(count(Meters.REDIS_COMMANDS, "command", "evalsha", "outcome", "error")).isEqualTo(1);
    assertThat(count(Meters.REDIS_COMMANDS, "command", "batch", "outcome", "ok")).isEqualTo(1);
  }

  @Test
  @DisplayName("a request that gets no answer in time counts as an event bus timeout of its address; the counter exists from the first request")
  void eventBusTimeouts() {
    ServiceClient client = new ServiceClient(vertx.eventBus(), 200, registry);
    vertx.eventBus().consumer(Addresses.Presence.HEARTBEAT, message -> message.reply(new PresenceApi.HeartbeatReply(true)));
    Await.result(client.request(PresenceApi.HEARTBEAT, new PresenceApi.Heartbeat("node")));
    assertThat(timeouts(Addresses.Presence.HEARTBEAT)).as("created at 0 by an answered request").isZero();

    vertx.eventBus().consumer(Addresses.Presence.SET, message -> {});
    Throwable failure = Await.failure(client.request(PresenceApi.SET, new PresenceApi.SetStatus("u", "away")));
    assertThat(failure).isInstanceOf(ServiceException.class);
    assertThat(timeouts(Addresses.Presence.SET)).isEqualTo(1);
    assertThat(timeouts(Addresses.Presence.HEARTBEAT)).isZero();
  }

  @Test
  @DisplayName("a family registers each series once, under its keys in order, and hands the same meter back for the same values")
  void families() {
    Meters.Family<io.micrometer.core.instrument.Timer> timers = Meters.latencies(registry, "test.latency", "a test timer", "address", "outcome");
    io.micrometer.core.instrument.Timer first = timers.with("svc.a", "ok");
    first.record(java.time.Duration.ofMillis(3));
    timers.with("svc.a", "ok").record(java.time.Duration.ofMillis(4));
    timers.with("svc.a", "error").record(java.time.Duration.ofMillis(5));

    assertThat(timers.with("svc.a", "ok")).isSameAs(first);
    assertThat(count("test.latency", "address", "svc.a", "outcome", "ok")).isEqualTo(2);
    assertThat(count("test.latency", "address", "svc.a", "outcome", "error")).isEqualTo(1);
    assertThat(registry.find("test.latency").timers()).hasSize(2);
    assertThat(first.getId().getDescription()).isEqualTo("a test timer");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> timers.with("svc.a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[address, outcome]");

    Meters.Family<io.micrometer.core.instrument.Counter> counters = Meters.counters(registry, "test.count", "a test counter", "limit");
    counters.with("send").increment(2);
    counters.with("send").increment();
    assertThat(registry.get("test.count").tag("limit", "send").counter().count()).isEqualTo(3);
  }

  private long count(String name, String... tags) {
    return registry.get(name).tags(tags).timer().count();
  }

  private double timeouts(String address) {
    return registry.get(Meters.EVENT_BUS_TIMEOUTS).tag("address", address).counter().count();
  }
}
