package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final short ABNORMAL = 1006;
  private static final short TOO_SLOW = 4429;
  private static final short GOING_AWAY = 1001;
  private static final short SERVICE_RESTART = 1012;

  @Test
  void eachDelayIsWithinZeroAndTheDoublingCeilingAndTheJitterSpreadsThem() {
    Backoff backoff = new Backoff(100, 1_600, 8, new Random(42));
    long[] ceilings = {100, 200, 400, 800, 1_600, 1_600, 1_600, 1_600};
    for (int attempt = 0; attempt < ceilings.length; attempt++) {
      assertThat(backoff.ceilingMs(attempt)).isEqualTo(ceilings[attempt]);
      Set<Long> seen = new HashSet<>();
      for (int draw = 0; draw < 200; draw++) {
        long delay = backoff.delayMs(attempt, ABNORMAL);
        assertThat(delay).isBetween(0L, ceilings[attempt]);
        seen.add(delay);
      }
      // Full jitter: the draws spread over the range rather than sitting at the ceiling.
      assertThat(seen).hasSizeGreaterThan(20);
      assertThat(seen.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(ceilings[attempt] / 4);
      assertThat(seen.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(ceilings[attempt] * 3 / 4);
    }
  }

  @Test
  void theCapHoldsForLateAttemptsWithoutOverflow() {
    Backoff backoff = new Backoff(1_000, 15_000, Integer.MAX_VALUE, new Random(7));
    for (int attempt : new int[] {4, 5, 30, 62, 63, 64, 1_000}) {
      assertThat(backoff.ceilingMs(attempt)).isEqualTo(15_000);
      assertThat(backoff.delayMs(attempt, null)).isBetween(0L, 15_000L);
    }
    assertThat(backoff.ceilingMs(3)).isEqualTo(8_000);
  }

  @Test
  void aGoElsewhereCloseIsFollowedByAnImmediateFirstAttemptOnly() {
    Backoff backoff = new Backoff(5_000, 60_000, 5, new Random(1));
    assertThat(Backoff.goElsewhere(GOING_AWAY)).isTrue();
    assertThat(Backoff.goElsewhere(SERVICE_RESTART)).isTrue();
    assertThat(Backoff.goElsewhere(TOO_SLOW)).isFalse();
    assertThat(Backoff.goElsewhere(null)).isFalse();
    for (int i = 0; i < 50; i++) {
      assertThat(backoff.delayMs(0, GOING_AWAY)).isZero();
      assertThat(backoff.delayMs(0, SERVICE_RESTART)).isZero();
    }
    // Once that immediate attempt failed, the next ones back off as usual; some draw is not 0.
    long later = 0;
    for (int i = 0; i < 50; i++) {
      long delay = backoff.delayMs(1, GOING_AWAY);
      assertThat(delay).isBetween(0L, 10_000L);
      later = Math.max(later, delay);
    }
    assertThat(later).isPositive();
    // Another close code on the first attempt waits up to the base (never more).
    long first = 0;
    for (int i = 0; i < 50; i++) {
      long delay = backoff.delayMs(0, TOO_SLOW);
      assertThat(delay).isBetween(0L, 5_000L);
      first = Math.max(first, delay);
    }
    assertThat(first).isPositive();
  }

  @Test
  void stopsAfterMaxAttemptsAndZeroAttemptsMeansNoReconnect() {
    Backoff backoff = new Backoff(10, 100, 3, new Random(3));
    assertThat(backoff.delayMs(2, null)).isNotNegative();
    assertThat(backoff.delayMs(3, null)).isEqualTo(-1);
    assertThat(backoff.delayMs(3, GOING_AWAY)).isEqualTo(-1);
    Backoff off = new Backoff(10, 100, 0, new Random(3));
    assertThat(off.delayMs(0, GOING_AWAY)).isEqualTo(-1);
  }

  @Test
  void theSameSeedGivesTheSameDelays() {
    Backoff a = new Backoff(100, 10_000, 10, new Random(99));
    Backoff b = new Backoff(100, 10_000, 10, new Random(99));
    for (int attempt = 0; attempt < 10; attempt++) {
      assertThat(a.delayMs(attempt, null)).isEqualTo(b.delayMs(attempt, null));
    }
  }

  @Test
  void refusesSettingsThatMakeNoSense() {
    assertThatThrownBy(() -> new Backoff(0, 100, 1, new Random())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(200, 100, 1, new Random())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(10, 100, -1, new Random())).isInstanceOf(IllegalArgumentException.class);
  }
}
