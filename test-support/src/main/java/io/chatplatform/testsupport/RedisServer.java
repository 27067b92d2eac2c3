package io.chatplatform.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, for tests: nothing saved to disk, gone
 * when closed. {@code ./bin/test} installs Redis when it is missing.
 */
public final class RedisServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private RedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts on a port that was free a moment ago; if another process took it meanwhile, Redis
   * exits at once and another port is tried.
   */
  public static RedisServer start() throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return startOnce();
      } catch (PortTaken e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static final class PortTaken extends Exception {
    PortTaken(String message) {
      super(message);
    }
  }

  private static RedisServer startOnce() throws Exception {
    String binary = new File("/usr/bin/redis-server").canExecute() ? "/usr/bin/redis-server" : "redis-server";
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Process process;
    try {
      process =
          new ProcessBuilder(
                  binary, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("redis-server is not installed: run ./bin/test, which installs it", e);
    }
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                  }
                }
                ready.completeExceptionally(new PortTaken("redis-server exited before it was ready"));
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
            },
            "redis-server-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      process.destroyForcibly();
      throw e.getCause() instanceof PortTaken taken ? taken : e;
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
    return new RedisServer(process, port);
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
