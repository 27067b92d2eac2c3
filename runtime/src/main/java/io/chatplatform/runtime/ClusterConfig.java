package io.chatplatform.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * How a clustered service joins the Hazelcast cluster.
 *
 * @param name cluster name; members with another name never join ({@code CLUSTER_NAME})
 * @param secret shared by every member, at least 32 characters: a member must prove it to join,
 *     and the event bus's TLS key is derived from it ({@code CLUSTER_SECRET}); never logged
 * @param members TCP-IP member list, {@code host[:port]} comma separated ({@code CLUSTER_MEMBERS})
 * @param host the address this member binds and advertises, for Hazelcast and the event bus ({@code CLUSTER_HOST})
 * @param port Hazelcast port; the next free one is taken when busy ({@code CLUSTER_PORT})
 * @param eventBusPort event bus TCP port, 0 for any free one ({@code EVENTBUS_PORT})
 * @param kubernetesService headless service for Hazelcast Kubernetes discovery; replaces the member list when set ({@code CLUSTER_KUBERNETES_SERVICE})
 */
public record ClusterConfig(
    String name, String secret, List<String> members, String host, int port, int eventBusPort, String kubernetesService) {

  public ClusterConfig {
    if (secret == null || secret.length() < ClusterSecret.MIN_LENGTH) {
      throw new IllegalArgumentException("CLUSTER_SECRET must be set to at least " + ClusterSecret.MIN_LENGTH + " characters");
    }
  }

  public static ClusterConfig from(Settings settings) {
    String host = settings.string("CLUSTER_HOST", "127.0.0.1");
    int port = settings.integer("CLUSTER_PORT", 5701);
    String members = settings.string("CLUSTER_MEMBERS", host + ":" + port);
    return new ClusterConfig(
        settings.string("CLUSTER_NAME", "chat-platform"),
        settings.optional("CLUSTER_SECRET"),
        Arrays.stream(members.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        host,
        port,
        settings.integer("EVENTBUS_PORT", 0),
        settings.optional("CLUSTER_KUBERNETES_SERVICE"));
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "ClusterConfig[name=" + name + ", secret=<redacted>, members=" + members + ", host=" + host + ", port=" + port
        + ", eventBusPort=" + eventBusPort + ", kubernetesService=" + kubernetesService + "]";
  }
}
