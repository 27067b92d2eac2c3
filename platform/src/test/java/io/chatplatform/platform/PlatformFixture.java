package io.chatplatform.platform;

import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.runtime.Settings;
import io.chatplatform.runtime.Telemetry;
import io.chatplatform.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** An embedded platform on a free port with its data in a test folder, plus clients. */
final class PlatformFixture implements AutoCloseable {
  private static final AtomicInteger NAMES = new AtomicInteger();

  static final Map<String, String> LIFTED_LIMITS = Map.of(
      "RATE_LIMIT_AUTH_IP_BURST", "1000000",
      "RATE_LIMIT_SEND_BURST", "1000000",
      "RATE_LIMIT_SOCKET_FRAMES_BURST", "1000000",
      "RATE_LIMIT_REST_WRITES_BURST", "1000000",
      "RATE_LIMIT_SYNC_BURST", "1000000",
      "RATE_LIMIT_RECEIPTS_BURST", "1000000",
      "RATE_LIMIT_PRESENCE_BURST", "1000000");

  /**
   * The production bursts of the throughput limits {@link #LIFTED_LIMITS} lifts but sign-ups per
   * address (every test user comes from 127.0.0.1): the security tests put these back.
   */
  static final Map<String, String> PRODUCTION_BURSTS = Map.of(
      "RATE_LIMIT_SEND_BURST", "30",
      "RATE_LIMIT_SOCKET_FRAMES_BURST", "100",
      "RATE_LIMIT_REST_WRITES_BURST", "30",
      "RATE_LIMIT_SYNC_BURST", "30",
      "RATE_LIMIT_RECEIPTS_BURST", "60",
      "RATE_LIMIT_PRESENCE_BURST", "10");

  /** How long {@link #restart}'s graceful stop may take. */
  static final long SHUTDOWN_TIMEOUT_MS = 30_000;

  final Path dataDir;
  private final Map<String, String> settings = new HashMap<>();
  private final List<PushProvider> pushProviders;
  EmbeddedPlatform platform;
  final Vertx clientVertx = Vertx.vertx();
  final Api api;

  PlatformFixture(Path dataDir) throws Exception {
    this(dataDir, Map.of());
  }

  PlatformFixture(Path dataDir, Map<String, String> extra) throws Exception {
    this(dataDir, extra, List.of());
  }

  /** With push providers replaced by the test's (see {@link EmbeddedPlatform#start(Settings, List)}). */
  PlatformFixture(Path dataDir, Map<String, String> extra, List<PushProvider> pushProviders) throws Exception {
    this(dataDir, extra, pushProviders, null);
  }

  /** Traced by {@code telemetry} (a test's span exporter) when not null; a {@link #restart} is traced as the settings say. */
  PlatformFixture(Path dataDir, Map<String, String> extra, List<PushProvider> pushProviders, Telemetry telemetry) throws Exception {
    this.dataDir = dataDir;
    this.pushProviders = pushProviders;
    settings.put("DATA_DIR", dataDir.toString());
    // Not 0: restart binds the same port again, and one the kernel picked could be taken meanwhile.
    settings.put("HTTP_PORT", String.valueOf(io.chatplatform.testsupport.Ports.outsideEphemeralRange()));
    settings.put("OPS_HTTP_PORT", "0"); // with HTTP_PORT set, the operations port would default to 9090
    settings.put("HTTP_HOST", "127.0.0.1");
    // Tests register many users; the production hash cost would only slow them down.
    settings.put("PASSWORD_HASH_ITERATIONS", "1000");
    // Every test user signs up from 127.0.0.1, and tests send as fast as acks come back: the
    // throughput limits are lifted here, and the security tests put them back to test them.
    settings.putAll(LIFTED_LIMITS);
    settings.putAll(extra);
    this.platform = telemetry == null
        ? EmbeddedPlatform.start(Settings.of(settings), pushProviders)
        : EmbeddedPlatform.start(Settings.of(settings), pushProviders, telemetry);
    this.api = new Api(clientVertx, platform.port());
  }

  int port() {
    return platform.port();
  }

  /**
   * Stops the platform as SIGTERM does (the gateway drains: its sockets hear {@code reconnect}
   * and close), runs {@code whileDown}, then starts it again on the same port and {@code DATA_DIR}
   * (same users, rooms, messages and JWT secret). Blocking.
   */
  void restart(Runnable whileDown) throws Exception {
    int port = port();
    platform.stop(SHUTDOWN_TIMEOUT_MS);
    try {
      whileDown.run();
    } finally {
      // Up again even when whileDown failed, so the tests after it find a platform.
      Map<String, String> again = new HashMap<>(settings);
      again.put("HTTP_PORT", String.valueOf(port));
      platform = EmbeddedPlatform.start(Settings.of(again), pushProviders);
    }
  }

  /** A fresh user with a unique name. */
  Api.User newUser(String prefix) {
    return api.register(prefix + "-" + ProcessHandle.current().pid() % 1000 + "-" + NAMES.incrementAndGet());
  }

  SocketClient socket(Api.User user) {
    return SocketClient.withToken(clientVertx, port(), user);
  }

  /** A socket whose room subscriptions are active (a sync round trip proves the socket is set up). */
  SocketClient readySocket(Api.User user) {
    SocketClient socket = socket(user);
    socket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
    return socket;
  }

  @Override
  public void close() {
    api.close();
    Await.result(clientVertx.close());
    platform.close();
  }
}
