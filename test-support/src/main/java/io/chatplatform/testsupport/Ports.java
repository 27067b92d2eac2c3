package io.chatplatform.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for test servers. */
public final class Ports {
  private static final int LOWEST = 10_000;
  private static final int ATTEMPTS = 200;

  private Ports() {}

  /**
   * A port free now and outside the kernel's ephemeral range, for a server a test stops and starts
   * again on the same port. A port the kernel picked (bind to 0) is in that range, so while its
   * server is down any outgoing connection (the restarting platform's own MongoDB clients, say)
   * can take it as its local port, and the restart fails with "Address already in use".
   */
  public static int outsideEphemeralRange() {
    int[] ephemeral = ephemeralRange();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, 65_536);
      if (port >= ephemeral[0] && port <= ephemeral[1]) {
        continue;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // another server has it: try the next
      }
    }
    throw new IllegalStateException("no free port outside the ephemeral range " + ephemeral[0] + "-" + ephemeral[1]);
  }

  /** {@code /proc/sys/net/ipv4/ip_local_port_range}, or Linux's default when it cannot be read. */
  static int[] ephemeralRange() {
    try {
      String[] bounds = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(bounds[0]), Integer.parseInt(bounds[1])};
    } catch (IOException | RuntimeException unreadable) {
      return new int[] {32_768, 60_999};
    }
  }
}
