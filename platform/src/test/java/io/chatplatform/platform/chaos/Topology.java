package io.chatplatform.platform.chaos;

import io.chatplatform.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The chaos topology on 127.0.0.1, every part a process of its own: the embedded store on a file,
 * redis-server, two history-services, two chat-services, presence on Redis, notification-service,
 * two gateways, nginx in front. Each has fixed ports below the ephemeral range (as
 * ClusteredProcessesTest does), so a restarted process comes back where it was. Every process
 * writes to its own log in the run directory; {@link #close()} stops whatever is still running.
 */
final class Topology implements AutoCloseable {
  static final String SECRET = "chaos-cluster-secret-0123456789-abcdefgh";
  static final String[] MEMBERS = {
    "history-1", "history-2", "chat-1", "chat-2", "presence-1", "notification-1", "gateway-1", "gateway-2"};

  final Path root;
  final Path runDir;
  final int basePort;
  final List<String> jvmArgs;
  final Map<String, Proc> procs = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  Topology(Path root, Path runDir, int basePort, List<String> jvmArgs) {
    this.root = root;
    this.runDir = runDir;
    this.basePort = basePort;
    this.jvmArgs = jvmArgs;
  }

  int storePort() {
    return basePort + 1;
  }

  int redisPort() {
    return basePort + 2;
  }

  int nginxPort() {
    return basePort + 3;
  }

  int httpPort(String member) {
    return basePort + 30 + Arrays.asList(MEMBERS).indexOf(member);
  }

  /**
   * Where a member serves {@code /health/*} and {@code /metrics}: a gateway on its
   * {@code OPS_HTTP_PORT} (its {@code HTTP_PORT} is public), every other service on its {@code HTTP_PORT}.
   */
  int opsPort(String member) {
    return member.startsWith("gateway-") ? basePort + 40 + Arrays.asList(MEMBERS).indexOf(member) : httpPort(member);
  }

  /** One process of the topology: how to start it, and the one running now. */
  final class Proc {
    final String name;
    final List<String> command;
    final Map<String, String> env;
    /** Checked by {@link #ready}: {@code healthPath} answering 200 on it, or (no path) a port that must accept. */
    final int port;
    final String healthPath;
    Process process;
    int starts;

    Proc(String name, List<String> command, Map<String, String> env, int port, String healthPath) {
      this.name = name;
      this.command = command;
      this.env = env;
      this.port = port;
      this.healthPath = healthPath;
    }

    void start() throws IOException {
      Path log = runDir.resolve(name + ".log");
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      starts++;
      Files.writeString(log, "---- start " + starts + " at " + java.time.Instant.now() + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
    }

    boolean alive() {
      return process != null && process.isAlive();
    }

    /** SIGKILL, and wait until it is gone. */
    void kill9() throws InterruptedException {
      if (process != null) {
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
      }
    }

    /** SIGTERM, waits up to 20 s for a clean exit, then SIGKILL. */
    void stop() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }

    boolean ready() {
      if (!alive()) {
        return false;
      }
      return healthPath != null ? httpOk(port, healthPath) : name.equals("redis") ? redisPing(port) : accepts(port);
    }
  }

  /** Creates every process's description; starts nothing. */
  void define() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> members = new ArrayList<>();
    for (int i = 0; i < MEMBERS.length; i++) {
      members.add("127.0.0.1:" + (basePort + 10 + i));
    }
    Path storeDir = runDir.resolve("store-data");
    Path redisDir = runDir.resolve("redis-data");
    Files.createDirectories(storeDir);
    Files.createDirectories(redisDir);

    List<String> store = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar",
        root.resolve("embedded-store/target/chat-embedded-store.jar").toString()));
    add(new Proc("store", store, Map.of("STORE_PORT", String.valueOf(storePort()), "DATA_DIR", storeDir.toString()),
        storePort(), null));
    // An empty Redis at every start (no RDB, no AOF): a restart loses its data, as a crashed cache node does.
    add(new Proc("redis", List.of("redis-server", "--port", String.valueOf(redisPort()), "--bind", "127.0.0.1",
        "--dir", redisDir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
        "--logfile", ""), Map.of(), redisPort(), null));

    for (int i = 0; i < MEMBERS.length; i++) {
      String name = MEMBERS[i];
      String service = switch (name.substring(0, name.indexOf('-'))) {
        case "history" -> "history-service";
        case "chat" -> "chat-service";
        case "presence" -> "presence-service";
        case "notification" -> "notification-service";
        default -> "gateway-service";
      };
      Map<String, String> env = new LinkedHashMap<>();
      env.put("CLUSTER_NAME", "chaos");
      env.put("CLUSTER_SECRET", SECRET);
      env.put("CLUSTER_MEMBERS", String.join(",", members));
      // Every member starts at once on this one machine: gathering their joins (5 s, up to 20 s) only delays them.
      env.put("CLUSTER_JOIN_WAIT_SECONDS", "1");
      env.put("CLUSTER_HOST", "127.0.0.1");
      env.put("CLUSTER_PORT", String.valueOf(basePort + 10 + i));
      env.put("EVENTBUS_PORT", String.valueOf(basePort + 20 + i));
      env.put("HTTP_PORT", String.valueOf(basePort + 30 + i));
      env.put("HTTP_HOST", "127.0.0.1");
      // What a service keeps on disk (notification-service's VAPID key) stays in the run's folder,
      // not in the working directory, the source tree's platform/.
      env.put("DATA_DIR", runDir.resolve(name + "-data").toString());
      if (service.equals("gateway-service")) {
        env.put("OPS_HTTP_PORT", String.valueOf(opsPort(name)));
        // nginx and every driver connect from 127.0.0.1: as nginx's address it is a trusted proxy,
        // so the per-address connection cap does not stop scenario h's 5,000 sockets.
        env.put("TRUSTED_PROXIES", "127.0.0.1");
      }
      env.put("MONGO_URI", "mongodb://127.0.0.1:" + storePort());
      env.put("REDIS_URL", "redis://127.0.0.1:" + redisPort());
      env.put("JWT_SECRET", "chaos-jwt-secret-chaos-jwt-secret-0123456789");
      env.put("PASSWORD_HASH_ITERATIONS", "1000");
      // Every client of this run comes from 127.0.0.1 (through nginx, too): the per-IP and
      // per-user limits would refuse the drivers' registrations and steady senders. The
      // scenarios are about failures, not about limits.
      for (String limit : List.of("AUTH_IP", "REST_WRITES", "SEND", "SOCKET_FRAMES", "SYNC", "RECEIPTS", "PRESENCE")) {
        env.put("RATE_LIMIT_" + limit + "_BURST", "100000");
        env.put("RATE_LIMIT_" + limit + "_PER_SECOND", "10000");
      }
      List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
      command.addAll(jvmArgs);
      command.add("-jar");
      command.add(root.resolve(service + "/target/" + service + ".jar").toString());
      add(new Proc(name, command, env, opsPort(name), "/health/ready"));
    }

    Path prefix = runDir.resolve("nginx");
    Files.createDirectories(prefix.resolve("logs"));
    for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      Path dir = Files.createDirectories(prefix.resolve("tmp").resolve(t));
      // Run as root, nginx's workers are 'nobody': they must be able to write their temp files.
      dir.toFile().setWritable(true, false);
    }
    StringBuilder servers = new StringBuilder();
    StringBuilder wsServers = new StringBuilder();
    for (String g : List.of("gateway-1", "gateway-2")) {
      servers.append("server 127.0.0.1:").append(httpPort(g)).append(" max_fails=2 fail_timeout=10s; ");
      wsServers.append("server 127.0.0.1:").append(httpPort(g)).append(" max_fails=0; ");
    }
    String conf = Files.readString(root.resolve("deploy/nginx/nginx.conf"))
        .replace("@LISTEN@", "127.0.0.1:" + nginxPort())
        .replace("@WS_SERVERS@", wsServers.toString().trim())
        .replace("@SERVERS@", servers.toString().trim());
    Files.writeString(prefix.resolve("nginx.conf"), conf);
    add(new Proc("nginx", List.of(System.getProperty("chaos.nginx", "nginx"), "-p", prefix.toString(),
        "-c", prefix.resolve("nginx.conf").toString(), "-e", "logs/error.log", "-g", "daemon off;"),
        Map.of(), nginxPort(), "/eventbus/info"));

    StringBuilder description = new StringBuilder();
    procs.values().forEach(p -> description.append(p.name).append(": ").append(p.env).append(' ')
        .append(String.join(" ", p.command)).append('\n'));
    Files.writeString(runDir.resolve("topology.txt"), description.toString());
  }

  private void add(Proc proc) {
    procs.put(proc.name, proc);
  }

  Proc proc(String name) {
    return procs.get(name);
  }

  /** Starts the stores, then every service at once, then nginx; waits until each is ready. */
  void startAll(Duration timeout) throws Exception {
    proc("store").start();
    proc("redis").start();
    awaitReady(List.of("store", "redis"), timeout);
    for (String m : MEMBERS) {
      proc(m).start();
    }
    proc("nginx").start();
    awaitReady(new ArrayList<>(procs.keySet()), timeout);
  }

  /** Starts every process that is not running, and waits until all are ready. */
  List<String> ensureAllRunning(Duration timeout) throws Exception {
    List<String> started = new ArrayList<>();
    for (Proc p : procs.values()) {
      if (!p.alive()) {
        p.start();
        started.add(p.name);
      }
    }
    awaitReady(new ArrayList<>(procs.keySet()), timeout);
    return started;
  }

  /** Waits, polling, until each named process answers; fails after {@code timeout} or when one exits. */
  void awaitReady(List<String> names, Duration timeout) {
    List<String> waiting = new ArrayList<>(names);
    Await.until("ready: " + names, timeout, () -> {
      waiting.removeIf(n -> proc(n).ready());
      for (String n : waiting) {
        if (!proc(n).alive()) {
          throw new IllegalStateException(n + " exited with " + proc(n).process.exitValue() + "; see " + runDir.resolve(n + ".log"));
        }
      }
      return waiting.isEmpty();
    });
  }

  boolean httpOk(int port, String path) {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * The WebSockets a gateway holds now: Vert.x's {@code vertx_http_server_active_ws_connections}
   * from its {@code /metrics} (0 while it has none), or -1 when it does not answer.
   */
  long webSockets(String gateway) {
    return metricSum(gateway, line -> line.startsWith("vertx_http_server_active_ws_connections"));
  }

  /** A member's heap in use: {@code jvm_memory_used_bytes{area="heap"}} summed over its pools, or -1. */
  long heapBytes(String member) {
    return metricSum(member, line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""));
  }

  /** Forces a full GC in a member ({@code jcmd <pid> GC.run}); false when it could not. */
  boolean fullGc(String member) {
    Proc p = proc(member);
    if (!p.alive()) {
      return false;
    }
    try {
      Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
          String.valueOf(p.process.pid()), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
        jcmd.destroyForcibly();
        return false;
      }
      return jcmd.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The sum of a member's {@code /metrics} samples whose line matches (0 for none), or -1 when it does not answer. */
  long metricSum(String member, java.util.function.Predicate<String> line) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort(member) + "/metrics"))
          .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return -1;
      }
      double sum = 0;
      for (String sample : r.body().split("\n")) {
        if (line.test(sample)) {
          sum += Double.parseDouble(sample.substring(sample.lastIndexOf(' ') + 1));
        }
      }
      return Math.round(sum);
    } catch (IOException | RuntimeException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean redisPing(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops everything still running: nginx and the gateways first, the stores last. */
  @Override
  public void close() {
    List<Proc> order = new ArrayList<>(procs.values());
    java.util.Collections.reverse(order);
    for (Proc p : order) {
      if (p.alive()) {
        p.process.destroy();
      }
    }
    for (Proc p : order) {
      try {
        if (p.process != null && !p.process.waitFor(20, TimeUnit.SECONDS)) {
          p.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
