package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code push-online}: what the "who gets a push" decision costs where it decides that nobody
 * does. {@code --rooms} rooms of each size of {@code --room-sizes}; every member is connected
 * (one socket each), has a Web Push device (when the server runs notification-service), and
 * answers every message of others with a {@code delivered} receipt ({@code chat.receipt}), as
 * docs/protocol.md asks of clients. Members take turns sending, {@code --room-rate} messages/s into
 * each room, open loop. One measured step per room size, on the same sockets.
 *
 * <p>Per step, over the measured window: the server's CPU (/proc) and, from {@code jcmd
 * Thread.print -e}, the bytes its threads allocated and their CPU by pool, each per message sent in
 * the window; the room batches decided and watermark lists read (the server's service request
 * counters), the pushes decided and those that reached the stand-in (both should be none). The
 * window is also cut into {@code --cpu-slices} slices whose CPU per message gives the figure's
 * spread. The cost of the push path is the difference between a run against the platform and the
 * same run against the platform without notification-service ({@code
 * EMBEDDED_NOTIFICATION_SERVICE=false}): the report pairs the two results.
 */
final class PushOnlineScenario {
  private static final Logger LOG = LoggerFactory.getLogger(PushOnlineScenario.class);
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long DRAIN_POLL_MS = 50;
  private static final Duration SEND_SLACK = Duration.ofSeconds(120);
  private static final JsonObject DELIVERED = new JsonObject().put("kind", "delivered");

  private final Harness harness;
  private final Options options;
  private volatile Step current;
  /** The members' user ids, by user index: a member does not acknowledge its own messages. */
  private List<TestUser> users;
  private final LongAdder strayPushes = new LongAdder();

  /** One member sending to one room. */
  private record Sender(ClientConnection connection, String roomId) {}

  /** What one step counts, fed from every lane. */
  private static final class Step {
    final int size;
    final LongAdder sent = new LongAdder();
    final LongAdder sentMeasured = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder ackFailed = new LongAdder();
    final LongAdder deliveries = new LongAdder();
    final LongAdder receiptsAsked = new LongAdder();
    final LongAdder receiptsAnswered = new LongAdder();
    final LongAdder receiptsFailed = new LongAdder();
    final ErrorCounter errors = new ErrorCounter();
    /** Intended send times of the measured messages, to count them per slice of the window. */
    final List<Long> measuredTimes = java.util.Collections.synchronizedList(new ArrayList<>());

    Step(int size) {
      this.size = size;
    }

    boolean settled() {
      return sentMeasured.sum() == acked.sum() + ackFailed.sum() && receiptsAsked.sum() == receiptsAnswered.sum() + receiptsFailed.sum();
    }
  }

  PushOnlineScenario(Harness harness) {
    this.harness = harness;
    this.options = harness.options;
  }

  RunResult run() throws Exception {
    harness.awaitServerReady();
    int largest = options.roomSizes().stream().mapToInt(Integer::intValue).max().orElseThrow();
    users = harness.createUsers(options.rooms() * largest);
    List<Topology.RoomPlan> plans = new ArrayList<>();
    for (int size : options.roomSizes()) {
      for (int r = 0; r < options.rooms(); r++) {
        List<Integer> members = new ArrayList<>();
        for (int j = 0; j < size; j++) {
          members.add(r * largest + j);
        }
        plans.add(new Topology.RoomPlan("push-online " + size + "." + r, members, false));
      }
    }
    List<Topology.Room> created = harness.createRooms(plans, users);
    try (PushRig rig = PushRig.start(harness, push -> strayPushes.increment())) {
      boolean notificationService = rig.vapidKey(users.get(0)).isPresent();
      if (notificationService) {
        rig.registerDevices(users);
      }
      Harness.ConnectOutcome connected = harness.connect(users, i -> new MemberListener());
      if (connected.failed() > 0) {
        throw new IllegalStateException(connected.failed() + " sockets failed to connect: " + harness.errors.snapshot());
      }
      try {
        JsonArray steps = new JsonArray();
        for (int z = 0; z < options.roomSizes().size(); z++) {
          int size = options.roomSizes().get(z);
          List<Topology.Room> ofSize = created.subList(z * options.rooms(), (z + 1) * options.rooms());
          steps.add(runStep(size, ofSize, connected.connections(), rig));
        }
        current = null;
        JsonObject figures = new JsonObject().put("notificationService", notificationService).put("pushDelayMs", options.pushDelayMs())
            .put("steps", steps).put("standInRefused", rig.standIn.refused.toJson());
        JsonObject setup = new JsonObject().put("users", users.size()).put("rooms", created.size())
            .put("devices", notificationService ? users.size() : 0).put("connected", connected.connected());
        return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
      } finally {
        current = null;
        harness.closeAll(connected.connections());
      }
    }
  }

