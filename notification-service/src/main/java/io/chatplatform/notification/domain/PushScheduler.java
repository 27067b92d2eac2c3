package io.chatplatform.notification.domain;

import io.chatplatform.contracts.chat.ChatApi.PushRoom;
import io.chatplatform.notification.domain.Pending.MemberRetry;
import io.chatplatform.notification.domain.Pending.RoomBatch;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored messages into pushes. A message only adds to its room's pending batch (one
 * record per room, due {@code delayMs} after the first message; {@link NoticeBuffer} writes it),
 * so chat delivery never waits for anything here. {@link #poll} claims due records one at a time (each claim is one atomic
 * update in the shared store, so instances share the work and never take the same record) and
 * sends what {@link PushDecider} decides.
 *
 * <p>Sent once: before a device is sent a push, its marker (room, seq, device) is looked up;
 * after the push service accepted it, the marker is written. A crash between the send and the
 * marker sends that one push again when the claim expires and another instance takes the
 * record: at-least-once, because the other order (marker first) would lose pushes on a crash,
 * and a repeated push with the same collapse key replaces the first on the device.
 */
public final class PushScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(PushScheduler.class);

  private final PendingStore pending;
  private final DeviceStore devices;
  private final RoomModes modes;
  private final PushDirectory directory;
  private final Map<String, PushProvider> providers;
  private final PushDecider decider;
  private final PushPolicy policy;
  private final LongSupplier clock;
  private final DoubleSupplier jitter;

  public PushScheduler(
      PendingStore pending, DeviceStore devices, RoomModes modes, PushDirectory directory, List<PushProvider> providers,
      PushPolicy policy, LongSupplier clock, DoubleSupplier jitter) {
    this.pending = pending;
    this.devices = devices;
    this.modes = modes;
    this.directory = directory;
    this.providers = new HashMap<>();
    providers.forEach(p -> this.providers.put(p.kind(), p));
    this.decider = new PushDecider(policy);
    this.policy = policy;
    this.clock = clock;
    this.jitter = jitter;
  }

  /** Claims and handles due records, at most {@code max}; answers how many it handled. */
  public Future<Integer> poll(int max) {
    return pollFrom(0, max);
  }

  private Future<Integer> pollFrom(int handled, int max) {
    if (handled >= max) {
      return Future.succeededFuture(handled);
    }
    return pending.claim(clock.getAsLong(), policy.leaseMs()).compose(claimed -> {
      if (claimed == null) {
        return Future.succeededFuture(handled);
      }
      Future<Void> work = claimed instanceof RoomBatch batch ? handle(batch) : handle((MemberRetry) claimed);
      return work
          // A failed look-up (a service or the store down) leaves the record claimed: it is tried
          // again when the lease ends, by this instance or another.
          .compose(x -> pending.done(claimed), e -> {
            LOG.warn("push of {} failed, to be tried again after the lease: {}", claimed.id(), e.getMessage());
            return Future.succeededFuture();
          })
          .compose(x -> pollFrom(handled + 1, max));
    });
  }

  /**
   * The room's name and membership version (no member list), then the members history-service's
   * index puts below the batch: a room where everyone acknowledged costs two small requests,
   * whatever its size. Only when the index is of another membership version is the member list
   * fetched, to rebuild it.
   */
  private Future<Void> handle(RoomBatch batch) {
    return directory.room(batch.roomId(), batch.lastSenderId(), false).compose(room ->
        directory.behind(batch.roomId(), batch.lastSeq(), room.version(), List.of())
            .compose(behind -> behind.current()
                ? Future.succeededFuture(behind)
                : directory.room(batch.roomId(), batch.lastSenderId(), true).compose(full ->
                    directory.behind(batch.roomId(), batch.lastSeq(), full.version(), full.memberIds())))
            .compose(behind -> {
              Map<String, Long> delivered = new HashMap<>();
              behind.members().forEach(m -> delivered.put(m.userId(), m.delivered()));
              List<String> unacknowledged = decider.unacknowledged(batch, delivered);
              if (unacknowledged.isEmpty()) {
                return Future.succeededFuture();
              }
              return modes.of(batch.roomId(), unacknowledged)
                  .map(chosen -> decider.wanted(batch, unacknowledged, chosen))
                  .compose(wanted -> wanted.isEmpty()
                      ? Future.succeededFuture(List.<String>of())
                      : directory.inDoNotDisturb(wanted).map(dnd -> decider.reachable(wanted, dnd)))
                  .compose(recipients -> send(batch, room, delivered, recipients));
            }));
  }

  private Future<Void> send(RoomBatch batch, PushRoom room, Map<String, Long> delivered, List<String> recipients) {
    if (recipients.isEmpty()) {
      return Future.succeededFuture();
    }
    return devices.ofUsers(recipients).compose(found -> {
      Map<String, List<Device>> byUser = new HashMap<>();
      found.forEach(d -> byUser.computeIfAbsent(d.userId(), k -> new ArrayList<>()).add(d));
      List<Future<Void>> sends = new ArrayList<>();
      byUser.forEach((userId, own) ->
          sends.add(sendToMember(userId, own, decider.message(batch, room, userId, delivered.getOrDefault(userId, 0L)), 0)));
      return Future.all(sends).mapEmpty();
    });
  }

  /**
   * A retry happens minutes later: the member may have opened the app (their delivered watermark
   * now covers the push) or chosen dnd meanwhile, and then it is dropped. Their room mode is not
   * asked again: it was respected when the push was decided.
   */
  private Future<Void> handle(MemberRetry retry) {
    String userId = retry.userId();
    PushMessage message = retry.message();
    return directory.delivered(message.roomId(), List.of(userId))
        .compose(delivered -> delivered.getOrDefault(userId, 0L) >= message.seq()
            ? Future.succeededFuture(false)
            : directory.inDoNotDisturb(List.of(userId)).map(dnd -> !dnd.contains(userId)))
        .compose(stillWanted -> !stillWanted
            ? Future.succeededFuture()
            : devices.ofUsers(List.of(userId)).compose(found -> {
              List<Device> still = found.stream().filter(d -> retry.deviceIds().contains(d.deviceId())).toList();
              return sendToMember(userId, still, message, retry.attempts());
            }));
  }

  /** Sends to each device not yet marked sent; those a push service asks to retry become one retry record. */
  private Future<Void> sendToMember(String userId, List<Device> own, PushMessage message, int attemptsBefore) {
    List<Future<PushOutcome>> outcomes = own.stream().map(device -> sendOnce(device, message)).toList();
    return Future.all(outcomes).compose(x -> {
      List<String> again = new ArrayList<>();
      long retryAfter = -1;
      for (int i = 0; i < own.size(); i++) {
        if (outcomes.get(i).result() instanceof PushOutcome.Retry r) {
          again.add(own.get(i).deviceId());
          retryAfter = Math.max(retryAfter, r.retryAfterMs());
        }
      }
      int attempts = attemptsBefore + 1;
      if (again.isEmpty()) {
        return Future.succeededFuture();
      }
      if (attempts >= policy.maxAttempts()) {
        LOG.warn("push to {} devices of {} given up after {} attempts", again.size(), userId, attempts);
        return Future.succeededFuture();
      }
      return pending.retry(userId, again, message, attempts, clock.getAsLong() + backoff(attempts, retryAfter));
    });
  }

  /** One device: skipped when already sent; the marker written after the push service accepted. */
  private Future<PushOutcome> sendOnce(Device device, PushMessage message) {
    String key = message.roomId() + ":" + message.seq() + ":" + device.deviceId();
    return pending.wasSent(key).compose(sent -> {
      if (sent) {
        return Future.succeededFuture(new PushOutcome.Delivered());
      }
      PushProvider provider = providers.get(device.kind());
      if (provider == null) {
        return Future.succeededFuture(new PushOutcome.Failed("no provider configured for " + device.kind()));
      }
      Future<PushOutcome> outcome;
      try {
        outcome = provider.send(device, message);
      } catch (RuntimeException e) {
        outcome = Future.failedFuture(e);
      }
      return outcome
          .recover(e -> Future.succeededFuture(new PushOutcome.Retry(-1, String.valueOf(e.getMessage()))))
          .compose(result -> {
            if (result instanceof PushOutcome.Delivered) {
              return pending.markSent(key, clock.getAsLong(), policy.sentKeepMs()).map(result);
            }
            if (result instanceof PushOutcome.InvalidDevice invalid) {
              LOG.info("device {} of {} is gone ({}): deleted", device.deviceId(), device.userId(), invalid.reason());
              return devices.delete(device.deviceId()).map(result);
            }
            if (result instanceof PushOutcome.Failed failed) {
              LOG.warn("push to device {} refused: {}", device.deviceId(), failed.reason());
            }
            return Future.succeededFuture(result);
          });
    });
  }

  /** Exponential from {@code retryBaseMs}, capped, at least Retry-After, plus up to 50 % jitter. */
  long backoff(int attempts, long retryAfterMs) {
    long exponential = Math.min(policy.retryMaxMs(), policy.retryBaseMs() << Math.min(attempts - 1, 20));
    long base = Math.max(exponential, retryAfterMs);
    return base + (long) (base * 0.5 * jitter.getAsDouble());
  }
}
