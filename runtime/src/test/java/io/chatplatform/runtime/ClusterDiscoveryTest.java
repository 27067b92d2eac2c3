package io.chatplatform.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code CLUSTER_DISCOVERY}: how a member finds the others, a member list or Hazelcast's built-in
 * Kubernetes discovery in DNS lookup mode (deploy/kubernetes sets {@code kubernetes}).
 */
@DisplayName("CLUSTER_DISCOVERY: a member list, or Hazelcast's Kubernetes discovery by DNS lookup of the headless service")
class ClusterDiscoveryTest {
  static final String SECRET = "cluster-discovery-test-secret-0123456789";

  static ClusterConfig config(Map<String, String> values) {
    Map<String, String> all = new HashMap<>(values);
    all.put("CLUSTER_SECRET", SECRET);
    return ClusterConfig.from(Settings.of(all));
  }

  static JoinConfig join(ClusterConfig cluster) {
    Config config = ServiceNode.hazelcastConfig(cluster, new ClusterSecret(cluster.secret(), cluster.name()));
    return config.getAdvancedNetworkConfig().getJoin();
  }

  @Test
  @DisplayName("kubernetes: DNS lookup of CLUSTER_KUBERNETES_SERVICE, members contacted on CLUSTER_PORT, no member list, no API access")
  void kubernetes() {
    ClusterConfig cluster = config(Map.of(
        "CLUSTER_DISCOVERY", "kubernetes", "CLUSTER_KUBERNETES_SERVICE", "chat-cluster", "CLUSTER_PORT", "5801"));
    assertThat(cluster.kubernetesService()).isEqualTo("chat-cluster");
    JoinConfig join = join(cluster);
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    // service-dns selects the DNS lookup mode: no service account token, no RBAC.
    assertThat(join.getKubernetesConfig().getProperties())
        .containsEntry("service-dns", "chat-cluster")
        .containsEntry("service-port", "5801")
        .doesNotContainKeys("service-name", "namespace", "service-label-name");
  }

  @Test
  @DisplayName("the event bus registry survives two members lost at once")
  void lossTolerance() {
    ClusterConfig cluster = config(Map.of());
    Config config = ServiceNode.hazelcastConfig(cluster, new ClusterSecret(cluster.secret(), cluster.name()));
    // vertx-hazelcast's default-cluster.xml keeps one backup of each; the names must still be its.
    assertThat(config.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(2);
    assertThat(config.getMultiMapConfig("__vertx.subs").getValueCollectionType().name()).isEqualTo("SET");
    assertThat(config.getMapConfig("__vertx.nodeInfo").getBackupCount()).isEqualTo(2);
    assertThat(config.getMapConfig("__vertx.haInfo").getBackupCount()).isEqualTo(2);
  }

  @Test
  @DisplayName("CLUSTER_JOIN_WAIT_SECONDS: how long the master gathers joins (Hazelcast's 5 s, at most 20 s, by default)")
  void joinWait() {
    Config byDefault = ServiceNode.hazelcastConfig(config(Map.of()), new ClusterSecret(SECRET, "chat-platform"));
    assertThat(byDefault.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");
    assertThat(byDefault.getProperty("hazelcast.max.wait.seconds.before.join")).isEqualTo("20");
    ClusterConfig quick = config(Map.of("CLUSTER_JOIN_WAIT_SECONDS", "1"));
    Config set = ServiceNode.hazelcastConfig(quick, new ClusterSecret(SECRET, "chat-platform"));
    assertThat(set.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("1");
    assertThat(set.getProperty("hazelcast.max.wait.seconds.before.join")).isEqualTo("4");
    assertThatThrownBy(() -> config(Map.of("CLUSTER_JOIN_WAIT_SECONDS", "-1"))).hasMessageContaining("CLUSTER_JOIN_WAIT_SECONDS");
    assertThatThrownBy(() -> config(Map.of("CLUSTER_JOIN_WAIT_SECONDS", "61"))).hasMessageContaining("CLUSTER_JOIN_WAIT_SECONDS");
  }

  @Test
  @DisplayName("members (the default): the TCP-IP member list, no Kubernetes")
  void members() {
    ClusterConfig cluster = config(Map.of("CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701"));
    assertThat(cluster.kubernetesService()).isNull();
    JoinConfig join = join(cluster);
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).isEqualTo(List.of("10.0.0.1:5701", "10.0.0.2:5701"));
    assertThat(config(Map.of("CLUSTER_DISCOVERY", "members")).kubernetesService()).isNull();
  }

  @Test
  @DisplayName("CLUSTER_KUBERNETES_SERVICE alone still means kubernetes (as before CLUSTER_DISCOVERY existed)")
  void serviceAloneMeansKubernetes() {
    assertThat(config(Map.of("CLUSTER_KUBERNETES_SERVICE", "chat-cluster")).kubernetesService()).isEqualTo("chat-cluster");
  }

  @Test
  @DisplayName("contradictions and unknown values refuse to start, naming the settings")
  void refused() {
    assertThatThrownBy(() -> config(Map.of("CLUSTER_DISCOVERY", "kubernetes")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_KUBERNETES_SERVICE");
    assertThatThrownBy(() -> config(Map.of("CLUSTER_DISCOVERY", "members", "CLUSTER_KUBERNETES_SERVICE", "chat-cluster")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_KUBERNETES_SERVICE");
    assertThatThrownBy(() -> config(Map.of("CLUSTER_DISCOVERY", "multicast")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLUSTER_DISCOVERY");
  }
}
