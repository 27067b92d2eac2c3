package io.chatplatform.platform.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.gateway.GatewayConfig;
import io.chatplatform.platform.deploy.Dockerfile.Instruction;
import io.chatplatform.platform.deploy.Dockerfile.Stage;
import io.chatplatform.platform.deploy.Repo.Service;
import io.chatplatform.runtime.ClusterConfig;
import io.chatplatform.runtime.Settings;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker/Dockerfile held against the code (no Docker engine runs here to build it): each
 * service's jar and libraries where Maven puts them, the ports its code listens on, the JVM flags
 * the build and the README give clustered processes, its health check, and nothing secret.
 */
@DisplayName("deploy/docker/Dockerfile: a target per service with its jar, ports, JVM flags and health check, non-root, nothing secret")
class DockerfileTest {
  static final Dockerfile DOCKERFILE = Dockerfile.parse();

  /** The image's settings, with stand-ins for the Secrets the orchestrator adds. */
  static Settings imageSettings() {
    Map<String, String> env = new HashMap<>(DOCKERFILE.env());
    env.put("CLUSTER_SECRET", "a-cluster-secret-of-at-least-32-characters");
    env.put("JWT_SECRET", "a-jwt-secret-of-at-least-32-characters-0");
    return Settings.of(env);
  }

  @Test
  @DisplayName("each service's target copies its jar and lib/ from the build, exposes its code's ports and checks its operations port")
  void eachServiceHasATarget() {
    Settings settings = imageSettings();
    ClusterConfig cluster = ClusterConfig.from(settings);
    GatewayConfig gateway = GatewayConfig.from(settings);
    for (Service service : Repo.services()) {
      String name = service.artifactId();
      List<Stage> lineage = DOCKERFILE.lineage(name);
      assertThat(lineage).extracting(Stage::name).as(name + " builds on the runtime stage").containsExactly(name, "runtime");
      assertThat(DOCKERFILE.image(lineage.get(1))).as("a JRE 17 base").matches("eclipse-temurin:17(\\.[0-9.]+)?-jre.*");
      Stage stage = lineage.get(0);
      assertThat(stage.all("COPY")).extracting(Instruction::arguments).containsExactly(
          "--from=build /src/" + service.jar() + " /opt/chat/service.jar",
          "--from=build /src/" + service.module() + "/target/lib/ /opt/chat/lib/");

      // Ports: the operations endpoints (the gateway's OPS_HTTP_PORT, the others' HTTP_PORT, whose
      // default GatewayConfig reads like ServiceNode.launch), the gateway's public port, Hazelcast, the event bus.
      boolean isGateway = name.equals("gateway-service");
      Set<Integer> expected = new TreeSet<>(List.of(gateway.httpPort(), cluster.port(), cluster.eventBusPort()));
      if (isGateway) {
        expected.add(gateway.edge().opsPort());
      }
      Set<Integer> exposed = Arrays.stream(stage.one("EXPOSE").arguments().split(" ")).map(Integer::valueOf)
          .collect(Collectors.toCollection(TreeSet::new));
      assertThat(exposed).as(name + " exposes").isEqualTo(expected);
      assertThat(cluster.eventBusPort()).as("a fixed event bus port, for firewalls").isNotZero();

      List<String> check = stage.one("HEALTHCHECK").words();
      List<String> expectedCheck = isGateway
          ? List.of("/opt/chat/healthcheck", "OPS_HTTP_HOST", "OPS_HTTP_PORT", String.valueOf(gateway.edge().opsPort()), "/health/live")
          : List.of("/opt/chat/healthcheck", "HTTP_HOST", "HTTP_PORT", String.valueOf(gateway.httpPort()), "/health/live");
      assertThat(check).as(name + "'s HEALTHCHECK").isEqualTo(expectedCheck);
      assertThat(Repo.isSetting(check.get(1)) && Repo.isSetting(check.get(2))).isTrue();
    }
    assertThat(DOCKERFILE.stages()).extracting(Stage::name).as("nothing but the build, the runtime and the services")
        .containsExactlyInAnyOrderElementsOf(concat(List.of("build", "runtime"), Repo.services().stream().map(Service::artifactId).toList()));
  }

