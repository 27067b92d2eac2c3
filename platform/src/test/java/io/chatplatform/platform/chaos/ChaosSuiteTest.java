package io.chatplatform.platform.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.testsupport.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The chaos scenarios that fit in a few minutes, as a test of the normal build: the same
 * {@link ChaosMain} and {@link Topology} as {@code bin/chaos} (every service's jar as its own
 * process, the store process, redis-server, nginx), started once, then scenarios
 *
 * <ul>
 *   <li>a (a member removed while history is down),
 *   <li>b (Redis restarted under load),
 *   <li>c (the store stopped and restarted under load),
 *   <li>d (kill -9 of one chat-service and one history-service under load),
 *   <li>f (SIGTERM of a gateway under 500 generator clients: one reconnect each, nothing lost),
 * </ul>
 *
 * <p>failing on any FAIL line. About 2.5–3 minutes on a 2-core machine: the topology takes 30–40 s
 * to be ready, a–d 10–25 s each, f about 40 s with the restart of the processes d killed. Left to
 * {@code bin/chaos} (docs/resilience.md): e (kill -9 of a gateway under 500 clients; f covers the
 * same reconnect, sync and resend path and a kill adds only the other close), g (slow readers:
 * about 40 s of sends; the gateway's SlowReaderTest covers the bound in the build), and h (5,000
 * clients reconnecting: several minutes of set-up and recovery, the whole machine).
 *
 * <p>It needs the service jars and the load generator's jar: a reactor build ({@code mvn verify}
 * from the root) packages every module before platform's tests run. It needs {@code redis-server}
 * and {@code nginx} as {@code bin/test} installs them. Its ports are {@code CHAOS_BASE_PORT} + 200
 * (6300 by default), so a {@code bin/chaos} run beside it does not collide; logs under
 * {@code platform/target/chaos-suite/<timestamp>/}.
 */
@DisplayName("The chaos suite's short scenarios (a-d, f) pass against the multi-process topology")
class ChaosSuiteTest {
  static final Set<String> SCENARIOS = Set.of("a", "b", "c", "d", "f");

  @Test
  @DisplayName("a, b, c, d and f: every scenario PASSes")
  void shortScenariosPass() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    for (String jar : List.of("embedded-store/target/chat-embedded-store.jar", "history-service/target/history-service.jar",
        "chat-service/target/chat-service.jar", "presence-service/target/presence-service.jar",
        "notification-service/target/notification-service.jar", "gateway-service/target/gateway-service.jar",
        "loadtest/target/chat-loadtest.jar")) {
      assertThat(root.resolve(jar)).as("the build packages " + jar + " before the platform's tests").exists();
    }
    if (System.getProperty("chaos.nginx") == null && Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
      System.setProperty("chaos.nginx", "/usr/sbin/nginx");
    }
    Path runDir = root.resolve("platform/target/chaos-suite")
        .resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(runDir);
    int base = Integer.parseInt(System.getenv().getOrDefault("CHAOS_BASE_PORT", "6100")) + 200;
    List<String> jvm = new ArrayList<>(Arrays.asList(System.getProperty("cluster.jvm.args", "").trim().split("\\s+")));
    jvm.removeIf(String::isEmpty);

    try (Topology topology = new Topology(root, runDir, base, jvm)) {
      ChaosMain chaos = new ChaosMain(topology);
      try {
        chaos.run(SCENARIOS);
      } finally {
        topology.close();
        chaos.api.close();
        Await.result(chaos.vertx.close());
      }
      assertThat(chaos.failed).as("FAIL lines (logs in " + runDir + "):\n" + String.join("\n", chaos.lines)).isZero();
      assertThat(chaos.lines).as("one line for the topology and one per scenario").hasSize(1 + SCENARIOS.size());
    }
  }
}
