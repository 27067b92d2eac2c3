package io.chatplatform.runtime;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running process of the platform: a Vert.x instance (clustered or not) with its
 * {@link Operations}. Every service's {@code main} goes through {@link #launch}; the embedded
 * platform and the tests build one with {@link #standalone} or {@link #clustered}.
 */
public final class ServiceNode {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceNode.class);

  /**
   * What Hazelcast's Java serialization may resolve when it reads from another member. The
   * platform stores nothing that way (the ticket map holds JSON text; Vert.x's cluster data is
   * DataSerializable), but Hazelcast itself sends its exceptions between members by Java
   * serialization (a {@code PartitionMigratingException} tells the caller to retry), so these
   * must pass: Hazelcast's own classes and the JDK classes an exception is made of. Nothing else,
   * in particular no class of any other library on the class path, can be instantiated from the
   * network. (Hazelcast's default list would allow every {@code java*} class.)
   */
  static final ClassFilter JAVA_DESERIALIZATION_ALLOWED =
      new ClassFilter()
          .addPrefixes("com.hazelcast.")
          .addPackages("java.lang")
          .addClasses(
              "[Ljava.lang.StackTraceElement;",
              "java.util.ArrayList",
              "java.util.Collections$EmptyList",
              "java.util.Collections$UnmodifiableCollection",
              "java.util.Collections$UnmodifiableList",
              "java.util.Collections$UnmodifiableRandomAccessList",
              "java.util.UUID",
              "java.io.IOException",
              "java.io.EOFException",
              "java.io.UncheckedIOException",
              "java.util.NoSuchElementException",
              "java.util.ConcurrentModificationException",
              "java.util.concurrent.CancellationException",
              "java.util.concurrent.CompletionException",
              "java.util.concurrent.ExecutionException",
              "java.util.concurrent.RejectedExecutionException",
              "java.util.concurrent.TimeoutException");

  private final Vertx vertx;
  private final Operations operations;
  /** The Hazelcast member of a clustered node (this class starts and stops it), else null. */
  private final HazelcastInstance hazelcast;
  /** Its tracing (off unless configured); closed after Vert.x, so the last spans are exported. */
  private final Telemetry telemetry;
  /** Deployment ids in the order {@link #deployAll} was given the verticles; {@link #stop} undeploys the last first. */
  private final List<String> deployments = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The one stop of this node, once asked for. */
  private Future<Void> stopping;

  private ServiceNode(Vertx vertx, Operations operations, HazelcastInstance hazelcast, Telemetry telemetry) {
    this.vertx = vertx;
    this.operations = operations;
    this.hazelcast = hazelcast;
    this.telemetry = telemetry;
    refuseJavaDeserialization(vertx);
    // Hazelcast's member list is local state (no call to the cluster): a scrape may read it.
    Gauge.builder(Meters.CLUSTER_MEMBERS, () -> hazelcast == null ? 1
            : hazelcast.getLifecycleService().isRunning() ? hazelcast.getCluster().getMembers().size() : 0)
        .description("Members of the cluster as this node sees them (1 for a node that is not clustered, 0 once it left)")
        .register(operations.registry());
    LogContext.installCorrelation();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Operations operations() {
    return operations;
  }

  /** A node whose event bus stays inside this JVM (the embedded default, tests). */
  public static ServiceNode standalone() {
    return standalone(new Operations(), Telemetry.off(), true);
  }

  /** A standalone node whose readiness checks take {@code READINESS_CHECK_TIMEOUT_MS} of {@code settings}, traced by {@code telemetry}. */
  public static ServiceNode standalone(Settings settings, Telemetry telemetry) {
    return standalone(new Operations(Operations.readinessTimeoutMs(settings)), telemetry, nativeTransport(settings));
  }

  /** A standalone node traced by {@code telemetry}. */
  public static ServiceNode standalone(Telemetry telemetry) {
    return standalone(new Operations(), telemetry, true);
  }

  private static ServiceNode standalone(Operations operations, Telemetry telemetry, boolean nativeTransport) {
    Vertx vertx = Vertx.builder()
        .with(options(nativeTransport))
        .withMetrics(metrics(operations))
        .withTracer(telemetry.tracerFactory())
        .build();
    logTransport(vertx, nativeTransport);
    return new ServiceNode(vertx, operations, null, telemetry);
  }

  /**
   * A node that joins the Hazelcast cluster described by {@code cluster}. Its Hazelcast member
   * must prove {@code CLUSTER_SECRET} to be admitted ({@link ClusterGuard}), the event bus between
   * members is mutual TLS under an authority derived from the same secret or given as files
   * ({@link EventBusTls}), and nothing received
   * from the network is Java-deserialized. If a member without the proof is ever seen in the
   * cluster, this node closes itself (see {@link #launch} for processes).
   */
  public static Future<ServiceNode> clustered(ClusterConfig cluster) {
    return clustered(cluster, Telemetry.off(), node -> node.close(), new Operations(), true);
  }

  private static Future<ServiceNode> clustered(
      ClusterConfig cluster, Telemetry telemetry, java.util.function.Consumer<ServiceNode> onStranger, Operations operations,
      boolean nativeTransport) {
    ClusterSecret secret = new ClusterSecret(cluster.secret(), cluster.name());
    VertxOptions options = options(nativeTransport);
    options.setEventBusOptions(EventBusTls.configure(
        new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort()), EventBusTls.material(cluster, secret)));
    LOG.info("event bus TLS with {}", cluster.tlsFiles() == null ? "the authority derived from CLUSTER_SECRET" : cluster.tlsFiles());
    Promise<Member> stranger = Promise.promise();
    return startHazelcast(hazelcastConfig(cluster, secret), secret)
        .compose(hazelcast -> {
          hazelcast.getCluster().addMembershipListener(new ClusterGuard.Watch(secret, member -> {
            LOG.error("member {} in cluster {} did not prove CLUSTER_SECRET: this node leaves", member.getAddress(), cluster.name());
            stranger.tryComplete(member);
          }));
          if (stranger.future().isComplete()) {
            return shutdown(hazelcast).transform(x -> Future.<ServiceNode>failedFuture(new IllegalStateException(
                "the cluster holds a member that did not prove CLUSTER_SECRET: " + stranger.future().result().getAddress())));
          }
          return Vertx.builder()
              .with(options)
              .withMetrics(metrics(operations))
              .withTracer(telemetry.tracerFactory())
              .withClusterManager(new HazelcastClusterManager(hazelcast))
              .buildClustered()
              .onSuccess(vertx -> logTransport(vertx, nativeTransport))
              .map(vertx -> new ServiceNode(vertx, operations, hazelcast, telemetry))
              .onSuccess(node -> operations.addReadinessCheck(ClusterMembership.CHECK, () -> ClusterMembership.check(hazelcast)))
              .onSuccess(node -> stranger.future().onSuccess(m -> onStranger.accept(node)))
              .recover(e -> shutdown(hazelcast).transform(x -> Future.<ServiceNode>failedFuture(e)));
        });
  }

  /** Starts a Hazelcast member on a thread of its own: joining blocks until the cluster answers. */
  private static Future<HazelcastInstance> startHazelcast(Config config, ClusterSecret secret) {
    Promise<HazelcastInstance> started = Promise.promise();
    Thread thread = new Thread(() -> {
      try {
        started.complete(HazelcastInstanceFactory.newHazelcastInstance(
            config, config.getInstanceName(), new ClusterGuard.GuardedNodeContext(secret)));
      } catch (Throwable e) {
        started.fail(e);
      }
    }, "hazelcast-start");
    thread.setDaemon(true);
    thread.start();
    return started.future();
  }

  /** Leaves the cluster on a thread of its own (a graceful shutdown waits for migrations). */
  private static Future<Void> shutdown(HazelcastInstance hazelcast) {
    Promise<Void> done = Promise.promise();
    Thread thread = new Thread(() -> {
      try {
        hazelcast.getLifecycleService().shutdown();
        done.complete();
      } catch (Throwable e) {
        done.fail(e);
      }
    }, "hazelcast-shutdown");
    thread.setDaemon(true);
    thread.start();
    return done.future();
  }

  /**
   * The event bus never Java-deserializes a message body: the platform sends only JSON, buffers
   * and strings, and these checkers refuse every class name Vert.x's Serializable and
   * ClusterSerializable codecs would otherwise decode (by default a few JDK number types).
   */
  private static void refuseJavaDeserialization(Vertx vertx) {
    vertx.eventBus().serializableChecker(className -> false);
    vertx.eventBus().clusterSerializableChecker(className -> false);
  }

  /** The Hazelcast member of a clustered node; null when standalone. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * Starts a clustered service process: joins the cluster, serves the operations endpoints on
   * {@code HTTP_PORT} (unless the service serves them itself), deploys its verticles. Exits the
   * process when start-up fails, and leaves the cluster cleanly on shutdown.
   */
  public static void launch(
      String serviceName, boolean serveOperations, Function<StartContext, List<Deployable>> verticles) {
    // Runs on the main thread, waiting for each step, so that deployAll is called from outside
    // Vert.x and every verticle gets an event loop of its own.
    Settings settings = Settings.fromEnvironment();
    try {
      LogContext.configure(settings, serviceName, true);
      // A stranger in the cluster ends the process: its supervisor restarts it and it joins
      // again, or fails to while the stranger is there.
      ServiceNode node = clustered(ClusterConfig.from(settings), Telemetry.from(settings, serviceName),
          n -> exitAfterClose(n, serviceName), new Operations(Operations.readinessTimeoutMs(settings)),
          nativeTransport(settings)).await();
      long shutdownTimeoutMs = shutdownTimeoutMs(settings);
      exitOnSignal(serviceName, () -> node.stop().await(shutdownTimeoutMs, TimeUnit.MILLISECONDS));
      if (serveOperations) {
        node.serveOperations(operationsHost(settings), settings.integer("HTTP_PORT", 8080)).await();
      }
      node.deployAll(verticles.apply(new StartContext(settings, node))).await();
      LOG.info("{} started", serviceName);
    } catch (Exception e) {
      LOG.error("{} failed to start", serviceName, e);
      System.exit(1);
    }
  }

  /**
   * {@code HTTP_HOST} of a service whose {@code HTTP_PORT} serves only health and metrics: the
   * loopback interface unless told otherwise, like the gateway's {@code OPS_HTTP_HOST}; an
   * orchestrator that probes from outside names the private address (deploy/kubernetes: the pod's).
   */
  public static String operationsHost(Settings settings) {
    return settings.string("HTTP_HOST", "127.0.0.1");
  }

  /** What a service needs to build its verticles. */
  public record StartContext(Settings settings, ServiceNode node) {}

  /**
   * Deploys the verticles side by side; fails when any fails. Called from outside Vert.x (a main
   * or test thread), each verticle gets its own event loop: Vert.x 5 puts a verticle deployed
   * from an event loop on that same loop, which would leave one core doing every service's work.
   */
  public Future<Void> deployAll(List<Deployable> verticles) {
    // Not ready until every verticle has started: they start side by side, so a gateway can
    // listen (and pass its own checks) before the services in the same process serve.
    java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    operations.addReadinessCheck("started", () -> started.get()
        ? Future.succeededFuture()
        : Future.failedFuture("still starting"));
    List<Future<String>> deployed = verticles.stream().map(vertx::deployVerticle).toList();
    return Future.all(deployed)
        .onSuccess(x -> {
          deployed.forEach(d -> deployments.add(d.result()));
          started.set(true);
        })
        .mapEmpty();
  }

  /**
   * The graceful stop: undeploys the verticles one by one, the last given to {@link #deployAll}
   * first (a gateway drains while the services behind it still answer its requests in flight),
   * then closes Vert.x and leaves the cluster. Every call returns the same stop.
   */
  public synchronized Future<Void> stop() {
    if (stopping == null) {
      Future<Void> undeployed = Future.succeededFuture();
      List<String> reversed = new java.util.ArrayList<>(deployments);
      java.util.Collections.reverse(reversed);
      for (String id : reversed) {
        undeployed = undeployed.eventually(() -> vertx.undeploy(id)
            .onFailure(e -> LOG.warn("undeploying {} failed: {}", id, e.toString())));
      }
      stopping = undeployed.eventually(this::close);
    }
    return stopping;
  }

  /** {@code SHUTDOWN_TIMEOUT_MS}: the longest a process's graceful stop may take before it exits anyway. */
  public static long shutdownTimeoutMs(Settings settings) {
    long value = settings.longValue("SHUTDOWN_TIMEOUT_MS", 30_000);
    if (value < 1) {
      throw new IllegalArgumentException("SHUTDOWN_TIMEOUT_MS must be at least 1");
    }
    return value;
  }

  /** A blocking stop that may fail (or time out). */
  @FunctionalInterface
  public interface Stop {
    void run() throws Exception;
  }

  /**
   * Makes SIGTERM and SIGINT stop the process gracefully: {@code stop} runs once (it should be
   * bounded by {@code SHUTDOWN_TIMEOUT_MS}), then the process exits 0, or 1 when the stop failed
   * or timed out. Without the handler the JVM would exit 143 on SIGTERM. A JVM shutdown started
   * otherwise ({@code System.exit} elsewhere) runs the same stop from a shutdown hook.
   */
  public static void exitOnSignal(String processName, Stop stop) {
    java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.function.BooleanSupplier runOnce = () -> {
      if (!started.compareAndSet(false, true)) {
        return true;
      }
      try {
        LOG.info("{} stopping", processName);
        stop.run();
        LOG.info("{} stopped", processName);
        return true;
      } catch (Exception e) {
        LOG.error("{} did not stop cleanly", processName, e);
        return false;
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(runOnce::getAsBoolean, "shutdown"));
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          Thread exit = new Thread(() -> System.exit(runOnce.getAsBoolean() ? 0 : 1), "stop-on-SIG" + name);
          exit.start();
        });
      } catch (IllegalArgumentException e) {
        LOG.warn("cannot handle SIG{}: the JVM's default applies", name);
      }
    }
  }

  /** An HTTP server with nothing but the operations endpoints. */
  public Future<Integer> serveOperations(String host, int port) {
    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    return vertx.createHttpServer().requestHandler(router).listen(port, host).map(s -> s.actualPort());
  }

  /**
   * Closes Vert.x, exports the last spans, then leaves the Hazelcast cluster (the cluster manager
   * leaves a member it did not start running).
   */
  public Future<Void> close() {
    Future<Void> closed = vertx.close().eventually(telemetry::close);
    return hazelcast == null ? closed : closed.eventually(() -> shutdown(hazelcast));
  }

  private static void exitAfterClose(ServiceNode node, String serviceName) {
    node.close().onComplete(x -> {
      LOG.error("{} stops: the cluster holds a member without CLUSTER_SECRET", serviceName);
      new Thread(() -> System.exit(3), "exit").start();
    });
  }

  private static VertxOptions options(boolean nativeTransport) {
    return new VertxOptions()
        .setPreferNativeTransport(nativeTransport)
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false));
  }

  /**
   * {@code NATIVE_TRANSPORT} (default true): Netty's epoll transport on Linux (the
   * {@code netty-transport-native-epoll} library the services ship), which wakes, reads and writes
   * with less CPU and garbage per socket event than the JDK's NIO selector; false keeps NIO.
   */
  static boolean nativeTransport(Settings settings) {
    return settings.bool("NATIVE_TRANSPORT", true);
  }

  private static void logTransport(Vertx vertx, boolean preferred) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("network transport: native (epoll)");
    } else if (preferred) {
      // With the exception itself: the reason (a noexec java.io.tmpdir, another CPU) is in its causes.
      LOG.warn("network transport: Java NIO, the native one is unavailable here", vertx.unavailableNativeTransportCause());
    } else {
      LOG.info("network transport: Java NIO (NATIVE_TRANSPORT=false)");
    }
  }

  private static MicrometerMetricsFactory metrics(Operations operations) {
    return new MicrometerMetricsFactory(operations.registry());
  }

  static final int REGISTRY_BACKUPS = 2;
  /** vertx-hazelcast's structures, named in its default-cluster.xml. */
  static final String SUBSCRIPTIONS_MAP = "__vertx.subs";
  static final String NODE_INFO_MAP = "__vertx.nodeInfo";
  static final String HA_INFO_MAP = "__vertx.haInfo";

  static Config hazelcastConfig(ClusterConfig cluster, ClusterSecret secret) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    // The product never phones home, and a member joins only the members it is told about.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // ServiceNode leaves the cluster after Vert.x has closed, not Hazelcast's own hook before it.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Who consumes which address (and each node's event bus address) is backed up on two members
    // besides its owner, not one: two members lost at once (two pods of one Kubernetes node) no
    // longer take registrations of live services with them until those republish theirs.
    config.getMultiMapConfig(SUBSCRIPTIONS_MAP).setBackupCount(REGISTRY_BACKUPS);
    config.getMapConfig(NODE_INFO_MAP).setBackupCount(REGISTRY_BACKUPS);
    config.getMapConfig(HA_INFO_MAP).setBackupCount(REGISTRY_BACKUPS);
    // Members starting together are admitted in one batch (one rebalance); CLUSTER_JOIN_WAIT_SECONDS
    // trades that for how soon a member that starts alone, or a little late, is in.
    config.setProperty("hazelcast.wait.seconds.before.join", String.valueOf(cluster.joinWaitSeconds()));
    config.setProperty("hazelcast.max.wait.seconds.before.join", String.valueOf(ClusterConfig.JOIN_WAIT_MAX_FACTOR * cluster.joinWaitSeconds()));
    // The member port listens on CLUSTER_HOST only: by default Hazelcast binds every interface and
    // uses the interface list only to pick the address it advertises.
    config.setProperty("hazelcast.socket.bind.any", "false");
    // Vert.x's cluster manager reads its node id from this attribute of a member it did not start.
    config.getMemberAttributeConfig().setAttribute("__vertx.nodeId", java.util.UUID.randomUUID().toString());
    // The join proof (ClusterGuard checks it).
    secret.newProof().forEach(config.getMemberAttributeConfig()::setAttribute);
    // Java deserialization of member traffic resolves only Hazelcast's classes and a few JDK ones.
    config.getSerializationConfig().setJavaSerializationFilterConfig(
        new JavaSerializationFilterConfig().setDefaultsDisabled(true).setWhitelist(new ClassFilter(JAVA_DESERIALIZATION_ALLOWED)));
    // Only the member protocol on the cluster port: the open-source Hazelcast client protocol has
    // no authentication beyond the cluster name, and would reach every map without joining.
    config.getAdvancedNetworkConfig()
        .setEnabled(true)
        .setMemberEndpointConfig(
            new ServerSocketEndpointConfig()
                .setPort(cluster.port())
                .setPortAutoIncrement(true)
                .setInterfaces(new InterfacesConfig().setEnabled(true).addInterface(cluster.host())));
    JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesService() != null) {
      join.getTcpIpConfig().setEnabled(false);
      // DNS lookup mode: the headless service's A records are the members (no API access, no
      // RBAC); each is contacted on this member's port, not Hazelcast's default 5701.
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesService())
          .setProperty("service-port", String.valueOf(cluster.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }
}
