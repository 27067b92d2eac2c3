package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every scenario needs: the Vert.x instance and its lanes, the REST and WebSocket clients,
 * the server probe, and the set-up steps (users, rooms, sockets). Owns them and closes them.
 */
final class Harness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Harness.class);
  /** Vert.x's default is 50 per server: far too few for a load generator. */
  private static final int MAX_SOCKETS = 1_000_000;
  /**
   * The largest server message (and WebSocket frame) taken: well above the gateway's largest
   * reply ({@code SOCKET_WRITE_QUEUE_MAX_BYTES}, 512 KiB; a {@code chat.sync} answer is at most
   * {@code SYNC_MAX_REPLY_BYTES}, 256 KiB) and its frames (128 KiB), where Vert.x's client stops
   * at 256 KiB and 64 KiB.
   */
  private static final int MAX_SERVER_MESSAGE_BYTES = 4 * 1024 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 30_000;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SETUP_TIMEOUT = Duration.ofHours(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
  /** Files a process needs besides its sockets: jars, epoll, pipes, logs. */
  private static final int FILE_HEADROOM = 200;

  final Options options;
  final Vertx vertx;
  final List<Lane> lanes;
  final Endpoint endpoint;
  final ChatApi api;
  /** The server's operations endpoints (readiness, metrics): {@code --ops-url}. */
  private final ChatApi operations;
  final ServerProbe probe;
  final WebSocketClient sockets;
  /** Errors outside a measured step: set-up, connects, closes between steps. */
  final ErrorCounter errors = new ErrorCounter();
  /** Sockets opened so far (for progress lines). */
  final LongAdder socketsOpened = new LongAdder();
  /** Tells this run's messages from any other's. */
  final String runTag = LoadGenerator.freshPrefix();

  private Harness(Options options, Vertx vertx, List<Lane> lanes) {
    this.options = options;
    this.vertx = vertx;
    this.lanes = lanes;
    this.endpoint = Endpoint.of(options.url());
    this.api = new ChatApi(vertx, endpoint, errors);
    this.operations = new ChatApi(vertx, Endpoint.of(options.opsUrl()), errors);
    this.probe = new ServerProbe(options.serverPid(), operations);
    this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(MAX_SOCKETS)
        .setConnectTimeout(CONNECT_TIMEOUT_MS).setTcpNoDelay(true)
        .setMaxMessageSize(MAX_SERVER_MESSAGE_BYTES).setMaxFrameSize(MAX_SERVER_MESSAGE_BYTES));
  }

  static Harness start(Options options) throws Exception {
    // The generator always prefers the native transport, whatever the server under test runs on,
    // so that switching the server's NATIVE_TRANSPORT changes only the server.
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setPreferNativeTransport(true));
    try {
      List<Lane> lanes = Await.result(Lane.deploy(vertx, options.eventLoops()), Duration.ofSeconds(30));
      return new Harness(options, vertx, lanes);
    } catch (Exception e) {
      vertx.close().onFailure(x -> LOG.warn("Vert.x did not close: {}", x.toString()));
      throw e;
    }
  }

  void awaitServerReady() throws Exception {
    Await.result(operations.ready(), READY_TIMEOUT);
  }

  /** Logs a warning when this process may not open as many sockets as asked. */
  static void checkFileLimit(int sockets) {
    ServerProbe.ownOpenFilesLimit().ifPresent(soft -> {
      try {
        if (!"unlimited".equals(soft) && Long.parseLong(soft) < sockets + FILE_HEADROOM) {
          LOG.warn("{} sockets asked but this process may open only {} files: use --processes or raise ulimit -n", sockets, soft);
        }
      } catch (NumberFormatException e) {
        LOG.debug("cannot read /proc/self/limits: {}", e.toString());
      }
    });
  }

  /** Registers and logs in users {@code prefix-(offset+i)}, i &lt; count. */
  List<TestUser> createUsers(int count) throws Exception {
    TestUser[] users = new TestUser[count];
    long start = System.nanoTime();
    Await.result(Throttle.run(count, options.setupConcurrency(), i ->
        api.registerAndLogin(i, options.userPrefix() + "-" + (options.userOffset() + i), options.password())
            .onSuccess(u -> users[i] = u)), SETUP_TIMEOUT);
    LOG.info("{} users ready in {} s", count, seconds(start));
    return List.of(users);
  }

  List<Topology.Room> createRooms(List<Topology.RoomPlan> plans, List<TestUser> users) throws Exception {
    Topology.Room[] rooms = new Topology.Room[plans.size()];
    long start = System.nanoTime();
    Await.result(Throttle.run(plans.size(), options.setupConcurrency(), i -> {
      Topology.RoomPlan plan = plans.get(i);
      TestUser owner = users.get(plan.members().get(0));
      List<TestUser> others = plan.members().subList(1, plan.members().size()).stream().map(users::get).toList();
      Future<String> roomId = plan.direct() ? api.createDirect(owner, others.get(0))
          : api.createRoom(owner, "lt " + options.userPrefix() + " " + plan.name(), others);
      return roomId.onSuccess(id -> rooms[i] = new Topology.Room(id, plan.members()));
    }), SETUP_TIMEOUT);
    LOG.info("{} rooms ready in {} s", plans.size(), seconds(start));
    return List.of(rooms);
  }

  /** The sockets that opened (index = user index, null where it failed) and how the connecting went. */
  record ConnectOutcome(List<ClientConnection> connections, int connected, int failed, Histogram latency, double seconds) {
    List<ClientConnection> open() {
      return connections.stream().filter(c -> c != null).toList();
    }
  }

  /**
   * Opens one socket per user, at most {@code --concurrency} connects in flight, spread over the
   * lanes. A connect counts from the moment it starts until the first {@code chat.sync} answer.
   * Failures are counted ({@code connect.<kind>}), not fatal: the caller decides.
   */
  ConnectOutcome connect(List<TestUser> users, IntFunction<ConnectionListener> listeners) throws Exception {
    checkFileLimit(users.size());
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      all.add(i);
    }
    return connect(users, all, new ClientConnection[users.size()], listeners);
  }

  /**
   * Opens the sockets that failed in {@code outcome} again (a real client reconnects), keeping
   * each user's index; the earlier failures stay counted in the errors. For set-ups only: a
   * scenario that measures connecting must not retry.
   */
  ConnectOutcome reconnectFailed(ConnectOutcome outcome, List<TestUser> users, IntFunction<ConnectionListener> listeners)
      throws Exception {
    List<Integer> failed = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      if (outcome.connections().get(i) == null) {
        failed.add(i);
      }
    }
    LOG.warn("{} sockets failed to connect ({}); connecting them again", failed.size(), errors.snapshot());
    ConnectOutcome again = connect(users, failed, outcome.connections().toArray(new ClientConnection[0]), listeners);
    LatencyRecorder latency = new LatencyRecorder();
    latency.add(outcome.latency());
    latency.add(again.latency());
    return new ConnectOutcome(again.connections(), outcome.connected() + again.connected(), again.failed(), latency.snapshot(),
        StepResult.round(outcome.seconds() + again.seconds()));
  }

  /** Connects the users at {@code indices} into {@code connections}; connected counts only these. */
  private ConnectOutcome connect(List<TestUser> users, List<Integer> indices, ClientConnection[] connections,
      IntFunction<ConnectionListener> listeners) throws Exception {
    LatencyRecorder latency = new LatencyRecorder();
    AtomicLong failed = new AtomicLong();
    long start = System.nanoTime();
    Await.result(Throttle.run(indices.size(), options.concurrency(), k -> {
      int i = indices.get(k);
      Lane lane = lanes.get(i % lanes.size());
      ClientConnection connection = new ClientConnection(i, users.get(i), lane, listeners.apply(i));
      return lane.call(() -> {
        if (options.tickets()) {
          connection.resilient(null, this::ticketAuth, List.of(), 0);
        }
        long begin = System.nanoTime();
        return connection.open(sockets, endpoint, options.transport()).onComplete(r -> {
          if (r.succeeded()) {
            latency.recordNanos(System.nanoTime() - begin);
            socketsOpened.increment();
            connections[i] = connection;
          } else {
            failed.incrementAndGet();
            errors.add("connect." + connectFailureKind(r.cause()));
            connection.abort();
          }
        });
      }).otherwiseEmpty();
    }), SETUP_TIMEOUT);
    double seconds = seconds(start);
    int connected = indices.size() - (int) failed.get();
    LOG.info("{} sockets connected ({} failed) in {} s", connected, failed.get(), seconds);
    return new ConnectOutcome(Collections.unmodifiableList(Arrays.asList(connections)),
        connected, (int) failed.get(), latency.snapshot(), seconds);
  }

  private static String connectFailureKind(Throwable e) {
    return e instanceof UpgradeRejectedException rejected ? "http_" + rejected.getStatus() : ErrorCounter.kindOf(e);
  }

  /**
   * A socket credential per connection attempt: a fresh single-use ticket, got with the user's
   * access token; when the last close said the token is no longer good (or the ticket request is
   * refused with 401), logs in again first.
   */
  Future<String> ticketAuth(ClientConnection connection, boolean relogin) {
    Future<String> token = relogin ? relogin(connection) : Future.succeededFuture(connection.accessToken);
    return token.compose(t -> api.ticket(t).recover(e -> e instanceof ChatApi.HttpFailure f && f.status == 401 && !relogin
        ? relogin(connection).compose(api::ticket) : Future.failedFuture(e)))
        .map(ticket -> "ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
  }

  /** Access-token credential that logs in again when the last close said the token is no longer good. */
  Future<String> tokenAuth(ClientConnection connection, boolean relogin) {
    Future<String> token = relogin ? relogin(connection) : Future.succeededFuture(connection.accessToken);
    return token.map(t -> "access_token=" + URLEncoder.encode(t, StandardCharsets.UTF_8));
  }

  private Future<String> relogin(ClientConnection connection) {
    return api.login(connection.user, options.password()).onSuccess(t -> connection.accessToken = t);
  }

  /** Progress lines while sockets connect: sockets opened and errors so far. */
  ProgressReporter connectProgress() {
    return new ProgressReporter().counter("connected", socketsOpened::sum).counter("errors", errors::total).start();
  }

  /** Closes the sockets from their own lanes and waits for it. */
  void closeAll(List<ClientConnection> connections) {
    List<Future<Void>> closing = new ArrayList<>();
    for (ClientConnection c : connections) {
      if (c != null) {
        closing.add(c.lane.call(c::close).otherwiseEmpty());
      }
    }
    try {
      Await.result(Future.join(closing), CLOSE_TIMEOUT);
    } catch (Exception e) {
      LOG.warn("sockets did not all close: {}", e.toString());
    }
  }

  static double seconds(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
  }

  @Override
  public void close() {
    try {
      Await.result(vertx.close(), CLOSE_TIMEOUT);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
  }
}
