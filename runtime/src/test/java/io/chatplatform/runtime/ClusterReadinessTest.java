package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A clustered node's readiness names its cluster membership, and turns DOWN when its member stops. */
@DisplayName("Cluster: readiness checks the node's membership")
class ClusterReadinessTest {
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  /** Hazelcast on PORT, the event bus on PORT + 10: below the ephemeral range, apart from the other tests'. */
  static final int PORT = 5981;

  record Answer(int status, JsonObject body) {}

  static Answer ready(ServiceNode node, HttpClient http, int port) {
    return Await.result(Future.<Answer>future(promise -> node.vertx().runOnContext(x -> http
        .request(HttpMethod.GET, port, "127.0.0.1", "/health/ready")
        .compose(HttpClientRequest::send)
        .compose(response -> response.body().map(body -> new Answer(response.statusCode(), body.toJsonObject())))
        .onComplete(promise))));
  }

  @Test
  @DisplayName("UP while the member is in its cluster; DOWN, named 'cluster', once the member has stopped")
  void membership() {
    ClusterConfig config = new ClusterConfig("readiness-test", "cluster-readiness-test-secret-0123456789",
        List.of("127.0.0.1:" + PORT), "127.0.0.1", PORT, PORT + 10, null);
    ServiceNode node = Await.result(ServiceNode.clustered(config), TIMEOUT);
    try {
      int port = Await.result(node.serveOperations("127.0.0.1", 0));
      HttpClient http = node.vertx().createHttpClient();
      Answer up = ready(node, http, port);
      assertThat(up.status()).isEqualTo(200);
      assertThat(up.body().getJsonObject("checks").getString(ClusterMembership.CHECK)).isEqualTo("UP");

      // The member leaves (as when Hazelcast gives up after a split): the node must not get clients.
      node.hazelcast().getLifecycleService().terminate();
      Answer down = ready(node, http, port);
      System.out.println("readiness after the member stopped: " + down.body());
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body().getJsonObject("checks").getString(ClusterMembership.CHECK)).isEqualTo("DOWN");
    } finally {
      // Vert.x leaves a cluster whose member is gone with an error; the test only needs it closed.
      node.close().otherwiseEmpty().await();
    }
  }
}
