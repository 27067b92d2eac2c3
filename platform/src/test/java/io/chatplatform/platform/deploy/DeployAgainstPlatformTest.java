package io.chatplatform.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.platform.Api;
import io.chatplatform.platform.EmbeddedPlatform;
import io.chatplatform.platform.SocketClient;
import io.chatplatform.platform.deploy.Dockerfile.Stage;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import io.chatplatform.testsupport.Await;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What deploy/ names, asked of running code: the probes' paths on the operations ports (the
 * gateway's, and a service's as {@code ServiceNode.launch} serves them), the metric the gateway's
 * autoscaler scales on, and the images' health check script.
 */
@DisplayName("deploy/ against a running platform: probe paths answer, the autoscaler's metric exists, the image's health check works")
class DeployAgainstPlatformTest {
  static EmbeddedPlatform platform;
  /** A service process's operations server, as ServiceNode.launch serves it on HTTP_PORT. */
  static ServiceNode service;
  static int serviceOpsPort;
  static Vertx client;
  static WebClient web;
  static List<Deployment> deployments;

  @BeforeAll
  static void start() throws Exception {
    Path data = Files.createTempDirectory("deploy-platform");
    platform = EmbeddedPlatform.start(Settings.of(Map.of(
        "DATA_DIR", data.toString(), "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "PASSWORD_HASH_ITERATIONS", "1000")));
    service = ServiceNode.standalone();
    serviceOpsPort = Await.result(service.serveOperations("127.0.0.1", 0));
    client = Vertx.vertx();
    web = WebClient.create(client);
    deployments = Kustomize.resourceDocs(DeployManifestsTest.BASE).stream().map(Manifests::resource)
        .filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
  }

  @AfterAll
  static void stop() {
    Await.result(client.close());
    Await.result(service.close());
    platform.close();
  }

  static int opsPort(Deployment deployment) {
    return deployment.getMetadata().getName().equals("gateway-service") ? platform.opsPort() : serviceOpsPort;
  }

  @Test
  @DisplayName("every probe of every Deployment answers 200 on its operations port")
  void probesAnswer() {
    assertThat(deployments).hasSize(Repo.services().size());
    for (Deployment deployment : deployments) {
      Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
      for (Probe probe : Stream.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()).toList()) {
        String path = probe.getHttpGet().getPath();
        int status = Await.result(web.get(opsPort(deployment), "127.0.0.1", path).send()).statusCode();
        assertThat(status).as(deployment.getMetadata().getName() + " GET " + path).isEqualTo(200);
      }
    }
  }

  @Test
  @DisplayName("the gateway's /metrics has the series the adapter serves to its HPA, counting an open socket")
  void autoscalerMetricExists() {
    HorizontalPodAutoscaler hpa = Kustomize.resourceDocs(DeployManifestsTest.BASE).stream().map(Manifests::resource)
        .filter(HorizontalPodAutoscaler.class::isInstance).map(HorizontalPodAutoscaler.class::cast)
        .filter(h -> h.getMetadata().getName().equals("gateway-service")).findFirst().orElseThrow();
    String metric = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Pods")).findFirst().orElseThrow()
        .getPods().getMetric().getName();
    String series = Adapter.series(Adapter.rule(metric));
    Api api = new Api(client, platform.port());
    try (SocketClient socket = SocketClient.withToken(client, platform.port(), api.register("deploy-metrics"))) {
      socket.ask("chat.sync", new JsonObject().put("rooms", new JsonObject()));
      double sum = 0;
      List<String> lines = new ArrayList<>();
      for (String line : Await.result(web.get(platform.opsPort(), "127.0.0.1", "/metrics").send()).bodyAsString().split("\n")) {
        if (line.startsWith(series + "{") || line.startsWith(series + " ")) {
          lines.add(line);
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      System.out.println(series + ": " + lines);
      assertThat(lines).as(series + " on the gateway's /metrics").isNotEmpty();
      assertThat(sum).as("the open socket (and this scrape's connection) counted").isGreaterThanOrEqualTo(1);
    } finally {
      api.close();
    }
  }

  @Test
  @DisplayName("each image's HEALTHCHECK command passes against a live operations port and fails against a closed one")
  void imageHealthCheck() throws Exception {
    Dockerfile dockerfile = Dockerfile.parse();
    assertThat(dockerfile.stage("runtime").all("COPY")).extracting(Dockerfile.Instruction::arguments)
        .contains("deploy/docker/healthcheck /opt/chat/healthcheck");
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    for (Repo.Service s : Repo.services()) {
      Stage stage = dockerfile.stage(s.artifactId());
      List<String> words = new ArrayList<>(stage.one("HEALTHCHECK").words());
      assertThat(words.get(0)).isEqualTo("/opt/chat/healthcheck");
      words.set(0, Repo.ROOT.resolve("deploy/docker/healthcheck").toString());
      int live = s.artifactId().equals("gateway-service") ? platform.opsPort() : serviceOpsPort;
      assertThat(run(words, Map.of(words.get(1), "127.0.0.1", words.get(2), String.valueOf(live))))
          .as(s.artifactId() + "'s health check on its live port").isZero();
      assertThat(run(words, Map.of(words.get(1), "0.0.0.0", words.get(2), String.valueOf(live))))
          .as(s.artifactId() + "'s health check with the interface all (0.0.0.0)").isZero();
      assertThat(run(words, Map.of(words.get(2), String.valueOf(closed))))
          .as(s.artifactId() + "'s health check on a closed port").isNotZero();
    }
  }

  static int run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.endsWith("HTTP_HOST") || k.endsWith("HTTP_PORT"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getInputStream().transferTo(System.out);
    return process.waitFor();
  }
}
