package io.chatplatform.presence.domain;

/** One-shot timers; every action runs on the tracker's own thread (its event loop). */
public interface Timers {
  /** Runs {@code action} after {@code delayMs}; returns an id to cancel it. */
  long schedule(long delayMs, Runnable action);

  void cancel(long timerId);
}
