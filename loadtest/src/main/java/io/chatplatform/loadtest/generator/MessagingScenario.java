package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.chatplatform.loadtest.Scenario;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fanout} and {@code direct}: users in rooms, one socket each, every member sending
 * open-loop at a fixed rate to its room; each step of {@code --steps} is one measured run on the
 * same users, rooms and sockets.
 *
 * <p>Per step: warmup, measured window, drain. The schedule spans warmup and measured window
 * without a break; a message is measured when its intended send time is in the window, and its
 * acks and deliveries count even when they arrive during the drain.
 */
final class MessagingScenario {
  private static final Logger LOG = LoggerFactory.getLogger(MessagingScenario.class);
  /** Lead time so every lane starts its schedule at the same instant. */
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long DRAIN_POLL_MS = 50;
  /** Slack beyond the schedule before a lane that has not finished sending counts as stuck. */
  private static final Duration SEND_SLACK = Duration.ofSeconds(120);
  /** Rounds of connecting again the sockets that failed to connect, before giving up. */
  private static final int CONNECT_RETRIES = 2;
  /**
   * How long before the measured window the server's threads are read: jcmd (a JVM of its own,
   * then a safepoint in the server) took 0.3-0.4 s on an idle 2-core machine, longer under load.
   */
  private static final long THREAD_READING_LEAD_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Harness harness;
  private final Options options;
  private volatile StepRun current;
  /**
   * Sockets gone for good since they connected: closed by the server (or broken) when they do not
   * reconnect, out of reconnect attempts when they do.
   */
  private final AtomicInteger closedByServer = new AtomicInteger();
  /** Reconnects outside the measured steps (between them, or while draining). */
  private final RecoveryStats recoveryOutsideSteps = new RecoveryStats();
  private String stoppedEarly;

  /** One member sending to one of its rooms. */
  private record Sender(ClientConnection connection, String roomId, int recipients) {}

  /** The server's threads at one instant, and how many of the step's messages had been acknowledged (stored) by then. */
  private record ThreadReading(ServerSnapshot threads, long acks) {
    static ThreadReading take(ServerProbe probe, StepRun step) throws InterruptedException {
      ServerSnapshot threads = ServerSnapshot.threadsOnly(probe);
      return new ThreadReading(threads, step.allAcks.sum());
    }

    /**
     * What the threads did until a later reading, per message stored (acknowledged) in between;
     * null without thread readings (no pid, or jcmd failed).
     */
    JsonObject until(ThreadReading later) {
      JsonObject growth = threads.threadGrowth(later.threads);
      if (growth == null) {
        return null;
      }
      long messages = later.acks - acks;
      return ServerSnapshot.perMessage(growth, messages)
          .put("windowSeconds", StepResult.round(threads.secondsUntil(later.threads)))
          .put("messages", messages);
    }
  }

  MessagingScenario(Harness harness) {
    this.harness = harness;
    this.options = harness.options;
  }

