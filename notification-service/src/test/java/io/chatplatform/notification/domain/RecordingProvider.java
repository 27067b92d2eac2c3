package io.chatplatform.notification.domain;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A {@link PushProvider} that records what it is asked to send and answers the outcomes it is given (Delivered when none). */
final class RecordingProvider implements PushProvider {
  record Sent(Device device, PushMessage message) {}

  private final String kind;
  final List<Sent> sent = new ArrayList<>();
  final Deque<PushOutcome> outcomes = new ArrayDeque<>();

  RecordingProvider(String kind) {
    this.kind = kind;
  }

  @Override
  public synchronized Future<PushOutcome> send(Device device, PushMessage message) {
    sent.add(new Sent(device, message));
    PushOutcome next = outcomes.poll();
    return Future.succeededFuture(next == null ? new PushOutcome.Delivered() : next);
  }

  @Override
  public String kind() {
    return kind;
  }
}
