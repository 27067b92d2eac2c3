package io.chatplatform.loadtest.generator;

import io.chatplatform.loadtest.Options;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code push-offline}: the push path at work. {@code --rooms} rooms, each with one sender (a
 * socket) and {@code --members} offline members (no socket, one Web Push device each, pointing at
 * the generator's {@link PushStandIn}). The senders post {@code --room-rate} messages/s each,
 * open loop; nobody acknowledges, so after the server's {@code PUSH_DELAY_MS} every member is
 * pushed every batch of its room.
 *
 * <p>Measured over the window (warmup excluded): pushes decided per second (the server's
 * {@code chat_push_sent_total}, every result), pushes sent per second (accepted by the stand-in),
 * room batches decided, the server's CPU per push; the delay from a message's intended send time
 * to the push that carries it arriving (from the newest message of the push, whose text it
 * previews, and from the oldest it covers), for pushes whose newest message was sent in the
 * window. After the drain, every member must have been pushed every measured message (by a push
 * whose seq range covers it) exactly once: what is not is lost, what is twice is duplicated.
 */
final class PushOfflineScenario {
  private static final Logger LOG = LoggerFactory.getLogger(PushOfflineScenario.class);
  private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long DRAIN_POLL_MS = 50;
  private static final Duration SEND_SLACK = Duration.ofSeconds(120);
  private static final List<String> RESULTS = List.of("delivered", "retry", "failed", "invalid_device");

  private final Harness harness;
  private final Options options;
  private final Map<String, RoomLog> rooms = new ConcurrentHashMap<>();
  private final LongAdder sent = new LongAdder();
  private final LongAdder sentMeasured = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder ackFailed = new LongAdder();
  private final LongAdder pushes = new LongAdder();
  private final LongAdder measuredPushes = new LongAdder();
  private final LongAdder messagesInPushes = new LongAdder();
  private final LongAdder duplicated = new LongAdder();
  private final LatencyRecorder fromNewest = new LatencyRecorder();
  private final LatencyRecorder fromOldest = new LatencyRecorder();
  private final ErrorCounter errors = new ErrorCounter();

  /** A message as its ack told it. */
  private record Sent(long intendedNanos, boolean measured) {}

  /** One room's sender socket. */
  private record Sender(ClientConnection connection, RoomLog room) {}

  /** One room: its messages, and which of them each offline member has been pushed. */
  private static final class RoomLog {
    final String roomId;
    final Map<Integer, Integer> slotOf = new HashMap<>();
    final Map<Long, Sent> sent = new ConcurrentHashMap<>();
    private final BitSet[] covered;

    RoomLog(String roomId, List<Integer> members) {
      this.roomId = roomId;
      for (int slot = 0; slot < members.size(); slot++) {
        slotOf.put(members.get(slot), slot);
      }
      covered = new BitSet[members.size()];
      for (int i = 0; i < covered.length; i++) {
        covered[i] = new BitSet();
      }
    }

    /** Marks seqs {@code from..to} pushed to the member in {@code slot}; answers how many already were. */
    synchronized int cover(int slot, long from, long to) {
      int again = 0;
      for (long seq = Math.max(1, from); seq <= to; seq++) {
        if (covered[slot].get((int) seq)) {
          again++;
        }
        covered[slot].set((int) seq);
      }
      return again;
    }

    /** (member, measured message) pairs not pushed yet. */
    synchronized long unpushed() {
      long missing = 0;
      for (Map.Entry<Long, Sent> m : sent.entrySet()) {
        if (m.getValue().measured()) {
          for (BitSet member : covered) {
            if (!member.get(m.getKey().intValue())) {
              missing++;
            }
          }
        }
      }
      return missing;
    }
  }

  PushOfflineScenario(Harness harness) {
    this.harness = harness;
    this.options = harness.options;
  }

  RunResult run() throws Exception {
    harness.awaitServerReady();
    int perRoom = options.members() + 1;
    List<TestUser> users = harness.createUsers(options.rooms() * perRoom);
    List<Topology.RoomPlan> plans = new ArrayList<>();
    List<TestUser> senders = new ArrayList<>();
    List<TestUser> offline = new ArrayList<>();
    for (int r = 0; r < options.rooms(); r++) {
      List<Integer> members = new ArrayList<>();
      for (int j = 0; j < perRoom; j++) {
        members.add(r * perRoom + j);
        (j == 0 ? senders : offline).add(users.get(r * perRoom + j));
      }
      plans.add(new Topology.RoomPlan("push " + r, members, false));
    }
    List<Topology.Room> created = harness.createRooms(plans, users);
    for (Topology.Room room : created) {
      rooms.put(room.roomId(), new RoomLog(room.roomId(), room.members().subList(1, room.members().size())));
    }
    try (PushRig rig = PushRig.start(harness, this::onPush)) {
      if (rig.vapidKey(users.get(0)).isEmpty()) {
        throw new IllegalStateException("the server runs no notification-service: nothing to push");
      }
      rig.registerDevices(offline);
      Harness.ConnectOutcome connected = harness.connect(senders, i -> new SenderListener());
      if (connected.failed() > 0) {
        throw new IllegalStateException(connected.failed() + " sender sockets failed to connect: " + harness.errors.snapshot());
      }
      try {
        JsonObject figures = measure(rig, created, connected.connections());
        JsonObject setup = new JsonObject().put("users", users.size()).put("rooms", created.size())
            .put("offlineMembersPerRoom", options.members()).put("devices", offline.size()).put("senders", senders.size());
        return new RunResult(options, setup, List.of(), figures, harness.errors.snapshot());
      } finally {
        harness.closeAll(connected.connections());
      }
    }
  }

  private JsonObject measure(PushRig rig, List<Topology.Room> created, List<ClientConnection> connections) throws Exception {
    long period = OpenLoopScheduler.periodNanos(options.roomRate());
    long start = System.nanoTime() + START_DELAY_NANOS;
    long measureStart = start + seconds(options.warmupSeconds());
    long stop = measureStart + seconds(options.durationSeconds());
    LOG.info("{} rooms × {} offline members, {} msgs/s into each room, warmup {} s, measuring {} s (server PUSH_DELAY_MS {})",
        created.size(), options.members(), options.roomRate(), options.warmupSeconds(), options.durationSeconds(),
        options.pushDelayMs());
    Map<Lane, List<Sender>> byLane = new HashMap<>();
    for (int r = 0; r < created.size(); r++) {
      ClientConnection c = connections.get(r);
      byLane.computeIfAbsent(c.lane, l -> new ArrayList<>()).add(new Sender(c, rooms.get(created.get(r).roomId())));
    }
    List<Future<Void>> lanesDone = new ArrayList<>();
    int[] index = {0};
    byLane.forEach((lane, senders) -> {
      int first = index[0];
      index[0] += senders.size();
      lanesDone.add(lane.call(() -> {
        OpenLoopScheduler<Sender> scheduler = new OpenLoopScheduler<>(stop);
        for (int k = 0; k < senders.size(); k++) {
          scheduler.add(senders.get(k), start + OpenLoopScheduler.phaseNanos(first + k, created.size(), period), period);
        }
        return OpenLoopDriver.run(lane, scheduler, (sender, intended) -> send(sender, intended, measureStart));
      }));
    });

    try (ProgressReporter progress = new ProgressReporter().counter("sent", sent::sum).counter("acked", acked::sum)
        .counter("pushes", rig.standIn.accepted::sum).counter("errors", () -> errors.total() + rig.standIn.refused.total()).start()) {
      Await.until(measureStart);
      ServerSnapshot first = ServerSnapshot.take(harness.probe, true);
      long acceptedFirst = rig.standIn.accepted.sum();
      Await.until(stop);
      ServerSnapshot last = ServerSnapshot.take(harness.probe, true);
      long acceptedLast = rig.standIn.accepted.sum();
      Await.result(Future.all(lanesDone), SEND_SLACK);
      long drainDeadline = System.nanoTime() + seconds(options.drainSeconds());
      while (!settled() && System.nanoTime() < drainDeadline) {
        TimeUnit.MILLISECONDS.sleep(DRAIN_POLL_MS);
      }
      return figures(rig, first, last, acceptedLast - acceptedFirst);
    }
  }

  private boolean settled() {
    return sentMeasured.sum() == acked.sum() + ackFailed.sum() && rooms.values().stream().allMatch(r -> r.unpushed() == 0);
  }

  private JsonObject figures(PushRig rig, ServerSnapshot first, ServerSnapshot last, long sentPushes) {
    double window = first.secondsUntil(last);
    Double decided = first.growth(last, PushRig.PUSH_SENT_METRIC, "provider", "webpush");
    Double batches = first.growth(last, PushRig.SERVICE_REQUESTS_METRIC, "address", PushRig.PUSH_INFO_ADDRESS);
    JsonObject results = new JsonObject();
    for (String result : RESULTS) {
      Double n = first.growth(last, PushRig.PUSH_SENT_METRIC, "provider", "webpush", "result", result);
      if (n != null && n > 0) {
        results.put(result, n.longValue());
      }
    }
    long lost = rooms.values().stream().mapToLong(RoomLog::unpushed).sum();
    long measured = sentMeasured.sum();
    JsonObject pushJson = new JsonObject()
        .put("sentPerSec", StepResult.round(sentPushes / window))
        .put("sent", sentPushes)
        .put("resultsAtServer", results);
    if (decided != null) {
      pushJson.put("decidedPerSec", StepResult.round(decided / window)).put("decided", decided.longValue());
    }
    if (batches != null) {
      pushJson.put("roomBatchesDecidedPerSec", StepResult.round(batches / window)).put("roomBatchesDecided", batches.longValue());
    }
    long opened = pushes.sum();
    pushJson.put("messagesPerPush", opened == 0 ? 0 : StepResult.round(messagesInPushes.sum() / (double) opened));
    JsonObject figures = new JsonObject()
        .put("pushDelayMs", options.pushDelayMs())
        .put("windowSeconds", StepResult.round(window))
        .put("messages", new JsonObject().put("sent", measured).put("acked", acked.sum()).put("failed", ackFailed.sum())
            .put("perSec", StepResult.round(measured / options.durationSeconds())))
        .put("pushes", pushJson)
        .put("latencyFromNewestMs", PushRig.percentiles(fromNewest.snapshot()))
        .put("latencyFromOldestMs", PushRig.percentiles(fromOldest.snapshot()))
        .put("ledger", new JsonObject().put("owed", acked.sum() * options.members()).put("lost", lost)
            .put("duplicated", duplicated.sum()).put("measuredPushes", measuredPushes.sum()))
        .put("standInRefused", rig.standIn.refused.toJson())
        .put("windowErrors", errors.toJson());
    ServerProbe.CpuUsage cpu = first.serverCpu(harness.probe, last);
    ServerProbe.CpuUsage withoutJit = first.serverCpuWithoutJit(harness.probe, last);
    if (cpu != null && withoutJit != null) {
      figures.put("serverCpu", new JsonObject().put("cpuSeconds", StepResult.round(cpu.cpuSeconds()))
          .put("coresBusy", StepResult.round(cpu.cpuSeconds() / window))
          .put("cpuMicrosPerPush", StepResult.round(ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), sentPushes)))
          .put("cpuMicrosPerMessage", StepResult.round(ServerProbe.CpuUsage.microsPer(cpu.cpuSeconds(), measured)))
          .put("withoutJit", new JsonObject().put("cpuSeconds", StepResult.round(withoutJit.cpuSeconds()))
              .put("cpuMicrosPerPush", StepResult.round(ServerProbe.CpuUsage.microsPer(withoutJit.cpuSeconds(), sentPushes)))));
    }
    JsonObject threads = first.threadGrowth(last);
    if (threads != null) {
      threads.put("allocatedBytesPerPush", sentPushes == 0 ? 0 : threads.getLong("allocatedBytes") / sentPushes);
      figures.put("serverThreads", threads);
    }
    ServerProbe.CpuUsage own = first.ownCpu(harness.probe, last);
    if (own != null) {
      figures.put("generatorCpu", new JsonObject().put("cpuSeconds", StepResult.round(own.cpuSeconds()))
          .put("coresBusy", StepResult.round(own.cpuSeconds() / window)));
    }
    LOG.info("window: {} pushes sent ({}/s), {} decided, lost {}, duplicated {}", sentPushes, StepResult.round(sentPushes / window),
        decided, lost, duplicated.sum());
    return figures;
  }

  /** On the sender's lane. */
  private void send(Sender sender, long intendedNanos, long measureStart) {
    boolean measured = intendedNanos >= measureStart;
    ClientConnection c = sender.connection();
    sent.increment();
    if (measured) {
      sentMeasured.increment();
    }
    String clientMsgId = harness.runTag + ".p." + c.id + "." + c.nextMessageNumber();
    c.send(sender.room().roomId, clientMsgId, "push bench " + clientMsgId, new PendingSend(sender.room().roomId, intendedNanos, measured, null));
  }

  /** On the stand-in's event loop: one push opened. */
  private void onPush(PushStandIn.Push push) {
    pushes.increment();
    JsonObject p = push.payload();
    RoomLog room = p.getValue("roomId") instanceof String id ? rooms.get(id) : null;
    Integer slot = room == null ? null : room.slotOf.get(push.device());
    if (slot == null || !(p.getValue("seq") instanceof Number seqValue) || !(p.getValue("count") instanceof Number countValue)) {
      errors.add("push.unexpected");
      return;
    }
    long seq = seqValue.longValue();
    long oldest = seq - Math.max(1, countValue.intValue()) + 1;
    messagesInPushes.add(seq - oldest + 1);
    duplicated.add(room.cover(slot, oldest, seq));
    Sent newest = room.sent.get(seq);
    if (newest == null) {
      errors.add("push.before_ack");
      return;
    }
    if (newest.measured()) {
      measuredPushes.increment();
      fromNewest.recordNanos(push.arrivalNanos() - newest.intendedNanos());
      Sent first = room.sent.get(oldest);
      if (first != null) {
        fromOldest.recordNanos(push.arrivalNanos() - first.intendedNanos());
      }
    }
  }

  private static long seconds(double seconds) {
    return Math.round(seconds * 1e9);
  }

  /** A sender's socket: acks give each message its seq. */
  private final class SenderListener implements ConnectionListener {
    @Override
    public void onAck(ClientConnection connection, PendingSend send, JsonObject message, long nowNanos) {
      Long seq = message == null ? null : message.getLong("seq");
      RoomLog room = rooms.get(send.roomId());
      if (seq == null || room == null) {
        errors.add("ack.malformed");
        return;
      }
      room.sent.put(seq, new Sent(send.intendedNanos(), send.measured()));
      if (send.measured()) {
        acked.increment();
      }
    }

    @Override
    public void onSendFailed(ClientConnection connection, PendingSend send, String code, long nowNanos) {
      errors.add("err." + code);
      if (send.measured()) {
        ackFailed.increment();
      }
    }

    @Override
    public void onError(String kind) {
      errors.add(kind);
    }
  }
}
