package io.chatplatform.runtime;

import java.util.Arrays;
import java.util.List;

/**
 * How a clustered service joins the Hazelcast cluster.
 *
 * @param name cluster name; members with another name never join ({@code CLUSTER_NAME})
 * @param members TCP-IP member list, {@code host[:port]} comma separated ({@code CLUSTER_MEMBERS})
 * @param host the address this member binds and advertises, for Hazelcast and the event bus ({@code CLUSTER_HOST})
 * @param port Hazelcast port; the next free one is taken when busy ({@code CLUSTER_PORT})
 * @param eventBusPort event bus TCP port, 0 for any free one ({@code EVENTBUS_PORT})
 * @param kubernetesService headless service for Hazelcast Kubernetes discovery; replaces the member list when set ({@code CLUSTER_KUBERNETES_SERVICE})
 */
public record ClusterConfig(
    String name, List<String> members, String host, int port, int eventBusPort, String kubernetesService) {

  public static ClusterConfig from(Settings settings) {
    String host = settings.string("CLUSTER_HOST", "127.0.0.1");
    int port = settings.integer("CLUSTER_PORT", 5701);
    String members = settings.string("CLUSTER_MEMBERS", host + ":" + port);
    return new ClusterConfig(
        settings.string("CLUSTER_NAME", "chat-platform"),
        Arrays.stream(members.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        host,
        port,
        settings.integer("EVENTBUS_PORT", 0),
        settings.optional("CLUSTER_KUBERNETES_SERVICE"));
  }
}
