package io.chatplatform.runtime;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * How a clustered service joins the Hazelcast cluster.
 *
 * @param name cluster name; members with another name never join ({@code CLUSTER_NAME})
 * @param secret shared by every member, at least 32 characters: a member must prove it to join,
 *     and, unless {@code tlsFiles} are set, the event bus's TLS authority is derived from it
 *     ({@code CLUSTER_SECRET}); never logged
 * @param members TCP-IP member list, {@code host[:port]} comma separated ({@code CLUSTER_MEMBERS})
 * @param host the address this member binds and advertises, for Hazelcast and the event bus ({@code CLUSTER_HOST})
 * @param port Hazelcast port; the next free one is taken when busy ({@code CLUSTER_PORT})
 * @param eventBusPort event bus TCP port, 0 for any free one ({@code EVENTBUS_PORT})
 * @param kubernetesService headless service for Hazelcast Kubernetes discovery; replaces the member list when set
 *     ({@code CLUSTER_KUBERNETES_SERVICE}, with {@code CLUSTER_DISCOVERY=kubernetes})
 * @param tlsFiles the operator's certificate, key and authority for the event bus instead of the
 *     ones derived from the secret; null to derive them
 * @param joinWaitSeconds how long the master gathers join requests before it admits them together
 *     ({@code CLUSTER_JOIN_WAIT_SECONDS}, Hazelcast's {@code hazelcast.wait.seconds.before.join});
 *     while members keep arriving each one prolongs the wait, up to {@link #JOIN_WAIT_MAX_FACTOR}
 *     times this in all
 */
public record ClusterConfig(
    String name,
    String secret,
    List<String> members,
    String host,
    int port,
    int eventBusPort,
    String kubernetesService,
    TlsFiles tlsFiles,
    int joinWaitSeconds) {

  /**
   * Hazelcast's default: members that start together (a rollout, a whole cluster at once) join in
   * one batch, so the partitions are rebalanced once rather than once per member.
   */
  public static final int DEFAULT_JOIN_WAIT_SECONDS = 5;
  /** The longest gathering, as a multiple of the wait: Hazelcast's defaults are 5 s and 20 s. */
  public static final int JOIN_WAIT_MAX_FACTOR = 4;
  static final int JOIN_WAIT_SECONDS_LIMIT = 60;

  public ClusterConfig {
    if (secret == null || secret.length() < ClusterSecret.MIN_LENGTH) {
      throw new IllegalArgumentException("CLUSTER_SECRET must be set to at least " + ClusterSecret.MIN_LENGTH + " characters");
    }
    if (joinWaitSeconds < 0 || joinWaitSeconds > JOIN_WAIT_SECONDS_LIMIT) {
      throw new IllegalArgumentException("CLUSTER_JOIN_WAIT_SECONDS must be 0-" + JOIN_WAIT_SECONDS_LIMIT + ", not " + joinWaitSeconds);
    }
  }

  /** A cluster whose event bus TLS authority is derived from {@code secret}, joins gathered as Hazelcast does by default. */
  public ClusterConfig(
      String name, String secret, List<String> members, String host, int port, int eventBusPort, String kubernetesService) {
    this(name, secret, members, host, port, eventBusPort, kubernetesService, null, DEFAULT_JOIN_WAIT_SECONDS);
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
        kubernetesService(settings),
        TlsFiles.from(settings),
        settings.integer("CLUSTER_JOIN_WAIT_SECONDS", DEFAULT_JOIN_WAIT_SECONDS));
  }

  /**
   * {@code CLUSTER_DISCOVERY}: {@code members} (the {@code CLUSTER_MEMBERS} list) or
   * {@code kubernetes} (a DNS lookup of the headless service {@code CLUSTER_KUBERNETES_SERVICE});
   * unset, {@code kubernetes} when that service is named, as before the setting existed. A
   * contradiction refuses to start rather than guess which of the two the operator meant.
   *
   * @return the headless service when discovery is {@code kubernetes}, else null
   */
  static String kubernetesService(Settings settings) {
    String service = settings.optional("CLUSTER_KUBERNETES_SERVICE");
    String discovery = settings.string("CLUSTER_DISCOVERY", service == null ? "members" : "kubernetes");
    switch (discovery) {
      case "members":
        if (service != null) {
          throw new IllegalArgumentException("CLUSTER_KUBERNETES_SERVICE is set but CLUSTER_DISCOVERY is members");
        }
        return null;
      case "kubernetes":
        if (service == null) {
          throw new IllegalArgumentException("CLUSTER_DISCOVERY=kubernetes needs CLUSTER_KUBERNETES_SERVICE (the headless service)");
        }
        return service;
      default:
        throw new IllegalArgumentException("CLUSTER_DISCOVERY must be members or kubernetes, not " + discovery);
    }
  }

  /**
   * PEM files the event bus uses instead of the authority derived from {@code CLUSTER_SECRET}:
   * every member presents its certificate and accepts only peers whose certificate an authority of
   * {@code caFile} issued.
   *
   * @param certFile this member's certificate, optionally followed by its chain ({@code CLUSTER_TLS_CERT_FILE})
   * @param keyFile the certificate's unencrypted private key ({@code CLUSTER_TLS_KEY_FILE})
   * @param caFile the certificates of the authorities that issue members' certificates ({@code CLUSTER_TLS_CA_FILE})
   */
  public record TlsFiles(String certFile, String keyFile, String caFile) {
    static final String CERT = "CLUSTER_TLS_CERT_FILE";
    static final String KEY = "CLUSTER_TLS_KEY_FILE";
    static final String CA = "CLUSTER_TLS_CA_FILE";

    public TlsFiles {
      if (certFile == null || keyFile == null || caFile == null) {
        throw new IllegalArgumentException(CERT + ", " + KEY + " and " + CA + " are set together or not at all");
      }
    }

    /** The three files when any is set; null when none is. */
    static TlsFiles from(Settings settings) {
      String cert = settings.optional(CERT);
      String key = settings.optional(KEY);
      String ca = settings.optional(CA);
      return Stream.of(cert, key, ca).allMatch(s -> s == null) ? null : new TlsFiles(cert, key, ca);
    }
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "ClusterConfig[name=" + name + ", secret=<redacted>, members=" + members + ", host=" + host + ", port=" + port
        + ", eventBusPort=" + eventBusPort + ", kubernetesService=" + kubernetesService + ", tlsFiles=" + tlsFiles
        + ", joinWaitSeconds=" + joinWaitSeconds + "]";
  }
}