  private JsonObject runStep(int size, List<Topology.Room> rooms, List<ClientConnection> connections, PushRig rig) throws Exception {
    Step step = new Step(size);
    current = step;
    // Each member sends every size/rate seconds; the senders are ordered member by member across
    // the rooms, so each room's messages come evenly spaced and the rooms' are staggered.
    long period = OpenLoopScheduler.periodNanos(options.roomRate() / size);
    long start = System.nanoTime() + START_DELAY_NANOS;
    long measureStart = start + seconds(options.warmupSeconds());
    long stop = measureStart + seconds(options.durationSeconds());
    LOG.info("step: {} rooms of {} members, {} msgs/s into each, warmup {} s, measuring {} s", rooms.size(), size, options.roomRate(),
        options.warmupSeconds(), options.durationSeconds());
    Map<Lane, List<Integer>> byLane = new HashMap<>();
    List<Sender> senders = new ArrayList<>();
    for (int slot = 0; slot < size; slot++) {
      for (Topology.Room room : rooms) {
        ClientConnection c = connections.get(room.members().get(slot));
        byLane.computeIfAbsent(c.lane, l -> new ArrayList<>()).add(senders.size());
        senders.add(new Sender(c, room.roomId()));
      }
    }
    List<Future<Void>> lanesDone = new ArrayList<>();
    byLane.forEach((lane, indices) -> lanesDone.add(lane.call(() -> {
      OpenLoopScheduler<Sender> scheduler = new OpenLoopScheduler<>(stop);
      for (int k : indices) {
        scheduler.add(senders.get(k), start + OpenLoopScheduler.phaseNanos(k, senders.size(), period), period);
      }
      return OpenLoopDriver.run(lane, scheduler, (sender, intended) -> send(step, sender, intended, measureStart));
    })));

    try (ProgressReporter progress = new ProgressReporter().counter("sent", step.sent::sum).counter("delivered", step.deliveries::sum)
        .counter("receipts", step.receiptsAnswered::sum).counter("errors", step.errors::total).start()) {
      progress.label("rooms of " + size + "  ");
      Await.until(measureStart);
      ServerSnapshot first = ServerSnapshot.take(harness.probe, true);
      long strayFirst = rig.standIn.accepted.sum();
      // CPU (JIT aside) read at the slice boundaries (/proc reads: instant), for the spread of the figure.
      int slices = options.cpuSlices();
      long[] sliceEnds = new long[slices];
      OptionalLong[] sliceTicks = new OptionalLong[slices + 1];
      sliceTicks[0] = first.serverCpuTicksWithoutJit();
      for (int i = 1; i <= slices; i++) {
        sliceEnds[i - 1] = measureStart + (stop - measureStart) * i / slices;
        Await.until(sliceEnds[i - 1]);
        sliceTicks[i] = harness.probe.cpuTicksWithoutJit();
      }
      ServerSnapshot last = ServerSnapshot.take(harness.probe, true);
      long strayLast = rig.standIn.accepted.sum();
      Await.result(Future.all(lanesDone), SEND_SLACK);
      long drainDeadline = System.nanoTime() + seconds(options.drainSeconds());
      while (!step.settled() && System.nanoTime() < drainDeadline) {
        TimeUnit.MILLISECONDS.sleep(DRAIN_POLL_MS);
      }
      return figures(step, rooms.size(), first, last, strayLast - strayFirst, measureStart, sliceEnds, sliceTicks);
    }
  }

