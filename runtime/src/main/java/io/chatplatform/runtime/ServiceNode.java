package io.chatplatform.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
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

  private final Vertx vertx;
  private final Operations operations;

  private ServiceNode(Vertx vertx, Operations operations) {
    this.vertx = vertx;
    this.operations = operations;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Operations operations() {
    return operations;
  }

  /** A node whose event bus stays inside this JVM (the embedded default, tests). */
  public static ServiceNode standalone() {
    Operations operations = new Operations();
    Vertx vertx = Vertx.builder().with(options()).withMetrics(metrics(operations)).build();
    return new ServiceNode(vertx, operations);
  }

  /** A node that joins the Hazelcast cluster described by {@code cluster}. */
  public static Future<ServiceNode> clustered(ClusterConfig cluster) {
    Operations operations = new Operations();
    VertxOptions options = options();
    options.setEventBusOptions(
        new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort()));
    return Vertx.builder()
        .with(options)
        .withMetrics(metrics(operations))
        .withClusterManager(new HazelcastClusterManager(hazelcastConfig(cluster)))
        .buildClustered()
        .map(vertx -> new ServiceNode(vertx, operations));
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
      ServiceNode node = clustered(ClusterConfig.from(settings)).await();
      Runtime.getRuntime().addShutdownHook(new Thread(node::closeBlocking, "shutdown"));
      if (serveOperations) {
        node.serveOperations(settings.string("HTTP_HOST", "0.0.0.0"), settings.integer("HTTP_PORT", 8080)).await();
      }
      node.deployAll(verticles.apply(new StartContext(settings, node))).await();
      LOG.info("{} started", serviceName);
    } catch (Exception e) {
      LOG.error("{} failed to start", serviceName, e);
      System.exit(1);
    }
  }

  /** What a service needs to build its verticles. */
  public record StartContext(Settings settings, ServiceNode node) {}

  /**
   * Deploys the verticles side by side; fails when any fails. Called from outside Vert.x (a main
   * or test thread), each verticle gets its own event loop: Vert.x 5 puts a verticle deployed
   * from an event loop on that same loop, which would leave one core doing every service's work.
   */
  public Future<Void> deployAll(List<Deployable> verticles) {
    return Future.all(verticles.stream().map(vertx::deployVerticle).toList()).mapEmpty();
  }

  /** An HTTP server with nothing but the operations endpoints. */
  public Future<Integer> serveOperations(String host, int port) {
    Router router = Router.router(vertx);
    operations.mount(vertx, router);
    return vertx.createHttpServer().requestHandler(router).listen(port, host).map(s -> s.actualPort());
  }

  public Future<Void> close() {
    return vertx.close();
  }

  private void closeBlocking() {
    try {
      vertx.close().await();
    } catch (Exception e) {
      LOG.warn("shutdown was not clean", e);
    }
  }

  private static VertxOptions options() {
    return new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false));
  }

  private static MicrometerMetricsFactory metrics(Operations operations) {
    return new MicrometerMetricsFactory(operations.registry());
  }

  private static Config hazelcastConfig(ClusterConfig cluster) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    // The product never phones home, and a member joins only the members it is told about.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true);
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesService() != null) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", cluster.kubernetesService());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return config;
  }
}
