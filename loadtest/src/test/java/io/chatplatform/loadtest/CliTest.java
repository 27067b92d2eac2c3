package io.chatplatform.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatplatform.loadtest.generator.SocketTransport;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliTest {
  @Test
  void fanoutWithEveryOption() {
    Options o = Cli.parse("fanout", "--rooms", "4", "--members=25", "--rate", "2.5", "--duration", "60", "--warmup", "10",
        "--drain", "3", "--url", "http://10.0.0.5:9000", "--server-pid", "4242", "--out", "/tmp/x.json", "--event-loops", "3",
        "--user-prefix", "bench1", "--user-offset", "500", "--message-size", "120");
    assertThat(o.scenario()).isEqualTo(Scenario.FANOUT);
    assertThat(o.rooms()).isEqualTo(4);
    assertThat(o.members()).isEqualTo(25);
    assertThat(o.userCount()).isEqualTo(100);
    assertThat(o.rates()).containsExactly(2.5);
    assertThat(o.isStepSeries()).isFalse();
    assertThat(o.durationSeconds()).isEqualTo(60);
    assertThat(o.warmupSeconds()).isEqualTo(10);
    assertThat(o.drainSeconds()).isEqualTo(3);
    assertThat(o.url()).isEqualTo(URI.create("http://10.0.0.5:9000"));
    assertThat(o.serverPid()).isEqualTo(4242L);
    assertThat(o.out()).isEqualTo(Path.of("/tmp/x.json"));
    assertThat(o.eventLoops()).isEqualTo(3);
    assertThat(o.userPrefix()).isEqualTo("bench1");
    assertThat(o.userOffset()).isEqualTo(500);
    assertThat(o.messageSize()).isEqualTo(120);
  }

  @Test
  void reconnectOptionsHaveDefaultsApplyToMessagingOnlyAndAreChecked() {
    Options o = Cli.parse("direct");
    assertThat(o.reconnectBaseMs()).isEqualTo(500);
    assertThat(o.reconnectCapMs()).isEqualTo(15_000);
    assertThat(o.reconnectAttempts()).isEqualTo(10);
    assertThat(o.tickets()).isFalse();
    Options given = Cli.parse("fanout", "--reconnect-base-ms", "100", "--reconnect-cap-ms", "800", "--reconnect-attempts", "0",
        "--tickets");
    assertThat(given.reconnectBaseMs()).isEqualTo(100);
    assertThat(given.reconnectCapMs()).isEqualTo(800);
    assertThat(given.reconnectAttempts()).isZero();
    assertThat(given.tickets()).isTrue();
    assertThat(given.toJson().getInteger("reconnectAttempts")).isZero();
    assertThatThrownBy(() -> Cli.parse("fanout", "--reconnect-base-ms", "900", "--reconnect-cap-ms", "800"))
        .hasMessageContaining("--reconnect-cap-ms");
    assertThatThrownBy(() -> Cli.parse("idle", "--tickets")).hasMessageContaining("unknown option for idle: --tickets");
  }

  @Test
  void defaults() {
    Options o = Cli.parse("fanout");
    assertThat(o.url()).isEqualTo(URI.create("http://127.0.0.1:8080"));
    assertThat(o.rates()).containsExactly(1.0);
    assertThat(o.durationSeconds()).isEqualTo(30);
    assertThat(o.warmupSeconds()).isEqualTo(5);
    assertThat(o.drainSeconds()).isEqualTo(5);
    assertThat(o.serverPid()).isNull();
    assertThat(o.out()).isNull();
    assertThat(o.userPrefix()).matches("lt[a-z0-9]+");
    assertThat(o.eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void transportDefaultsToTheRawWebSocketAndIsChecked() {
    assertThat(Cli.parse("fanout").transport()).isEqualTo(SocketTransport.WEBSOCKET);
    assertThat(Cli.parse("fanout", "--transport", "sockjs").transport()).isEqualTo(SocketTransport.SOCKJS);
    assertThat(Cli.parse("idle", "--transport=sockjs").toJson().getString("transport")).isEqualTo("sockjs");
    assertThatThrownBy(() -> Cli.parse("fanout", "--transport", "xhr")).hasMessageContaining("--transport must be websocket or sockjs");
    assertThatThrownBy(() -> Cli.parse("relay", "--transport", "sockjs")).hasMessageContaining("unknown option for relay");
  }

  @Test
  void stepsMakeAStepSeries() {
    Options o = Cli.parse("direct", "--pairs", "50", "--steps", "1, 2,5,10");
    assertThat(o.rates()).containsExactly(1.0, 2.0, 5.0, 10.0);
    assertThat(o.isStepSeries()).isTrue();
    assertThat(o.userCount()).isEqualTo(100);
  }

  @Test
  void socketScenarios() {
    Options storm = Cli.parse("connect-storm", "--connections", "5000", "--concurrency", "250");
    assertThat(storm.connections()).isEqualTo(5000);
    assertThat(storm.concurrency()).isEqualTo(250);
    assertThat(storm.passes()).as("one pass unless asked").isEqualTo(1);
    assertThat(Cli.parse("connect-storm", "--passes", "2").toJson().getInteger("passes")).isEqualTo(2);
    assertThatThrownBy(() -> Cli.parse("connect-storm", "--passes", "0")).hasMessageContaining("--passes must be positive");
    assertThatThrownBy(() -> Cli.parse("idle", "--passes", "2")).hasMessageContaining("unknown option for idle: --passes");
    Options idle = Cli.parse("idle", "--connections", "9000", "--processes", "2", "--room-size", "20", "--hold", "30");
    assertThat(idle.processes()).isEqualTo(2);
    assertThat(idle.roomSize()).isEqualTo(20);
    assertThat(idle.holdSeconds()).isEqualTo(30);
    assertThat(idle.worker()).isFalse();
    assertThat(Cli.parse("idle", "--worker").worker()).isTrue();
    assertThat(Cli.parse("relay", "--port", "18090").port()).isEqualTo(18090);
    assertThat(idle.forceGc()).isFalse();
    Options gc = Cli.parse("idle", "--server-pid", "42", "--force-gc", "--label", "idle on platform, abc");
    assertThat(gc.forceGc()).isTrue();
    assertThat(gc.toJson().getBoolean("forceGc")).isTrue();
    assertThat(gc.toJson().getString("label")).isEqualTo("idle on platform, abc");
  }

  @Test
  void pushScenarios() {
    Options offline = Cli.parse("push-offline", "--rooms", "25", "--members", "20", "--room-rate", "1", "--push-port", "18099",
        "--push-delay-ms", "1000", "--warmup", "10", "--duration", "20", "--drain", "8");
    assertThat(offline.userCount()).as("a sender and 20 offline members per room").isEqualTo(25 * 21);
    assertThat(offline.roomRate()).isEqualTo(1.0);
    assertThat(offline.pushPort()).isEqualTo(18099);
    assertThat(offline.toJson().getLong("pushDelayMs")).isEqualTo(1000);
    assertThat(offline.toJson().getInteger("offlineMembersPerRoom")).isEqualTo(20);

    Options online = Cli.parse("push-online", "--rooms", "5", "--room-sizes", "100, 10", "--room-rate", "0.4");
    assertThat(online.roomSizes()).containsExactly(100, 10);
    assertThat(online.userCount()).as("the largest rooms' members, reused by the smaller ones").isEqualTo(500);
    assertThat(online.cpuSlices()).isEqualTo(6);
    assertThat(online.toJson().getJsonArray("roomSizes").getList()).containsExactly(100, 10);

    assertThatThrownBy(() -> Cli.parse("push-online", "--room-sizes", "100,1")).isInstanceOf(Cli.UsageException.class);
    assertThatThrownBy(() -> Cli.parse("push-online", "--members", "10")).isInstanceOf(Cli.UsageException.class);
    assertThatThrownBy(() -> Cli.parse("fanout", "--room-rate", "1")).isInstanceOf(Cli.UsageException.class);
    assertThatThrownBy(() -> Cli.parse("push-offline", "--push-port", "70000")).isInstanceOf(Cli.UsageException.class);
  }

  @Test
  void refusesWhatCannotBeRun() {
    List<String[]> bad = List.of(
        new String[] {},
        new String[] {"flood"},
        new String[] {"fanout", "--romos", "3"},
        new String[] {"fanout", "--pairs", "3"},
        new String[] {"relay", "--url", "http://x:1"},
        new String[] {"fanout", "--rooms"},
        new String[] {"fanout", "--rooms", "0"},
        new String[] {"fanout", "--rooms", "two"},
        new String[] {"fanout", "--rate", "-1"},
        new String[] {"fanout", "--steps", "1,0"},
        new String[] {"fanout", "--steps", "1,,2"},
        new String[] {"fanout", "--duration", "NaN"},
        new String[] {"fanout", "--rooms", "2", "--rooms", "3"},
        new String[] {"fanout", "--url", "ws://host:1"},
        new String[] {"fanout", "--user-prefix", "Upper"},
        new String[] {"fanout", "stray"},
        new String[] {"idle", "--worker=yes"},
        new String[] {"idle", "--connections", "2", "--processes", "3"},
        new String[] {"relay", "--port", "70000"},
        new String[] {"idle", "--force-gc"},
        new String[] {"fanout", "--force-gc", "--server-pid", "42"},
        new String[] {"relay", "--label", "x"});
    for (String[] args : bad) {
      assertThatThrownBy(() -> Cli.parse(args)).as(String.join(" ", args)).isInstanceOf(Cli.UsageException.class);
    }
  }

  @Test
  void helpAndUsage() {
    assertThatThrownBy(() -> Cli.parse("--help")).isInstanceOf(Cli.HelpRequested.class);
    assertThatThrownBy(() -> Cli.parse("fanout", "-h")).isInstanceOf(Cli.HelpRequested.class);
    assertThat(Cli.usage()).contains("fanout", "direct", "connect-storm", "idle", "relay", "--steps", "--server-pid");
  }

  @Test
  void parametersAreRecorded() {
    Options o = Cli.parse("fanout", "--rooms", "2", "--members", "3", "--steps", "1,2", "--server-pid", "7");
    assertThat(o.toJson().getInteger("rooms")).isEqualTo(2);
    assertThat(o.toJson().getInteger("members")).isEqualTo(3);
    assertThat(o.toJson().getJsonArray("ratePerSender").getList()).containsExactly(1.0, 2.0);
    assertThat(o.toJson().getLong("serverPid")).isEqualTo(7);
  }
}
