package io.chatplatform.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.platform.deploy.Kustomize.Generator;
import io.chatplatform.platform.deploy.Kustomize.Kustomization;
import io.chatplatform.platform.deploy.Kustomize.Operation;
import io.chatplatform.platform.deploy.Kustomize.Patch;
import io.chatplatform.platform.deploy.Manifests.Doc;
import io.chatplatform.platform.deploy.Repo.Service;
import io.chatplatform.runtime.ClusterConfig;
import io.chatplatform.runtime.ServiceNode;
import io.chatplatform.runtime.Settings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * deploy/kubernetes held against the code: every manifest read strictly with the Kubernetes model,
 * each service's Deployment with the ports, probe paths, settings and Secrets its code uses (the
 * settings are passed through the services' own config classes), Hazelcast's discovery as
 * ClusterConfig reads it, and every overlay patching what the base has.
 */
@DisplayName("deploy/kubernetes: strict manifests that match the code's ports, probes, settings, secrets and discovery")
class DeployManifestsTest {
  static final Path K8S = Repo.ROOT.resolve("deploy/kubernetes");
  static final Path BASE = K8S.resolve("base");
  static final List<String> OVERLAYS = List.of("dev", "prod");
  /** Stand-ins for what the cluster gives a pod at run time (its address) or a Secret holds. */
  static final Map<String, String> RUN_TIME = Map.of(
      "CLUSTER_HOST", "10.1.2.3",
      "OPS_HTTP_HOST", "10.1.2.3",
      "CLUSTER_SECRET", "a-cluster-secret-of-at-least-32-characters",
      "JWT_SECRET", "a-jwt-secret-of-at-least-32-characters-0",
      "MONGO_URI", "mongodb://mongo:27017",
      "REDIS_URL", "redis://redis:6379");

  static List<HasMetadata> base;

  @BeforeAll
  static void readBase() {
    base = Kustomize.resourceDocs(BASE).stream().map(Manifests::resource).toList();
  }