  @Test
  @DisplayName("the build stage is a JDK 17 Maven that packages exactly the service modules")
  void buildStage() {
    Stage build = DOCKERFILE.stage("build");
    assertThat(DOCKERFILE.image(build)).matches("maven:[0-9.]+-eclipse-temurin-17");
    String run = build.one("RUN").arguments();
    assertThat(run).contains("mvn ", " package", "-DskipTests");
    String modules = run.replaceAll(".*-pl (\\S+).*", "$1");
    assertThat(modules.split(",")).containsExactlyInAnyOrderElementsOf(Repo.services().stream().map(Service::module).toList());
    assertThat(run).contains("-am");
  }

  @Test
  @DisplayName("the entry point: container-aware heap, the module flags of the build and the README, the service's jar")
  void entrypoint() {
    List<String> words = DOCKERFILE.stage("runtime").one("ENTRYPOINT").words();
    assertThat(words.get(0)).isEqualTo("java");
    assertThat(words).anySatisfy(w -> assertThat(w).matches("-XX:MaxRAMPercentage=([1-8][0-9])(\\.0)?"));
    assertThat(Repo.readmeJvmFlags()).as("README's JVM flags are the build's").isEqualTo(Repo.clusterJvmFlags());
    assertThat(Collections.indexOfSubList(words, Repo.clusterJvmFlags())).as("the module flags, in order").isNotNegative();
    assertThat(words.subList(words.size() - 2, words.size())).containsExactly("-jar", "/opt/chat/service.jar");
  }

  @Test
  @DisplayName("non-root by number, only settings in ENV and none secret, nothing copied but the build's output and the health check")
  void nonRootAndNothingSecret() throws Exception {
    assertThat(DOCKERFILE.user()).as("a numeric, non-root user (runAsNonRoot can verify it)").isPositive();
    DOCKERFILE.env().keySet().forEach(name -> {
      assertThat(Repo.isSetting(name)).as("ENV " + name + " is a setting").isTrue();
      assertThat(Repo.isSecretSetting(name)).as("ENV " + name + " is no secret").isFalse();
    });
    for (Stage stage : DOCKERFILE.stages()) {
      for (Instruction i : stage.instructions()) {
        if (i.keyword().equals("ARG") || i.keyword().equals("ENV")) {
          assertThat(i.arguments()).doesNotContainPattern("SECRET|PASSWORD|TOKEN|MONGO_URI|REDIS_URL|_KEY");
        }
        if (i.keyword().equals("COPY") && !stage.name().equals("build")) {
          assertThat(i.arguments()).matches("--from=build .*|deploy/docker/healthcheck .*");
        }
      }
    }
    assertThat(Files.isExecutable(Repo.ROOT.resolve("deploy/docker/healthcheck"))).isTrue();
  }

  @Test
  @DisplayName(".dockerignore sends the build what it needs and nothing built, local or secret")
  void dockerignore() {
    List<String> patterns = Repo.read(".dockerignore").lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> needed = new ArrayList<>(List.of("pom.xml", "deploy/docker/healthcheck", "clients/js/src/chat-client.js"));
    for (String module : List.of("contracts", "runtime", "test-support", "chat-service", "history-service", "presence-service",
        "notification-service", "gateway-service")) {
      needed.add(module + "/pom.xml");
      needed.add(module + "/src/main/java/X.java");
    }
    needed.forEach(p -> assertThat(ignored(patterns, p)).as(p + " reaches the build").isFalse());
    List.of(".git/config", "chat-service/target/chat-service.jar", "data/chat.mv.db", "data/jwt-secret",
            "gateway-service/src/test/resources/keys/idp-ec-key.pem", "secrets/apns-key.p8", "deploy/kubernetes/base/x.yaml")
        .forEach(p -> assertThat(ignored(patterns, p)).as(p + " stays out").isTrue());
  }

  /** Docker's rule: the last pattern matching the path or one of its folders decides; {@code !} includes. */
  static boolean ignored(List<String> patterns, String path) {
    boolean ignored = false;
    for (String pattern : patterns) {
      boolean include = pattern.startsWith("!");
      Pattern regex = Pattern.compile(glob(include ? pattern.substring(1) : pattern));
      String prefix = path;
      while (true) {
        if (regex.matcher(prefix).matches()) {
          ignored = !include;
          break;
        }
        int slash = prefix.lastIndexOf('/');
        if (slash < 0) {
          break;
        }
        prefix = prefix.substring(0, slash);
      }
    }
    return ignored;
  }

  static String glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (pattern.startsWith("**/", i)) {
        regex.append("(.*/)?");
        i += 2;
      } else if (pattern.startsWith("**", i)) {
        regex.append(".*");
        i++;
      } else if (c == '*') {
        regex.append("[^/]*");
      } else if (c == '?') {
        regex.append("[^/]");
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