  RunResult run() throws Exception {
    harness.awaitServerReady();
    List<Topology.RoomPlan> plans = options.scenario() == Scenario.DIRECT
        ? Topology.pairs(options.pairs())
        : Topology.groups(options.rooms(), options.members());
    List<TestUser> users = harness.createUsers(options.userCount());
    List<Topology.Room> rooms = harness.createRooms(plans, users);
    Harness.ConnectOutcome connecting = harness.connect(users, i -> new Listener());
    int reconnected = 0;
    for (int attempt = 0; attempt < CONNECT_RETRIES && connecting.failed() > 0; attempt++) {
      // Connecting is set-up here, not what is measured: a socket the server refused once is
      // opened again, as a client would, and the refusal stays in the errors.
      int before = connecting.failed();
      connecting = harness.reconnectFailed(connecting, users, i -> new Listener());
      reconnected += before - connecting.failed();
    }
    Harness.ConnectOutcome outcome = connecting;
    makeResilient(outcome.connections(), rooms);
    // Sockets closed while connecting (and connected again) are not the series' concern.
    closedByServer.set(0);
    JsonObject setup = new JsonObject().put("users", users.size()).put("rooms", rooms.size())
        .put("connected", outcome.connected()).put("connectFailed", outcome.failed())
        .put("connectSeconds", outcome.seconds()).put("reconnected", reconnected).put("connectLatencyMs", LatencyRecorder.Summary.of(outcome.latency()).toJson());
    List<StepResult> steps = new ArrayList<>();
    try {
      if (outcome.failed() > 0) {
        throw new IllegalStateException(outcome.failed() + " sockets failed to connect: " + harness.errors.snapshot());
      }
      Map<String, List<Integer>> recipients = new HashMap<>();
      List<Sender> senders = new ArrayList<>();
      for (Topology.Room room : rooms) {
        recipients.put(room.roomId(), room.members());
        room.members().forEach(m -> senders.add(new Sender(outcome.connections().get(m), room.roomId(), room.members().size())));
      }
      try (ProgressReporter progress = progress()) {
        for (int i = 0; i < options.rates().size(); i++) {
          if (closedByServer.get() > 0) {
            // A later step would owe deliveries to sockets that are gone: its figures would be loss
            // the server did not cause in that step. Say so and stop instead.
            stoppedEarly = closedByServer.get() + " of " + outcome.connected() + " sockets closed by the server"
                + (options.reconnectAttempts() > 0 ? " and out of reconnect attempts" : "") + " (errors: "
                + closeKinds(steps) + "); steps from " + (i + 1) + " of " + options.rates().size() + " not run";
            LOG.warn("stopping the series: {}", stoppedEarly);
            break;
          }
          progress.label("step " + (i + 1) + "/" + options.rates().size() + " @ " + options.rates().get(i) + "/s  ");
          steps.add(runStep(i, options.rates().get(i), senders, new DeliveryLedger(recipients, users.size())));
        }
      }
    } finally {
      current = null;
      harness.closeAll(outcome.connections());
    }
    JsonObject figures = new JsonObject();
    if (stoppedEarly != null) {
      figures.put("stoppedEarly", stoppedEarly);
    }
    RecoveryStats.Summary outside = recoveryOutsideSteps.summary();
    if (!outside.isEmpty()) {
      figures.put("recoveryOutsideSteps", outside.toJson());
    }
    return new RunResult(options, setup, steps, figures, harness.errors.snapshot());
  }

  /**
   * Every socket reconnects after a close (unless {@code --reconnect-attempts 0}) and syncs its
   * rooms then; with {@code --tickets} every attempt gets a fresh ticket.
   */
  private void makeResilient(List<ClientConnection> connections, List<Topology.Room> rooms) throws Exception {
    Map<Integer, List<String>> roomsOf = new HashMap<>();
    rooms.forEach(r -> r.members().forEach(m -> roomsOf.computeIfAbsent(m, k -> new ArrayList<>()).add(r.roomId())));
    List<Future<Void>> done = new ArrayList<>();
    for (ClientConnection c : connections) {
      if (c == null) {
        continue;
      }
      Backoff backoff = options.reconnectAttempts() == 0 ? null : new Backoff(options.reconnectBaseMs(), options.reconnectCapMs(),
          options.reconnectAttempts(), ThreadLocalRandom.current());
      List<String> own = roomsOf.getOrDefault(c.id, List.of());
      done.add(c.lane.call(() -> {
        c.resilient(backoff, options.tickets() ? harness::ticketAuth : harness::tokenAuth, own, options.sendRetries());
        return Future.<Void>succeededFuture();
      }));
    }
    Await.result(Future.all(done), Duration.ofSeconds(60));
  }

  /** The close.* error kinds seen so far, in the steps and outside them. */
  private String closeKinds(List<StepResult> steps) {
    Map<String, Long> kinds = new TreeMap<>();
    BiConsumer<String, Long> addCloses = (k, n) -> {
      if (k.startsWith("close.")) {
        kinds.merge(k, n, Long::sum);
      }
    };
    steps.forEach(s -> s.errors().forEach(addCloses));
    harness.errors.snapshot().forEach(addCloses);
    return kinds.toString();
  }

