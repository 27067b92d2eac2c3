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
 * when closed. {@code ./bin/test} installs Redis when it is missing. A test of an outage can
 * {@link #stop} and {@link #restart} it (on the same port, empty, as a Redis without persistence
 * comes back), or {@link #freeze} and {@link #thaw} it (a hung Redis: connections open, no answers).
 */
public final class RedisServer implements AutoCloseable {
  private volatile Process process;
  private volatile boolean frozen;
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
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    return new RedisServer(launch(port), port);
  }

  private static Process launch(int port) throws Exception {
    String binary = new File("/usr/bin/redis-server").canExecute() ? "/usr/bin/redis-server" : "redis-server";
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
    return process;
  }

  /** Stops the server (its data is gone: nothing is saved); {@link #restart} brings it back. */
  public void stop() throws InterruptedException {
    Process running = process;
    running.destroy();
    if (!running.waitFor(10, TimeUnit.SECONDS)) {
      running.destroyForcibly().waitFor();
    }
  }

  /** Starts the server again on the same port, empty; stops it first if it still runs. */
  public void restart() throws Exception {
    if (process.isAlive()) {
      stop();
    }
    process = launch(port);
  }

  /** Suspends the server ({@code SIGSTOP}): connections stay open, commands get no answer. */
  public void freeze() throws Exception {
    signal("-STOP");
    frozen = true;
  }

  /** Resumes a {@link #freeze frozen} server ({@code SIGCONT}). */
  public void thaw() throws Exception {
    signal("-CONT");
    frozen = false;
  }

  private void signal(String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " of redis-server failed");
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (frozen) {
      process.destroyForcibly().waitFor(); // a frozen server would not act on a polite stop
    } else {
      stop();
    }
  }
}
