package io.chatplatform.loadtest.generator;

import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * When a client whose socket closed tries again: exponential backoff with full jitter (the
 * {@code n}-th attempt of an outage waits a uniform random time in {@code [0, min(cap, base·2^n)]},
 * so thousands of clients dropped at once do not come back at once), at most {@code maxAttempts}
 * attempts per outage.
 *
 * <p>A close that tells the client to go elsewhere now is followed by an immediate first attempt.
 * The gateway has no drain or restart close code of its own yet (docs/protocol.md, Close codes),
 * so the standard ones mean that here: 1001 "going away" (an endpoint shutting down) and 1012
 * "service restart". A load balancer sends the next connect to another node.
 */
final class Backoff {
  static final long DEFAULT_BASE_MS = 500;
  static final long DEFAULT_CAP_MS = 15_000;
  static final int DEFAULT_MAX_ATTEMPTS = 10;
  /** 1001 going away, 1012 service restart. */
  static final Set<Integer> GO_ELSEWHERE = Set.of(1001, 1012);
  /** Shifts beyond this change nothing: the cap has been reached long before. */
  private static final int MAX_EXPONENT = 30;

  private final long baseMs;
  private final long capMs;
  private final int maxAttempts;
  private final RandomGenerator random;

  /**
   * @param maxAttempts 0 turns reconnecting off
   * @param random the jitter's source (seeded in tests)
   */
  Backoff(long baseMs, long capMs, int maxAttempts, RandomGenerator random) {
    if (baseMs <= 0 || capMs < baseMs || maxAttempts < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap and attempts >= 0: " + baseMs + ", " + capMs + ", " + maxAttempts);
    }
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.maxAttempts = maxAttempts;
    this.random = random;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  /** Whether a close with this code (null: none, e.g. the connection broke) means "go elsewhere now". */
  static boolean goElsewhere(Short closeCode) {
    return closeCode != null && GO_ELSEWHERE.contains(closeCode.intValue());
  }

  /** The longest wait before attempt {@code attempt} (0-based): {@code min(cap, base·2^attempt)}. */
  long ceilingMs(int attempt) {
    int exponent = Math.min(attempt, MAX_EXPONENT);
    return baseMs > (capMs >> exponent) ? capMs : Math.min(capMs, baseMs << exponent);
  }

  /**
   * @param attempt 0-based number of the attempt about to be made in this outage
   * @param closeCode the code the socket closed with (null: none)
   * @return milliseconds to wait before it, or -1 when no attempt is left
   */
  long delayMs(int attempt, Short closeCode) {
    if (attempt >= maxAttempts) {
      return -1;
    }
    if (attempt == 0 && goElsewhere(closeCode)) {
      return 0;
    }
    return random.nextLong(ceilingMs(attempt) + 1);
  }
}
