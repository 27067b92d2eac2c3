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
  void threadUseFromAnExtendedThreadDump() {
    String dump = """
        "main" #1 prio=5 os_prio=0 cpu=385.51ms elapsed=4.39s allocated=13137K defined_classes=1436 tid=0x00007fbc78018040 nid=0x235f waiting on condition  [0x00007fbc7fffe000]
        "vert.x-eventloop-thread-3" #40 prio=5 os_prio=0 cpu=12000.00ms elapsed=90.00s allocated=1500M defined_classes=10 tid=0x1 nid=0x2a01 runnable
        "GC Thread#0" os_prio=0 cpu=250.00ms elapsed=90.00s tid=0x00007fbc78040000 nid=0x2360 runnable
        	at java.lang.Thread.sleep(java.base@17.0.15/Native Method)
        """;
    var threads = ServerProbe.parseThreads(dump);
    assertThat(threads).hasSize(3);
    assertThat(threads.get("0x235f").allocatedBytes()).isEqualTo(13137L * 1024);
    assertThat(threads.get("0x235f").cpuMillis()).isEqualTo(385.51);
    assertThat(threads.get("0x2a01").allocatedBytes()).isEqualTo(1500L * 1024 * 1024);
    assertThat(threads.get("0x2a01").group()).isEqualTo("vert.x-eventloop-thread");
    assertThat(threads.get("0x2360").allocatedBytes()).isZero();
    assertThat(threads.get("0x2360").group()).isEqualTo("GC Thread");
    assertThat(ServerProbe.poolOf("AsyncGetter-4-thread-1")).isEqualTo("AsyncGetter-thread").isEqualTo(ServerProbe.poolOf("AsyncGetter-3-thread-2"));
    assertThat(ServerProbe.poolOf("MVStore background writer /tmp/tmp.x1/chat.mv.db")).isEqualTo("MVStore background writer");
    assertThat(ServerProbe.poolOf("cluster-ClusterId{value='6b0e', description='null'}-127.0.0.1:40123"))
        .isEqualTo(ServerProbe.poolOf("cluster-ClusterId{value='77aa', description='null'}-127.0.0.1:40999"));
    assertThat(ServerProbe.poolOf("C2 CompilerThread0")).isEqualTo("C2 CompilerThread");
    assertThat(ServerProbe.poolOf(ServerProbe.poolOf("AsyncGetter-4-thread-1"))).isEqualTo("AsyncGetter-thread");
  }

  @Test
  void threadUseOfThisVeryProcess() throws Exception {
    var threads = new ServerProbe(ProcessHandle.current().pid(), null).threads();
    assertThat(threads).hasValueSatisfying(t -> assertThat(t.values()).anyMatch(u -> u.name().equals("main") && u.allocatedBytes() > 0));
  }

  @Test
  void clockTicksAreKnown() {
    assertThat(ServerProbe.clockTicksPerSecond()).isPositive();
  }
}
