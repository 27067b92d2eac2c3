package io.chatplatform.loadtest;

import io.chatplatform.loadtest.generator.LoadGenerator;
import io.chatplatform.loadtest.generator.SocketTransport;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses {@code <scenario> [--name value | --name=value | --flag]…} into {@link Options}. Every
 * option is declared once below with its default, its help text and the scenarios it applies
 * to; an option given to a scenario it does not apply to is an error rather than silently
 * ignored, so a typo never runs a different test than the one asked for.
 */
public final class Cli {
  /** A command line that cannot be run; its message says why. */
  static final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
      super(message);
    }
  }

  /** {@code --help}: the caller prints {@link #usage()}. */
  static final class HelpRequested extends RuntimeException {
    HelpRequested() {
      super("help", null, false, false);
    }
  }

  private record Spec(String name, String defaultValue, String help, Set<Scenario> scenarios, boolean flag) {}

  private static final Set<Scenario> MESSAGING = EnumSet.of(Scenario.FANOUT, Scenario.DIRECT);
  private static final Set<Scenario> PUSH = EnumSet.of(Scenario.PUSH_OFFLINE, Scenario.PUSH_ONLINE);
  /** Scenarios with a warmup, a measured window and a drain. */
  private static final Set<Scenario> TIMED = EnumSet.of(Scenario.FANOUT, Scenario.DIRECT, Scenario.PUSH_OFFLINE, Scenario.PUSH_ONLINE);
  private static final Set<Scenario> SOCKETS = EnumSet.of(Scenario.CONNECT_STORM, Scenario.IDLE);
  private static final Set<Scenario> CLIENT = EnumSet.complementOf(EnumSet.copyOf(Scenario.SERVERS));
  /** Scenarios whose users open sockets. */
  private static final Set<Scenario> SOCKET_USERS = EnumSet.complementOf(EnumSet.of(Scenario.RELAY, Scenario.LEAN_RELAY, Scenario.FILES));
  private static final int MAX_USERNAME_PREFIX = 20;

  private static final Map<String, Spec> SPECS = new LinkedHashMap<>();

  static {
    option("url", "http://127.0.0.1:8080", "server base URL (REST and socket)", CLIENT);
    option("ops-url", null, "the server's operations endpoints (/health/ready, /metrics): the platform's OPS_HTTP_PORT, "
        + "e.g. http://127.0.0.1:9090 (default: --url, where the baseline relay serves them)", CLIENT);
    option("rooms", "10", "rooms (push-online: of each size)", EnumSet.of(Scenario.FANOUT, Scenario.PUSH_OFFLINE, Scenario.PUSH_ONLINE));
    option("members", "10", "members per room: fanout, each with its own socket; push-offline, offline (no socket) besides "
        + "the room's sender, each with one Web Push device", EnumSet.of(Scenario.FANOUT, Scenario.PUSH_OFFLINE));
    option("pairs", "100", "pairs of users, each pair in its direct room", EnumSet.of(Scenario.DIRECT));
    option("rate", "1", "messages/s each member sends (open loop)", MESSAGING);
    option("steps", null, "comma-separated per-member rates: one measured run each, charted", MESSAGING);
    option("duration", "30", "measured seconds per step", TIMED);
    option("warmup", "5", "seconds of sending before each measured window (excluded from figures)", TIMED);
    option("drain", "5", "seconds to wait after sending stops for in-flight acks and deliveries (push-offline: and pushes)", TIMED);
    option("room-rate", "0.4", "messages/s into each room, open loop (push-online: its members take turns)", PUSH);
    option("room-sizes", "100,10", "room sizes, one measured step each (same sockets, rooms of each size)",
        EnumSet.of(Scenario.PUSH_ONLINE));
    option("push-port", "8099", "port on 127.0.0.1 of the generator's Web Push service stand-in, which every device's endpoint "
        + "names (the server must allow http://127.0.0.1:<port>/ in WEBPUSH_ALLOWED_ENDPOINTS)", PUSH);
    option("push-delay-ms", "10000", "the server's PUSH_DELAY_MS, recorded with the result (the server is started with it)", PUSH);
    option("cpu-slices", "6", "slices of the measured window whose CPU per message gives the figure's spread",
        EnumSet.of(Scenario.PUSH_ONLINE));
    option("message-size", "0", "pad message text to this many characters", MESSAGING);
    option("reconnect-base-ms", "500", "a socket the server closed reconnects after a random wait in [0, min(cap, base*2^attempt)] ms",
        MESSAGING);
    option("reconnect-cap-ms", "15000", "longest wait between reconnect attempts", MESSAGING);
    option("reconnect-attempts", "10", "reconnect attempts per outage before a socket gives up (0: never reconnect)", MESSAGING);
    option("send-retries", "3", "times a send answered unavailable or internal (safe to retry, docs/protocol.md) is written again "
        + "with its clientMsgId, after a random wait in [0, min(15000, 1000*2^retry)] ms, as clients/js's outbox does (0: never)",
        MESSAGING);
    flag("tickets", "open every socket (and every reconnect) with a fresh ticket from POST /auth/ticket instead of the token",
        MESSAGING);
    option("connections", "1000", "sockets to open", SOCKETS);
    option("transport", "websocket", "how sockets connect: websocket (the raw /eventbus/websocket) or sockjs (SockJS's websocket "
        + "transport /eventbus/<server>/<session>/websocket, as browsers; the platform only, not the baseline relay)", SOCKET_USERS);
    option("passes", "1", "storms run one after the other against the same server, every socket closed in between: the "
        + "first meets the server as it is (fresh after a start), the later ones a warm server; each pass is reported",
        EnumSet.of(Scenario.CONNECT_STORM));
    option("concurrency", "100", "socket connects in flight at once", CLIENT);
    option("setup-concurrency", "32", "REST requests in flight at once while creating users and rooms", CLIENT);
    option("room-size", "10", "members per room; each user is in two rooms", EnumSet.of(Scenario.IDLE));
    option("hold", "10", "seconds to hold the sockets open before measuring", EnumSet.of(Scenario.IDLE));
    option("heap-samples", "2", "reads of the server's /metrics heap; the lowest counts", EnumSet.of(Scenario.IDLE));
    option("heap-interval", "5", "seconds between heap reads (files: between the samples taken while the concurrent uploads run)",
        EnumSet.of(Scenario.IDLE, Scenario.FILES));
    option("uploaders", "20", "users uploading (and then downloading) at once, each its own transfer", EnumSet.of(Scenario.FILES));
    option("file-size", "5242880", "bytes of each file: a PDF head and random bytes", EnumSet.of(Scenario.FILES));
    option("files", "5", "files each uploader uploads in the concurrent run (then every file is downloaded once)",
        EnumSet.of(Scenario.FILES));
    option("sequential-files", "10", "files uploaded, then downloaded, one at a time before the concurrent run "
        + "(single-transfer throughput; also warms the server up)", EnumSet.of(Scenario.FILES));
    option("processes", "1", "generator processes sharing the connections (each may open ~20,000 files)",
        EnumSet.of(Scenario.IDLE));
    option("server-pid", null, "server process id: CPU time (and RSS for idle) read from /proc", CLIENT);
    option("user-prefix", null, "username prefix (default: a fresh one per run)", CLIENT);
    option("user-offset", "0", "first user number: lets several generator processes use distinct users", CLIENT);
    option("password", "loadtest-password", "password of the generated users", CLIENT);
    option("event-loops", Integer.toString(Runtime.getRuntime().availableProcessors()),
        "generator event loops (sockets and senders are spread over them)", CLIENT);
    option("out", null, "result JSON (default loadtest/results/<scenario>-<timestamp>.json; the chart goes beside it)", CLIENT);
    flag("force-gc", "before each heap read, run jcmd <server-pid> GC.run so the heap read is the live set (needs --server-pid); idle also takes a GC.class_histogram after each",
        EnumSet.of(Scenario.IDLE, Scenario.FILES));
    option("label", null, "free text stored in the result JSON (what the run is for, the server's revision…)", CLIENT);
    flag("worker", "internal: run as a child process of --processes", EnumSet.of(Scenario.IDLE));
    option("port", "8090", "port to listen on", Scenario.SERVERS);
    flag("strict-thread-mode", "Vert.x's HttpServerOptions.setStrictThreadMode(true): each HTTP connection writes straight to "
        + "its channel instead of through a cross-thread write queue (the relay writes to a socket only from its own event loop)",
        EnumSet.of(Scenario.RELAY));
  }

  private Cli() {}

  private static void option(String name, String defaultValue, String help, Set<Scenario> scenarios) {
    SPECS.put(name, new Spec(name, defaultValue, help, scenarios, false));
  }

  private static void flag(String name, String help, Set<Scenario> scenarios) {
    SPECS.put(name, new Spec(name, null, help, scenarios, true));
  }

  public static Options parse(String... args) {
    if (args.length == 0) {
      throw new UsageException("missing scenario");
    }
    if (isHelp(args[0])) {
      throw new HelpRequested();
    }
    Scenario scenario = Scenario.byName(args[0]).orElseThrow(() -> new UsageException("unknown scenario: " + args[0]));
    Map<String, String> given = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (isHelp(arg)) {
        throw new HelpRequested();
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument: " + arg);
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Spec spec = SPECS.get(name);
      if (spec == null || !spec.scenarios().contains(scenario)) {
        throw new UsageException("unknown option for " + scenario.cliName + ": --" + name);
      }
      if (spec.flag()) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        value = "true";
      } else if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (given.put(name, value) != null) {
        throw new UsageException("--" + name + " given twice");
      }
    }
    return build(scenario, new Values(given));
  }

  private static Options build(Scenario scenario, Values v) {
    List<Double> rates = v.has("steps") ? v.rateList("steps") : List.of(v.positiveDouble("rate"));
    String prefix = v.has("user-prefix") ? v.string("user-prefix") : LoadGenerator.freshPrefix();
    if (!prefix.matches("[a-z0-9_.-]{1," + MAX_USERNAME_PREFIX + "}")) {
      throw new UsageException("--user-prefix must be 1-" + MAX_USERNAME_PREFIX + " of [a-z0-9_.-]");
    }
    Options options = new Options(
        scenario,
        v.uri("url"),
        v.uri(v.has("ops-url") ? "ops-url" : "url"),
        v.positiveInt("rooms"),
        v.positiveInt("members"),
        v.positiveInt("pairs"),
        rates,
        v.positiveDouble("duration"),
        v.nonNegativeDouble("warmup"),
        v.nonNegativeDouble("drain"),
        v.positiveInt("connections"),
        v.positiveInt("concurrency"),
        v.positiveInt("setup-concurrency"),
        v.positiveInt("room-size"),
        v.nonNegativeDouble("hold"),
        v.positiveInt("heap-samples"),
        v.nonNegativeDouble("heap-interval"),
        v.positiveInt("processes"),
        v.has("server-pid") ? (long) v.positiveInt("server-pid") : null,
        prefix,
        v.nonNegativeInt("user-offset"),
        v.string("password"),
        v.nonNegativeInt("message-size"),
        v.positiveInt("event-loops"),
        v.has("out") ? Path.of(v.string("out")) : null,
        v.has("worker"),
        v.port("port"),
        v.has("force-gc"),
        v.has("label") ? v.string("label") : null,
        v.positiveInt("reconnect-base-ms"),
        v.positiveInt("reconnect-cap-ms"),
        v.nonNegativeInt("reconnect-attempts"),
        v.nonNegativeInt("send-retries"),
        v.has("tickets"),
        v.port("push-port"),
        v.positiveDouble("room-rate"),
        v.sizeList("room-sizes"),
        v.nonNegativeInt("push-delay-ms"),
        v.positiveInt("cpu-slices"),
        v.positiveInt("uploaders"),
        v.positiveInt("file-size"),
        v.positiveInt("files"),
        v.nonNegativeInt("sequential-files"),
        v.transport("transport"),
        v.positiveInt("passes"),
        v.has("strict-thread-mode"));
    if (options.reconnectCapMs() < options.reconnectBaseMs()) {
      throw new UsageException("--reconnect-cap-ms must not be below --reconnect-base-ms");
    }
    if (options.forceGc() && options.serverPid() == null && !options.worker()) {
      throw new UsageException("--force-gc needs --server-pid (jcmd runs against that process)");
    }
    if (options.processes() > options.connections()) {
      throw new UsageException("--processes must not exceed --connections");
    }
    return options;
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h") || arg.equals("help");
  }

  static String usage() {
    StringBuilder text = new StringBuilder("""
        usage: java -jar loadtest/target/chat-loadtest.jar <scenario> [options]
          fanout         --rooms R --members M --rate <msgs/s per member> --duration <s> [--warmup <s>] [--steps a,b,c]
          direct         --pairs N --rate <msgs/s per user> --duration <s> [--steps a,b,c]
          connect-storm  --connections N [--concurrency C] [--passes P]
          idle           --connections N [--room-size S] [--processes K] [--server-pid PID]
          push-offline   --rooms R --members M --room-rate <msgs/s per room> --push-port P   (offline members, pushes to a stand-in)
          push-online    --rooms R --room-sizes 100,10 --room-rate <msgs/s per room> --push-port P   (everyone online, acknowledging)
          files          --uploaders N --file-size B --files F [--sequential-files S] [--server-pid PID [--force-gc]]
          relay          --port P [--strict-thread-mode]   (the baseline relay; also: java -cp <jar> io.chatplatform.loadtest.relay.BaselineRelay --port P)
          lean-relay     --port P   (the same relay, its sockets on Netty's own WebSocket pipeline on Vert.x's event loops)
          report         --run-dir D [--doc F] [--assets D] …   (the results section of docs/benchmarks.md; see bin/bench, report --help)
        options:
        """);
    for (Spec spec : SPECS.values()) {
      String scenarios = spec.scenarios().equals(CLIENT) ? "all but the relays"
          : String.join(", ", spec.scenarios().stream().map(s -> s.cliName).toList());
      text.append(String.format(Locale.ROOT, "  --%-18s %s [%s]%s%n", spec.name() + (spec.flag() ? "" : " <v>"), spec.help(),
          scenarios, spec.defaultValue() == null ? "" : " default " + spec.defaultValue()));
    }
    return text.toString();
  }

  /** Typed access to the given values, falling back to each option's default. */
  private record Values(Map<String, String> given) {
    boolean has(String name) {
      return given.containsKey(name);
    }

    String string(String name) {
      String value = given.getOrDefault(name, SPECS.get(name).defaultValue());
      if (value == null || value.isBlank()) {
        throw new UsageException("--" + name + " needs a value");
      }
      return value.trim();
    }

    SocketTransport transport(String name) {
      String value = string(name);
      return SocketTransport.byName(value).orElseThrow(() -> new UsageException("--" + name + " must be websocket or sockjs: " + value));
    }

    int positiveInt(String name) {
      int value = integer(name);
      if (value <= 0) {
        throw new UsageException("--" + name + " must be positive");
      }
      return value;
    }

    int nonNegativeInt(String name) {
      int value = integer(name);
      if (value < 0) {
        throw new UsageException("--" + name + " must not be negative");
      }
      return value;
    }

    int port(String name) {
      int value = nonNegativeInt(name);
      if (value > 65_535) {
        throw new UsageException("--" + name + " must be a port number");
      }
      return value;
    }

    private int integer(String name) {
      try {
        return Integer.parseInt(string(name));
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a whole number");
      }
    }

    double positiveDouble(String name) {
      double value = number(name, string(name));
      if (!(value > 0)) {
        throw new UsageException("--" + name + " must be positive");
      }
      return value;
    }

    double nonNegativeDouble(String name) {
      double value = number(name, string(name));
      if (value < 0) {
        throw new UsageException("--" + name + " must not be negative");
      }
      return value;
    }

    List<Integer> sizeList(String name) {
      List<Integer> sizes = new ArrayList<>();
      for (String part : string(name).split(",")) {
        int size;
        try {
          size = Integer.parseInt(part.trim());
        } catch (NumberFormatException e) {
          throw new UsageException("--" + name + " must be whole numbers: " + part);
        }
        if (size < 2) {
          throw new UsageException("--" + name + " sizes must be at least 2 (a sender and someone to acknowledge)");
        }
        sizes.add(size);
      }
      return List.copyOf(sizes);
    }

    List<Double> rateList(String name) {
      List<Double> rates = new ArrayList<>();
      for (String part : string(name).split(",")) {
        double rate = number(name, part.trim());
        if (!(rate > 0)) {
          throw new UsageException("--" + name + " rates must be positive");
        }
        rates.add(rate);
      }
      return List.copyOf(rates);
    }

    private static double number(String name, String text) {
      try {
        double value = Double.parseDouble(text);
        if (Double.isNaN(value) || Double.isInfinite(value)) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new UsageException("--" + name + " must be a number: " + text);
      }
    }

    URI uri(String name) {
      try {
        URI uri = URI.create(string(name));
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new IllegalArgumentException();
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new UsageException("--" + name + " must be an http:// URL with a host");
      }
    }
  }
}