  static <T extends HasMetadata> List<T> all(Class<T> type) {
    return base.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T named(Class<T> type, String name) {
    List<T> found = all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("one " + type.getSimpleName() + " " + name + " in the base").hasSize(1);
    return found.get(0);
  }

  static Container container(Deployment deployment) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).as(deployment.getMetadata().getName() + "'s containers").hasSize(1);
    return containers.get(0);
  }

  static int port(Container container, String name) {
    return container.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError(container.getName() + " has no port named " + name));
  }

  /** The environment the container starts with: its ConfigMaps, then its own variables (values from the cluster stood in). */
  static Map<String, String> environment(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource from : container.getEnvFrom()) {
      assertThat(from.getSecretRef()).as(container.getName() + ": Secrets come one key at a time (secretKeyRef)").isNull();
      env.putAll(named(ConfigMap.class, from.getConfigMapRef().getName()).getData());
    }
    for (EnvVar var : container.getEnv()) {
      env.put(var.getName(), var.getValue() != null ? var.getValue() : RUN_TIME.getOrDefault(var.getName(), "from-the-cluster"));
    }
    return env;
  }

  @Test
  @DisplayName("the strict reader refuses a field the model does not know, in a manifest and in a kustomization")
  void strictReaderRefusesUnknownFields() throws Exception {
    Path dir = Files.createTempDirectory("strict");
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x}
        spec:
          template:
            spec:
              containers:
                - name: x
                  readinessProbe: {httpGet: {path: /health/ready, port: ops}}
        """);
    assertThat(((Deployment) Manifests.resource(Manifests.docs(good).get(0))).getMetadata().getName()).isEqualTo("x");
    Path misspelt = dir.resolve("misspelt.yaml");
    Files.writeString(misspelt, Files.readString(good).replace("readinessProbe", "readinesProbe"));
    assertThatThrownBy(() -> Manifests.resource(Manifests.docs(misspelt).get(0)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("readinesProbe");
    Path unknownKind = dir.resolve("kind.yaml");
    Files.writeString(unknownKind, Files.readString(good).replace("apps/v1", "apps/v1beta9"));
    assertThatThrownBy(() -> Manifests.resource(Manifests.docs(unknownKind).get(0))).isInstanceOf(AssertionError.class);
    Files.writeString(dir.resolve("kustomization.yaml"), "resources: [good.yaml]\ncommonLabels: {a: b}\n");
    assertThatThrownBy(() -> Kustomize.read(dir)).isInstanceOf(AssertionError.class).hasMessageContaining("commonLabels");
  }

  @Test
  @DisplayName("every YAML file under deploy/kubernetes reads strictly: Kubernetes objects, kustomizations, the adapter's rules")
  void everyFileReadsStrictly() {
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    List<Path> files = Repo.files("deploy/kubernetes", ".yaml").toList();
    for (Path file : files) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        Kustomize.read(file.getParent());
        kinds.merge("Kustomization", 1, Integer::sum);
      } else if (file.startsWith(K8S.resolve("prometheus-adapter"))) {
        Manifests.docs(file).forEach(d -> Manifests.read(d, Adapter.Values.class));
        kinds.merge("prometheus-adapter values", 1, Integer::sum);
      } else {
        for (Doc doc : Manifests.docs(file)) {
          kinds.merge(Manifests.resource(doc).getKind(), 1, Integer::sum);
        }
      }
    }
    System.out.println(files.size() + " files read strictly: " + kinds);
    assertThat(kinds).containsKeys("Deployment", "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "NetworkPolicy", "Service", "Ingress", "StatefulSet", "Kustomization");
  }

  @Test
  @DisplayName("each service module has a Deployment of its image, a ConfigMap, an HPA on CPU and a PDB over its pods; nothing else is deployed")
  void eachServiceHasItsObjects() {
    List<Service> services = Repo.services();
    assertThat(services).extracting(Service::artifactId)
        .containsExactlyInAnyOrder("gateway-service", "chat-service", "history-service", "presence-service", "notification-service");
    assertThat(all(Deployment.class)).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(services.stream().map(Service::artifactId).toList());
    for (Service service : services) {
      String name = service.artifactId();
      Deployment deployment = named(Deployment.class, name);
      Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(podLabels).containsEntry("app.kubernetes.io/name", name).containsEntry("app.kubernetes.io/part-of", "chat-platform");
      assertThat(Kustomize.selects(deployment.getSpec().getSelector(), podLabels)).as(name + "'s selector picks its pods").isTrue();
      Container container = container(deployment);
      assertThat(container.getName()).isEqualTo(name);
      assertThat(container.getImage()).as("the image the overlays name and the Dockerfile's target builds").isEqualTo("chat-platform/" + name);
      assertThat(deployment.getSpec().getReplicas()).as(name + ": the HPA owns the replica count (an apply would reset it)").isNull();
      named(ConfigMap.class, name);

      HorizontalPodAutoscaler hpa = named(HorizontalPodAutoscaler.class, name);
      assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
      assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
      assertThat(hpa.getSpec().getMinReplicas()).as(name + ": two at least, so that a PDB allows a drain").isGreaterThanOrEqualTo(2);
      assertThat(hpa.getSpec().getMetrics()).anySatisfy(m -> {
        assertThat(m.getType()).isEqualTo("Resource");
        assertThat(m.getResource().getName()).isEqualTo("cpu");
      });

      PodDisruptionBudget pdb = named(PodDisruptionBudget.class, name);
      assertThat(Kustomize.selects(pdb.getSpec().getSelector(), podLabels)).as(name + "'s PDB covers its pods").isTrue();
      assertThat(all(Deployment.class).stream().filter(d -> d != deployment)
          .noneMatch(d -> Kustomize.selects(pdb.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())))
          .as(name + "'s PDB covers no other service").isTrue();
    }
  }

  @Test
  @DisplayName("each Deployment's settings exist and pass the service's own config; ports and probes are the ones its code serves")
  void settingsPortsAndProbesAreTheCodes() throws Exception {
    Set<String> pending = new TreeSet<>();
    for (Service service : Repo.services()) {
      Deployment deployment = named(Deployment.class, service.artifactId());
      Container container = container(deployment);
      String who = service.artifactId();
      Map<String, String> env = environment(container);
      for (String name : env.keySet()) {
        assertThat(Repo.isSettingOrPending(name)).as(who + ": " + name + " is in README.md's settings table").isTrue();
        if (!Repo.isSetting(name)) {
          pending.add(name);
        }
      }
      Settings settings = Settings.of(env);

      // Hazelcast and the event bus: what ClusterConfig reads, on the pod's address.
      ClusterConfig cluster = ClusterConfig.from(settings);
      assertThat(fieldPath(container, "CLUSTER_HOST")).as(who + ": CLUSTER_HOST is the pod's address").isEqualTo("status.podIP");
      assertThat(port(container, "hazelcast")).isEqualTo(cluster.port());
      assertThat(port(container, "eventbus")).as(who + ": a fixed event bus port").isEqualTo(cluster.eventBusPort()).isNotZero();

      // The operations endpoints: the gateway's OPS_HTTP_PORT, the others' HTTP_PORT (ServiceNode.launch).
      int ops;
      if (who.equals("gateway-service")) {
        GatewayConfig gateway = GatewayConfig.from(settings);
        ops = gateway.edge().opsPort();
        assertThat(port(container, "http")).isEqualTo(gateway.httpPort());
        assertThat(fieldPath(container, "OPS_HTTP_HOST")).as("probes and Prometheus reach the pod's address").isEqualTo("status.podIP");
      } else {
        ops = Integer.parseInt(env.get("HTTP_PORT"));
        assertThat(fieldPath(container, "HTTP_HOST")).as(who + ": probes and Prometheus reach the pod's address").isEqualTo("status.podIP");
        assertThat(container.getPorts()).extracting(ContainerPort::getName).doesNotContain("http");
      }
      assertThat(port(container, "ops")).as(who + "'s operations port").isEqualTo(ops);
      assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("prometheus.io/port", String.valueOf(ops)).containsEntry("prometheus.io/path", "/metrics");
      checkProbe(who, container.getStartupProbe(), "/health/live");
      checkProbe(who, container.getLivenessProbe(), "/health/live");
      checkProbe(who, container.getReadinessProbe(), "/health/ready");

      // The service's own config accepts these settings (the gateway's was read above).
      configOf(service, settings);

      // The graceful stop (and the gateway's preStop pause) fit in the grace period.
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      long preStopSeconds = container.getLifecycle() == null ? 0
          : Long.parseLong(container.getLifecycle().getPreStop().getExec().getCommand().get(1));
      assertThat(pod.getTerminationGracePeriodSeconds() * 1000)
          .as(who + ": grace period > preStop + SHUTDOWN_TIMEOUT_MS")
          .isGreaterThan(preStopSeconds * 1000 + ServiceNode.shutdownTimeoutMs(settings));
      checkHardened(who, pod, container, env);
    }
    System.out.println("pending push settings given to notification-service: " + pending);
  }

  static String fieldPath(Container container, String variable) {
    return container.getEnv().stream().filter(e -> e.getName().equals(variable)).findFirst()
        .map(e -> e.getValueFrom().getFieldRef().getFieldPath()).orElse(null);
  }

  static void checkProbe(String who, Probe probe, String path) {
    assertThat(probe).as(who + " probes " + path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).as(who + ": probes go to the operations port").isEqualTo("ops");
  }

  /** The service's {@code <Name>Config.from(Settings)} beside its main class, when it has one. */
  static void configOf(Service service, Settings settings) throws Exception {
    String main = service.mainClass();
    String config = main.substring(0, main.lastIndexOf("ServiceMain")) + "Config";
    Class<?> type;
    try {
      type = Class.forName(config);
    } catch (ClassNotFoundException e) {
      System.out.println(service.artifactId() + ": no " + config + " to pass its settings through");
      return;
    }
    try {
      type.getMethod("from", Settings.class).invoke(null, settings);
    } catch (java.lang.reflect.InvocationTargetException e) {
      throw new AssertionError(service.artifactId() + "'s settings are refused by " + config + ": " + e.getCause(), e.getCause());
    }
  }

  /** Non-root (the image's user), a read-only root with emptyDirs where the process writes, no privileges, sized. */
  static void checkHardened(String who, PodSpec pod, Container container, Map<String, String> env) {
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).as(who + " runs as the image's user").isEqualTo(Dockerfile.parse().user());
    assertThat(pod.getAutomountServiceAccountToken()).as(who + ": DNS discovery needs no API token").isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    String dataDir = env.getOrDefault("DATA_DIR", Dockerfile.parse().env().get("DATA_DIR"));
    for (String writable : List.of("/tmp", dataDir)) {
      VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(writable)).findFirst()
          .orElseThrow(() -> new AssertionError(who + " has nothing mounted at " + writable));
      assertThat(volume(pod, mount.getName()).getEmptyDir()).as(who + ": " + writable + " is an emptyDir").isNotNull();
    }
    var resources = container.getResources();
    assertThat(resources.getRequests()).as(who + " requests cpu and memory").containsKeys("cpu", "memory");
    assertThat(resources.getLimits().get("memory")).as(who + ": memory limit = request (the heap is a share of it)")
        .isEqualTo(resources.getRequests().get("memory"));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  @Test
  @DisplayName("secrets come from Secrets only: credentials by secretKeyRef, key files from Secret volumes; each is documented and the dev overlay supplies it")
  void secretsComeFromSecrets() {
    for (ConfigMap map : all(ConfigMap.class)) {
      assertThat(map.getData().keySet()).as("ConfigMap " + map.getMetadata().getName() + " holds no credential")
          .noneMatch(Repo::isSecretSetting);
    }
    Map<String, Set<String>> secretKeys = new java.util.TreeMap<>();
    Set<String> optionalVolumes = new TreeSet<>();
    for (Deployment deployment : all(Deployment.class)) {
      Container container = container(deployment);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      for (EnvVar var : container.getEnv()) {
        if (Repo.isSecretSetting(var.getName())) {
          assertThat(var.getValue()).as(var.getName() + " is no literal").isNull();
          assertThat(var.getValueFrom().getSecretKeyRef()).as(var.getName() + " comes from a Secret").isNotNull();
        }
        if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
          secretKeys.computeIfAbsent(var.getValueFrom().getSecretKeyRef().getName(), k -> new TreeSet<>())
              .add(var.getValueFrom().getSecretKeyRef().getKey());
        }
      }
      // A key file's path is inside a Secret's volume: never in the image, never in a ConfigMap.
      environment(container).forEach((name, value) -> {
        if (name.endsWith("_FILE") && !name.equals("CONFIG_FILE") && value.startsWith("/etc/")) {
          VolumeMount mount = container.getVolumeMounts().stream().filter(m -> value.startsWith(m.getMountPath() + "/")).findFirst()
              .orElseThrow(() -> new AssertionError(name + "=" + value + " is in no mounted volume"));
          assertThat(volume(pod, mount.getName()).getSecret()).as(name + " is mounted from a Secret").isNotNull();
          assertThat(mount.getReadOnly()).isTrue();
        }
      });
      for (Volume v : pod.getVolumes()) {
        if (v.getSecret() != null) {
          secretKeys.computeIfAbsent(v.getSecret().getSecretName(), k -> new TreeSet<>());
          if (Boolean.TRUE.equals(v.getSecret().getOptional())) {
            optionalVolumes.add(v.getSecret().getSecretName());
          }
        }
      }
    }
    System.out.println("Secrets the base refers to: " + secretKeys + " (optional volumes: " + optionalVolumes + ")");
    String guide = Repo.read("deploy/README.md");
    secretKeys.forEach((secret, keys) -> {
      assertThat(guide).as("deploy/README.md names the Secret " + secret).contains("`" + secret + "`");
      keys.forEach(key -> assertThat(guide).as("deploy/README.md names " + secret + "'s key " + key).contains("`" + key + "`"));
    });
    Map<String, List<String>> dev = Kustomize.read(K8S.resolve("overlays/dev")).secretGenerator().stream()
        .collect(Collectors.toMap(Generator::name, Generator::keys));
    secretKeys.forEach((secret, keys) -> {
      if (!optionalVolumes.contains(secret)) {
        assertThat(dev).as("the dev overlay generates " + secret).containsKey(secret);
        assertThat(dev.get(secret)).containsAll(keys);
      }
    });
    assertThat(Kustomize.read(K8S.resolve("overlays/prod")).secretGenerator()).as("no secret value is committed for prod").isEmpty();
  }

  @Test
  @DisplayName("discovery: CLUSTER_DISCOVERY=kubernetes on a headless Service that publishes not-ready members, on every service's ports")
  void discovery() {
    Map<String, String> shared = named(ConfigMap.class, "chat-cluster").getData();
    assertThat(shared).containsEntry("CLUSTER_DISCOVERY", "kubernetes");
    Map<String, String> env = new HashMap<>(shared);
    env.putAll(RUN_TIME);
    ClusterConfig cluster = ClusterConfig.from(Settings.of(env));
    io.fabric8.kubernetes.api.model.Service headless = named(io.fabric8.kubernetes.api.model.Service.class, cluster.kubernetesService());
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).as("members are found before they are ready").isTrue();
    Map<String, Integer> ports = headless.getSpec().getPorts().stream()
        .collect(Collectors.toMap(p -> p.getTargetPort().getStrVal(), io.fabric8.kubernetes.api.model.ServicePort::getPort));
    assertThat(ports).containsEntry("hazelcast", cluster.port()).containsEntry("eventbus", cluster.eventBusPort());
    for (Deployment deployment : all(Deployment.class)) {
      Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(labels).as("every service is a member").containsAllEntriesOf(headless.getSpec().getSelector());
      assertThat(container(deployment).getEnvFrom()).extracting(f -> f.getConfigMapRef().getName()).contains("chat-cluster");
    }
  }

  @Test
  @DisplayName("NetworkPolicies: everything denied but members on the cluster ports, the ingress controller on the gateway's public port, Prometheus on ops")
  void networkPolicies() {
    List<NetworkPolicy> policies = all(NetworkPolicy.class);
    List<Deployment> deployments = all(Deployment.class);
    assertThat(policies).anySatisfy(p -> {
      assertThat(p.getSpec().getPolicyTypes()).contains("Ingress");
      assertThat(p.getSpec().getIngress()).isNullOrEmpty();
      assertThat(deployments).allMatch(d -> Kustomize.selects(p.getSpec().getPodSelector(), d.getSpec().getTemplate().getMetadata().getLabels()));
    });
    // Which port names each service accepts, and from whom.
    Map<String, Set<String>> opened = new java.util.TreeMap<>();
    for (NetworkPolicy policy : policies) {
      for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress() == null ? List.<NetworkPolicyIngressRule>of() : policy.getSpec().getIngress()) {
        assertThat(rule.getFrom()).as(policy.getMetadata().getName() + ": no rule is open to everyone").isNotEmpty();
        assertThat(rule.getPorts()).as(policy.getMetadata().getName() + ": every rule names its ports").isNotEmpty();
        for (NetworkPolicyPort port : rule.getPorts()) {
          String name = port.getPort().getStrVal();
          for (Deployment d : deployments) {
            if (Kustomize.selects(policy.getSpec().getPodSelector(), d.getSpec().getTemplate().getMetadata().getLabels())) {
              port(container(d), name);
              opened.computeIfAbsent(d.getMetadata().getName(), k -> new TreeSet<>()).add(name + "<-" + peers(rule.getFrom()));
            }
          }
        }
      }
    }
    System.out.println("ingress allowed: " + opened);
    String members = "pods{app.kubernetes.io/part-of=chat-platform}";
    for (Deployment d : deployments) {
      String name = d.getMetadata().getName();
      Set<String> expected = new TreeSet<>(Set.of("hazelcast<-" + members, "eventbus<-" + members,
          "ops<-namespace{kubernetes.io/metadata.name=monitoring}"));
      if (name.equals("gateway-service")) {
        expected.add("http<-namespace{kubernetes.io/metadata.name=ingress-nginx}+pods{app.kubernetes.io/name=ingress-nginx}");
      }
      assertThat(opened.get(name)).as(name).isEqualTo(expected);
    }
    // Only the gateway is exposed, and only through the Ingress.
    assertThat(all(io.fabric8.kubernetes.api.model.Service.class)).allSatisfy(s ->
        assertThat(s.getSpec().getType()).as(s.getMetadata().getName()).isIn(null, "ClusterIP"));
  }

  static String peers(List<NetworkPolicyPeer> from) {
    return from.stream().map(p -> (p.getNamespaceSelector() == null ? "" : "namespace" + p.getNamespaceSelector().getMatchLabels()
        + (p.getPodSelector() == null ? "" : "+"))
        + (p.getPodSelector() == null ? "" : "pods" + p.getPodSelector().getMatchLabels()))
        .map(s -> s.replace(", ", ",")).sorted().collect(Collectors.joining("|"));
  }

  @Test
  @DisplayName("the gateway's Ingress: to its public port, socket timeouts above the gateway's idle timeout, cookie affinity for SockJS")
  void gatewayIngress() {
    Ingress ingress = named(Ingress.class, "gateway-service");
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    Container gateway = container(named(Deployment.class, "gateway-service"));
    GatewayConfig config = GatewayConfig.from(Settings.of(environment(gateway)));
    for (String timeout : List.of("proxy-read-timeout", "proxy-send-timeout")) {
      assertThat(Long.parseLong(annotations.get("nginx.ingress.kubernetes.io/" + timeout)) * 1000)
          .as(timeout + ": a socket's life is bounded by the gateway, not the proxy").isGreaterThan(config.socketIdleTimeoutMs());
    }
    assertThat(annotations).containsEntry("nginx.ingress.kubernetes.io/affinity", "cookie")
        .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
    var backends = ingress.getSpec().getRules().stream().flatMap(r -> r.getHttp().getPaths().stream()).map(p -> p.getBackend().getService()).toList();
    assertThat(backends).isNotEmpty().allSatisfy(b -> {
      io.fabric8.kubernetes.api.model.Service service = named(io.fabric8.kubernetes.api.model.Service.class, b.getName());
      var port = service.getSpec().getPorts().stream().filter(p -> p.getName().equals(b.getPort().getName())).findFirst().orElseThrow();
      assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
      assertThat(Kustomize.selects(new io.fabric8.kubernetes.api.model.LabelSelector(null, service.getSpec().getSelector()),
          named(Deployment.class, "gateway-service").getSpec().getTemplate().getMetadata().getLabels())).isTrue();
    });
    assertThat(port(gateway, "http")).isEqualTo(config.httpPort());
  }

  @Test
  @DisplayName("the gateway also scales on open connections: the HPA's Pods metric is the one the shipped adapter rule serves")
  void gatewayScalesOnConnections() {
    HorizontalPodAutoscaler hpa = named(HorizontalPodAutoscaler.class, "gateway-service");
    List<String> podMetrics = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Pods"))
        .map(MetricSpec::getPods).map(p -> p.getMetric().getName()).toList();
    assertThat(podMetrics).hasSize(1);
    Adapter.Rule rule = Adapter.rule(podMetrics.get(0));
    assertThat(rule.seriesQuery()).startsWith(Adapter.series(rule) + "{").contains("namespace!=\"\"", "pod!=\"\"");
    assertThat(rule.resources().overrides()).containsKeys("namespace", "pod");
    System.out.println("gateway HPA: " + podMetrics.get(0) + " from the series " + Adapter.series(rule)
        + " (DeployAgainstPlatformTest finds it on a running gateway's /metrics)");
  }

  @Test
  @DisplayName("overlays: their resources exist, and every image, generator and patch matches an object of the base (JSON patch paths included)")
  void overlaysPatchTheBase() throws Exception {
    Set<String> images = all(Deployment.class).stream().map(d -> container(d).getImage()).collect(Collectors.toSet());
    for (String overlay : OVERLAYS) {
      Path dir = K8S.resolve("overlays").resolve(overlay);
      Kustomization k = Kustomize.read(dir);
      assertThat(k.namespace()).as(overlay + " names its namespace").isNotBlank();
      List<Doc> docs = Kustomize.resourceDocs(dir);
      assertThat(docs).anySatisfy(d -> assertThat(d.kind() + "/" + d.name()).isEqualTo("Namespace/" + k.namespace()));
      assertThat(k.images()).extracting(Kustomize.Image::name).as(overlay + " sets every service's image")
          .containsExactlyInAnyOrderElementsOf(images);
      for (Generator g : k.configMapGenerator()) {
        assertThat(g.behavior()).as(overlay + ": ConfigMap " + g.name() + " merges into the base's").isEqualTo("merge");
        named(ConfigMap.class, g.name());
        g.keys().forEach(key -> {
          assertThat(Repo.isSettingOrPending(key)).as(overlay + ": " + key + " is a setting").isTrue();
          assertThat(Repo.isSecretSetting(key)).as(overlay + ": " + key + " is no ConfigMap value").isFalse();
        });
      }
      for (Patch patch : k.patches()) {
        if (patch.path() != null) {
          for (Doc doc : Manifests.docs(dir.resolve(patch.path()))) {
            HasMetadata patched = Manifests.resource(doc);
            assertThat(base).as(overlay + ": " + doc + " patches an object of the base")
                .anyMatch(r -> r.getKind().equals(patched.getKind()) && r.getMetadata().getName().equals(patched.getMetadata().getName()));
            envNames(doc.tree()).forEach(n -> assertThat(Repo.isSettingOrPending(n)).as(overlay + ": " + n).isTrue());
          }
        } else {
          List<HasMetadata> targets = base.stream().filter(r -> Kustomize.picks(patch.target(), r)).toList();
          assertThat(targets).as(overlay + ": patch target " + patch.target() + " picks objects of the base").isNotEmpty();
          Operation[] ops = Manifests.STRICT.readValue(patch.patch(), Operation[].class);
          for (Operation op : ops) {
            if (op.op().equals("replace") || op.op().equals("remove")) {
              for (HasMetadata target : targets) {
                JsonNode tree = Manifests.STRICT.valueToTree(target);
                assertThat(tree.at(op.path()).isMissingNode())
                    .as(overlay + ": " + op.op() + " " + op.path() + " exists in " + target.getKind() + "/" + target.getMetadata().getName())
                    .isFalse();
              }
            }
          }
        }
      }
    }
  }

  /** The {@code env[].name}s anywhere in a manifest's tree. */
  static List<String> envNames(JsonNode tree) {
    List<String> names = new ArrayList<>();
    if (tree.isObject()) {
      tree.properties().forEach(e -> {
        if (e.getKey().equals("env") && e.getValue().isArray()) {
          e.getValue().forEach(v -> names.add(v.path("name").asString()));
        } else {
          names.addAll(envNames(e.getValue()));
        }
      });
    } else if (tree.isArray()) {
      tree.forEach(v -> names.addAll(envNames(v)));
    }
    return names;
  }
}
