package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ServerProbeTest {
  @Test
  void cpuTicksAreUtimePlusStimeEvenWithAnAwkwardProcessName() {
    String stat = "4242 (java (my) app) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 3 4 20 0 40 0 100 200 300";
    assertThat(ServerProbe.parseCpuTicks(stat)).isEqualTo(1750);
  }

  @Test
  void rssComesFromVmRss() {
    String status = "Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  524288 kB\nThreads:\t40\n";
    assertThat(ServerProbe.parseRssBytes(status)).isEqualTo(OptionalLong.of(512L * 1024 * 1024));
    assertThat(ServerProbe.parseRssBytes("Name:\tx\n")).isEmpty();
  }

  @Test
  void heapIsTheSumOfTheHeapPools() {
    String metrics = """
        # HELP jvm_memory_used_bytes The amount of used memory
        # TYPE jvm_memory_used_bytes gauge
        jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
        jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3000000.0
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
        jvm_memory_used_bytes{area="heap",id="G1 Survivor Space",service="gateway"} 1000
        jvm_memory_max_bytes{area="heap",id="G1 Old Gen"} 9.9E9
        """;
    assertThat(ServerProbe.parseHeapBytes(metrics)).isEqualTo(OptionalLong.of(15_001_000));
    assertThat(ServerProbe.parseHeapBytes("# nothing\n")).isEmpty();
  }

  @Test
  void liveHeapIsTheTotalOfTheClassHistogram() {
    String histogram = """
        12345:
         num     #instances         #bytes  class name (module)
        -------------------------------------------------------
           1:         62370       40709888  [B (java.base@17.0.15)
           2:         56821        1363704  java.lang.String (java.base@17.0.15)
        Total        323189       53133392
        """;
    assertThat(ServerProbe.parseHistogramTotalBytes(histogram)).isEqualTo(OptionalLong.of(53_133_392));
    assertThat(ServerProbe.parseHistogramTotalBytes("12345:\nCould not attach\n")).isEmpty();
  }

  @Test
  void theStateLetterFollowsTheProcessName() {
    assertThat(ServerProbe.parseState("4242 (java (my) app) Z 1 4242")).isEqualTo('Z');
    assertThat(ServerProbe.parseState("7 (java) S 1 7")).isEqualTo('S');
  }

  @Test
  void ownCpuOpenFilesLimitAndJcmdAreFound() {
    assertThat(ServerProbe.ownCpuTicks()).isPresent();
    assertThat(ServerProbe.ownOpenFilesLimit()).hasValueSatisfying(soft -> assertThat(soft).matches("[0-9]+|unlimited"));
    assertThat(ServerProbe.jcmd()).endsWith("jcmd");
  }

  @Test
  void forcedGcAndAliveOnThisVeryProcess() throws Exception {
    ServerProbe probe = new ServerProbe(ProcessHandle.current().pid(), null);
    assertThat(probe.alive()).isTrue();
    assertThat(probe.forceGc()).isTrue();
    assertThat(new ServerProbe(null, null).alive()).isNull();
  }

  @Test
  void clockTicksAreKnown() {
    assertThat(ServerProbe.clockTicksPerSecond()).isPositive();
  }
}
