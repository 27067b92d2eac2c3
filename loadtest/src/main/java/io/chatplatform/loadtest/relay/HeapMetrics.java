package io.chatplatform.loadtest.relay;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;

/**
 * The relay's {@code /metrics}: the JVM memory pools in the Prometheus names the platform uses
 * (Micrometer's {@code jvm_memory_used_bytes{area,id}}), so {@link io.chatplatform.loadtest.generator.ServerProbe} reads both alike.
 * Computed from the MemoryPool MXBeans: a metrics library would be more than the relay itself.
 */
final class HeapMetrics {
  private HeapMetrics() {}

  static String render() {
    StringBuilder text = new StringBuilder()
        .append("# HELP jvm_memory_used_bytes The amount of used memory\n")
        .append("# TYPE jvm_memory_used_bytes gauge\n");
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String area = pool.getType() == MemoryType.HEAP ? "heap" : "nonheap";
      text.append(String.format(Locale.ROOT, "jvm_memory_used_bytes{area=\"%s\",id=\"%s\"} %d%n", area,
          pool.getName().replace("\\", "\\\\").replace("\"", "\\\""), pool.getUsage().getUsed()));
    }
    return text.toString();
  }
}