  private JsonObject figures(Step step, int rooms, ServerSnapshot first, ServerSnapshot last, long stray, long measureStart,
      long[] sliceEnds, OptionalLong[] sliceTicks) {
    long messages = step.sentMeasured.sum();
    JsonObject json = new JsonObject()
        .put("roomSize", step.size)
        .put("rooms", rooms)
        .put("roomRate", options.roomRate())
        .put("messages", new JsonObject().put("sent", messages).put("acked", step.acked.sum()).put("failed", step.ackFailed.sum())
            .put("perSec", StepResult.round(messages / options.durationSeconds())))
        .put("deliveries", step.deliveries.sum())
        .put("receipts", new JsonObject().put("asked", step.receiptsAsked.sum()).put("answered", step.receiptsAnswered.sum())
            .put("failed", step.receiptsFailed.sum()))
        .put("windowSeconds", StepResult.round(first.secondsUntil(last)))
        .put("errors", step.errors.toJson());
    Double batches = first.growth(last, PushRig.SERVICE_REQUESTS_METRIC, "address", PushRig.PUSH_INFO_ADDRESS);
    Double watermarks = first.growth(last, PushRig.SERVICE_REQUESTS_METRIC, "address", PushRig.WATERMARKS_ADDRESS);
    Double decided = first.growth(last, PushRig.PUSH_SENT_METRIC);
    JsonObject push = new JsonObject().put("pushesAtStandIn", stray);
    if (batches != null) {
      push.put("roomBatchesDecided", batches.longValue()).put("watermarkLists", watermarks.longValue()).put("pushesDecided", decided.longValue())
          .put("roomLookupMeanMs", PushRig.meanRequestMillis(first, last, PushRig.PUSH_INFO_ADDRESS))
          .put("watermarkListMeanMs", PushRig.meanRequestMillis(first, last, PushRig.WATERMARKS_ADDRESS));
    }
    json.put("push", push);
    ServerProbe.CpuUsage cpu = first.serverCpu(harness.probe, last);
    ServerProbe.CpuUsage withoutJit = first.serverCpuWithoutJit(harness.probe, last);
    if (cpu != null && withoutJit != null) {
      json.put("serverCpu", new JsonObject().put("cpuSeconds", StepResult.round(cpu.cpuSeconds()))
          .put("coresBusy", StepResult.round(cpu.cpuSeconds() / cpu.windowSeconds()))
          .put("cpuMicrosPerMessage", StepResult.round(ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), messages)))
          .put("withoutJit", new JsonObject().put("cpuSeconds", StepResult.round(withoutJit.cpuSeconds()))
              .put("cpuMicrosPerMessage", StepResult.round(ServerProbe.CpuUsage.microsPer(withoutJit.cpuSeconds(), messages)))
              .put("slices", slices(step, measureStart, sliceEnds, sliceTicks, withoutJit.clockTicks()))));
    }
    JsonObject threads = first.threadGrowth(last);
    if (threads != null) {
      json.put("serverThreads", ServerSnapshot.perMessage(threads, messages));
    }
    ServerProbe.CpuUsage own = first.ownCpu(harness.probe, last);
    if (own != null) {
      json.put("generatorCpu", new JsonObject().put("cpuSeconds", StepResult.round(own.cpuSeconds()))
          .put("coresBusy", StepResult.round(own.cpuSeconds() / own.windowSeconds())));
    }
    LOG.info("rooms of {}: {} messages, server CPU (JIT aside) {} µs/message, {} bytes/message, {} batches decided, {} pushes",
        step.size, messages, withoutJit == null ? "?" : StepResult.round(ServerProbe.CpuUsage.microsPer(withoutJit.cpuSeconds(), messages)),
        threads == null ? "?" : threads.getLong("allocatedBytesPerMessage"), batches, stray);
    return json;
  }

  /** CPU µs per message of each slice of the window, their mean and the standard error of that mean. */
  private static JsonObject slices(Step step, long measureStart, long[] ends, OptionalLong[] ticks, int clockTicks) {
    JsonArray perSlice = new JsonArray();
    List<Double> values = new ArrayList<>();
    List<Long> times;
    synchronized (step.measuredTimes) {
      times = new ArrayList<>(step.measuredTimes);
    }
    long from = measureStart;
    for (int i = 0; i < ends.length; i++) {
      long to = ends[i];
      long lower = from;
      long messages = times.stream().filter(t -> t >= lower && t < to).count();
      if (ticks[i].isPresent() && ticks[i + 1].isPresent() && messages > 0) {
        double micros = (ticks[i + 1].getAsLong() - ticks[i].getAsLong()) * 1e6 / clockTicks / messages;
        values.add(micros);
        perSlice.add(StepResult.round(micros));
      }
      from = to;
    }
    double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double variance = values.size() < 2 ? 0
        : values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / (values.size() - 1);
    return new JsonObject().put("cpuMicrosPerMessage", perSlice).put("mean", StepResult.round(mean))
        .put("standardError", StepResult.round(values.size() < 2 ? 0 : Math.sqrt(variance / values.size())));
  }

  /** On the sender's lane. */
  private void send(Step step, Sender sender, long intendedNanos, long measureStart) {
    boolean measured = intendedNanos >= measureStart;
    ClientConnection c = sender.connection();
    step.sent.increment();
    if (measured) {
      step.sentMeasured.increment();
      step.measuredTimes.add(intendedNanos);
    }
    String clientMsgId = harness.runTag + ".o." + c.id + "." + c.nextMessageNumber();
    c.send(sender.roomId(), clientMsgId, "push online " + clientMsgId, new PendingSend(sender.roomId(), intendedNanos, measured, null));
  }

  private static long seconds(double seconds) {
    return Math.round(seconds * 1e9);
  }

  /** A member's socket: every message of another member is acknowledged with a delivered receipt. */
  private final class MemberListener implements ConnectionListener {
    @Override
    public void onAck(ClientConnection connection, PendingSend send, JsonObject message, long nowNanos) {
      Step step = current;
      if (step != null && send.measured()) {
        step.acked.increment();
      }
    }

    @Override
    public void onSendFailed(ClientConnection connection, PendingSend send, String code, long nowNanos) {
      Step step = current;
      if (step != null) {
        step.errors.add("err." + code);
        if (send.measured()) {
          step.ackFailed.increment();
        }
      }
    }

    @Override
    public void onEvent(ClientConnection connection, JsonObject event, long nowNanos) {
      Step step = current;
      if (step == null || event == null || !"message".equals(event.getValue("type"))
          || !(event.getValue("message") instanceof JsonObject message)) {
        return; // receipts, presence and room events: not part of the measurement
      }
      step.deliveries.increment();
      if (users.get(connection.id).userId().equals(message.getValue("senderId"))) {
        return;
      }
      step.receiptsAsked.increment();
      connection.request("chat.receipt", DELIVERED.copy().put("roomId", message.getValue("roomId")).put("seq", message.getValue("seq")))
          .onSuccess(x -> step.receiptsAnswered.increment())
          .onFailure(e -> {
            step.receiptsFailed.increment();
            if (!ErrorCounter.kindOf(e).startsWith("err_")) {
              step.errors.add("receipt." + ErrorCounter.kindOf(e)); // an err frame is counted by the connection already
            }
          });
    }

    @Override
    public void onError(String kind) {
      Step step = current;
      (step == null ? harness.errors : step.errors).add(kind);
    }
  }
}
