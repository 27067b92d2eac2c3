package io.chatplatform.platform;

import io.chatplatform.chat.ChatConfig;
import io.chatplatform.chat.bus.ChatVerticle;
import io.chatplatform.embeddedstore.EmbeddedMongo;
import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.gateway.GatewayVerticle;
import io.chatplatform.history.HistoryConfig;
import io.chatplatform.history.bus.HistoryVerticle;
import io.chatplatform.notification.NotificationConfig;
import io.chatplatform.notification.bus.NotificationVerticle;
import io.chatplatform.notification.domain.PushProvider;
import io.chatplatform.presence.PresenceConfig;
import io.chatplatform.presence.bus.PresenceVerticle;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import io.chatplatform.runtime.Telemetry;
import io.vertx.core.Deployable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every service in one JVM on embedded stores: the default a newcomer gets from one command.
 *
 * <p>Presence (who is online, who types) is kept in memory unless {@code REDIS_URL} is set.
 *
 * <p>Data lives in {@code DATA_DIR}: the messages, rooms and users in an in-process MongoDB-wire
 * server backed by an H2 file (unless {@code MONGO_URI} names a real MongoDB), and the JWT secret,
 * created on first start when {@code JWT_SECRET} is unset. The same verticles run here as in the
 * clustered processes; only the event bus stays inside the JVM.
 */
public final class EmbeddedPlatform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);
  static final String SECRET_FILE = "jwt-secret";
  static final String MONGO_FILE = "chat.mv.db";
  /** Its {@code service} in the log and its {@code service.name} in traces (unless {@code OTEL_SERVICE_NAME}). */
  public static final String SERVICE_NAME = "chat-platform";

  private final ServiceNode node;
  private final EmbeddedMongo mongo;
  private final GatewayVerticle gateway;
  private final Settings settings;

  private EmbeddedPlatform(ServiceNode node, EmbeddedMongo mongo, GatewayVerticle gateway, Settings settings) {
    this.node = node;
    this.mongo = mongo;
    this.gateway = gateway;
    this.settings = settings;
  }

  /** Starts the platform; blocking, so call it from a main or test thread, not an event loop. */
  public static EmbeddedPlatform start(Settings base) throws Exception {
    return start(base, List.of());
  }

  /**
   * Starts the platform with some push providers replaced: each serves its kind instead of the one
   * the settings configure (tests and benchmarks record pushes without a push service).
   */
  public static EmbeddedPlatform start(Settings base, List<PushProvider> pushProviders) throws Exception {
    return start(base, pushProviders, Telemetry.from(base, SERVICE_NAME));
  }

  /** Starts the platform traced by {@code telemetry} (a test's exporter; see {@link Telemetry#from} for the settings' one). */
  public static EmbeddedPlatform start(Settings base, List<PushProvider> pushProviders, Telemetry telemetry) throws Exception {
    Path dataDir = Path.of(base.string("DATA_DIR", "./data")).toAbsolutePath();
    Files.createDirectories(dataDir);
    Map<String, String> resolved = new HashMap<>();
    if (base.optional("JWT_SECRET") == null) {
      resolved.put("JWT_SECRET", secret(dataDir.resolve(SECRET_FILE)));
    }
    EmbeddedMongo mongo = null;
    if (base.optional("MONGO_URI") == null) {
      mongo = EmbeddedMongo.onFile(dataDir.resolve(MONGO_FILE));
      resolved.put("MONGO_URI", mongo.connectionString());
    }
    Settings settings = base.with(resolved);
    ServiceNode node = ServiceNode.standalone(settings, telemetry);
    GatewayVerticle gateway = new GatewayVerticle(GatewayConfig.from(settings), node.operations());
    List<Deployable> verticles = new ArrayList<>(List.of(
        new HistoryVerticle(HistoryConfig.from(settings), node.operations()),
        new ChatVerticle(ChatConfig.from(settings), node.operations()),
        new PresenceVerticle(PresenceConfig.from(settings), node.operations())));
    // Off: the platform as a cluster that runs no notification-service process (no devices, no
    // pushes; chat-service's notices find no consumer). bin/bench measures the push path against it.
    if (settings.bool("EMBEDDED_NOTIFICATION_SERVICE", true)) {
      verticles.add(new NotificationVerticle(NotificationConfig.from(settings), node.operations(), pushProviders));
    }
    verticles.add(gateway);
    try {
      node.deployAll(verticles).await();
    } catch (Exception e) {
      node.close().await();
      if (mongo != null) {
        mongo.close();
      }
      throw e;
    }
    LOG.info("platform serving on port {} (operations on port {}) with data in {}", gateway.port(), gateway.opsPort(), dataDir);
    return new EmbeddedPlatform(node, mongo, gateway, settings);
  }

  /** The settings the services run with: the given ones plus the embedded store's address and the kept JWT secret. */
  public Settings settings() {
    return settings;
  }

  public ServiceNode node() {
    return node;
  }

  public GatewayVerticle gateway() {
    return gateway;
  }

  public int port() {
    return gateway.port();
  }

  /** The MongoDB the services use (the embedded one unless {@code MONGO_URI} was given); never logged, it may hold a password. */
  public String mongoUri() {
    return settings.optional("MONGO_URI");
  }

  /** The port of the operations endpoints ({@code /health/*}, {@code /metrics}): {@code OPS_HTTP_PORT}, or the one picked. */
  public int opsPort() {
    return gateway.opsPort();
  }

  /** Stops the services, then the store (so every write is flushed). Blocking. */
  @Override
  public void close() {
    try {
      node.close().await();
    } finally {
      if (mongo != null) {
        mongo.close();
      }
    }
  }

  /**
   * The graceful stop (SIGTERM): the gateway drains first, while the services still answer its
   * requests in flight, then the services stop, then the store closes. Blocking; fails when it
   * takes longer than {@code timeoutMs} (the store is closed all the same).
   */
  public void stop(long timeoutMs) throws Exception {
    try {
      node.stop().await(timeoutMs, TimeUnit.MILLISECONDS);
    } finally {
      if (mongo != null) {
        mongo.close();
      }
    }
  }

  /** The secret in {@code file}, created readable by the owner only when missing. */
  private static String secret(Path file) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      byte[] bytes = new byte[48];
      new SecureRandom().nextBytes(bytes);
      String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.writeString(file, secret);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        LOG.warn("cannot restrict permissions of {}", file);
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create " + file, e);
    }
  }
}