  private ProgressReporter progress() {
    return new ProgressReporter()
        .counter("sent", () -> step(s -> s.sent.sum()))
        .counter("acked", () -> step(s -> s.allAcks.sum()))
        .counter("delivered", () -> step(s -> s.allDeliveries.sum()))
        .counter("errors", () -> step(s -> s.errors.total()) + harness.errors.total())
        .start();
  }

  private long step(ToLongFunction<StepRun> counter) {
    StepRun step = current;
    return step == null ? 0 : counter.applyAsLong(step);
  }

  private StepResult runStep(int index, double rate, List<Sender> senders, DeliveryLedger ledger) throws Exception {
    StepRun step = new StepRun(index, rate, ledger);
    current = step;
    long period = OpenLoopScheduler.periodNanos(rate);
    long start = System.nanoTime() + START_DELAY_NANOS;
    long measureStart = start + seconds(options.warmupSeconds());
    long stop = measureStart + seconds(options.durationSeconds());
    LOG.info("step {}: {} senders at {} msg/s each, warmup {} s, measuring {} s", index + 1, senders.size(), rate,
        options.warmupSeconds(), options.durationSeconds());

    Map<Lane, List<Integer>> byLane = new HashMap<>();
    for (int k = 0; k < senders.size(); k++) {
      byLane.computeIfAbsent(senders.get(k).connection().lane, l -> new ArrayList<>()).add(k);
    }
    List<Future<Void>> lanesDone = new ArrayList<>();
    byLane.forEach((lane, indices) -> lanesDone.add(lane.call(() -> {
      OpenLoopScheduler<Sender> scheduler = new OpenLoopScheduler<>(stop);
      for (int k : indices) {
        scheduler.add(senders.get(k), start + OpenLoopScheduler.phaseNanos(k, senders.size(), period), period);
      }
      return OpenLoopDriver.run(lane, scheduler, (sender, intended) -> send(step, sender, intended, measureStart));
    })));

    // The server's threads are read before the window and after its drain rather than at its edges:
    // each reading runs jcmd, which would compete with the measured messages for this machine's
    // cores. What the threads did in between is divided by the messages stored in between, the
    // warmup's last ones (sent at the same rate) included.
    Await.until(measureStart - THREAD_READING_LEAD_NANOS);
    ThreadReading threadsBefore = ThreadReading.take(harness.probe, step);
    Await.until(measureStart);
    OptionalLong cpuStart = harness.probe.cpuTicks();
    OptionalLong ownCpuStart = ServerProbe.ownCpuTicks();
    long windowStart = System.nanoTime();
    Await.result(Future.all(lanesDone), Duration.ofNanos(stop - System.nanoTime()).plus(SEND_SLACK));
    long drainDeadline = System.nanoTime() + seconds(options.drainSeconds());
    while (!step.isSettled() && System.nanoTime() < drainDeadline) {
      TimeUnit.MILLISECONDS.sleep(DRAIN_POLL_MS);
    }
    OptionalLong cpuEnd = harness.probe.cpuTicks();
    OptionalLong ownCpuEnd = ServerProbe.ownCpuTicks();
    double cpuWindow = (System.nanoTime() - windowStart) / 1e9;
    ThreadReading threadsAfter = ThreadReading.take(harness.probe, step);
    StepResult result = step.result(options.durationSeconds(), harness.probe.usage(cpuStart, cpuEnd, cpuWindow),
        harness.probe.usage(ownCpuStart, ownCpuEnd, cpuWindow), threadsBefore.until(threadsAfter));
    LOG.info("step {} done: {} sent, {} of {} deliveries, {} lost, {} duplicated", index + 1, result.sent(),
        result.deliveries().received(), result.deliveries().expected(), result.deliveries().lost(), result.deliveries().duplicated());
    return result;
  }

