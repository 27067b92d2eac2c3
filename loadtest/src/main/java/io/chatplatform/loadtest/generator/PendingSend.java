package io.chatplatform.loadtest.generator;

/**
 * A {@code chat.send} waiting for its reply.
 *
 * @param intendedNanos when the open-loop schedule meant it to be sent (latencies count from here)
 * @param step the step whose figures it belongs to
 */
record PendingSend(String roomId, long intendedNanos, boolean measured, StepRun step) {}