  /** On the sender's lane. */
  private void send(StepRun step, Sender sender, long intendedNanos, long measureStart) {
    ClientConnection c = sender.connection();
    boolean measured = intendedNanos >= measureStart;
    String text = new MessageMarker(harness.runTag, step.index, measured, intendedNanos).format(options.messageSize());
    String clientMsgId = harness.runTag + "." + step.index + "." + c.id + "." + c.nextMessageNumber();
    step.onSent(measured, intendedNanos, System.nanoTime(), sender.recipients());
    c.send(sender.roomId(), clientMsgId, text, new PendingSend(sender.roomId(), intendedNanos, measured, step));
  }

  private static long seconds(double seconds) {
    return Math.round(seconds * 1e9);
  }

  /** Routes each socket's events to the step in progress. */
  private final class Listener implements ConnectionListener {
    @Override
    public void onAck(ClientConnection connection, PendingSend send, JsonObject message, long nowNanos) {
      send.step().onAck(send, message, nowNanos);
      if (message != null) {
        // The reply carries the stored message: the sender's socket holds it from now on.
        onSyncedMessage(connection, message, nowNanos);
      }
    }

    @Override
    public void onSyncedMessage(ClientConnection connection, JsonObject message, long nowNanos) {
      try {
        onMessage(connection, message, nowNanos);
      } catch (ClassCastException e) {
        onError("delivery.malformed");
      }
    }

    @Override
    public void onRecovered(ClientConnection connection, ClientConnection.Recovery recovery) {
      StepRun step = current;
      (step == null ? recoveryOutsideSteps : step.recovery).onRecovered(recovery);
    }

    @Override
    public void onGaveUp(ClientConnection connection, int attempts) {
      closedByServer.incrementAndGet();
      StepRun step = current;
      (step == null ? recoveryOutsideSteps : step.recovery).onGaveUp(attempts);
      onError("reconnect.gave_up");
    }

    @Override
    public void onSendFailed(ClientConnection connection, PendingSend send, String code, long nowNanos) {
      send.step().onSendFailed(send, code);
    }

    @Override
    public void onSendRetried(ClientConnection connection, PendingSend send, String code, long nowNanos) {
      send.step().onSendRetried(code);
    }

    @Override
    public void onEvent(ClientConnection connection, JsonObject event, long nowNanos) {
      try {
        onInboxEvent(connection, event, nowNanos);
      } catch (ClassCastException e) {
        onError("delivery.malformed"); // a field of the wrong type
      }
    }

    private void onInboxEvent(ClientConnection connection, JsonObject event, long nowNanos) {
      if (event == null) {
        onError("delivery.malformed");
        return;
      }
      if (!"message".equals(event.getString("type"))) {
        return; // room joined/updated and the like: not part of the measurement
      }
      onMessage(connection, event.getJsonObject("message"), nowNanos);
    }

    /** A message this socket now holds, however it came (live event, sync answer, send reply). */
    private void onMessage(ClientConnection connection, JsonObject message, long nowNanos) {
      MessageMarker marker = message == null ? null : MessageMarker.parse(message.getString("text"));
      if (marker == null || !marker.runTag().equals(harness.runTag)) {
        onError("delivery.foreign");
        return;
      }
      StepRun step = current;
      if (step == null) {
        return; // late, after the last step's figures were taken
      }
      if (marker.step() != step.index) {
        step.ignoredDeliveries.increment();
        return;
      }
      Long seq = message.getLong("seq");
      String roomId = message.getString("roomId");
      if (seq == null || roomId == null) {
        step.errors.add("delivery.malformed");
        return;
      }
      step.onDelivery(connection.id, roomId, seq, message.getString("messageId"), message.getString("clientMsgId"), marker, nowNanos);
    }

    @Override
    public void onError(String kind) {
      if (kind.startsWith("close.") && options.reconnectAttempts() == 0) {
        closedByServer.incrementAndGet();
      }
      StepRun step = current;
      (step == null ? harness.errors : step.errors).add(kind);
    }
  }
}
