package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The schedule driven by a fake clock: counts and intended times, never wall-clock time. */
class OpenLoopSchedulerTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long START = 5 * SECOND; // any origin: nanoTime is arbitrary

  private record Send(int sender, long intended) {}

  private final List<Send> sends = new ArrayList<>();

  private OpenLoopScheduler<Integer> scheduler(int senders, double rate, double seconds) {
    long period = OpenLoopScheduler.periodNanos(rate);
    OpenLoopScheduler<Integer> scheduler = new OpenLoopScheduler<>(START + (long) (seconds * SECOND));
    for (int i = 0; i < senders; i++) {
      scheduler.add(i, START + OpenLoopScheduler.phaseNanos(i, senders, period), period);
    }
    return scheduler;
  }

  /** Advances a fake clock from START in steps, running the schedule at each, until it is done. */
  private void drive(OpenLoopScheduler<Integer> scheduler, long stepNanos, int maxPerCall) {
    for (long now = START; !scheduler.isDone(); now += stepNanos) {
      scheduler.runDue(now, maxPerCall, (sender, intended) -> sends.add(new Send(sender, intended)));
    }
  }

  @Test
  void makesRateTimesDurationSendsPerSender() {
    drive(scheduler(10, 5, 2), MS, Integer.MAX_VALUE);
    assertThat(sends).hasSize(10 * 5 * 2);
    Map<Integer, Integer> perSender = new HashMap<>();
    sends.forEach(s -> perSender.merge(s.sender(), 1, Integer::sum));
    assertThat(perSender).hasSize(10).allSatisfy((sender, count) -> assertThat(count).isEqualTo(10));
  }

  @Test
  void intendedTimesFollowThePeriodFromEachSendersPhase() {
    drive(scheduler(4, 10, 1), MS, Integer.MAX_VALUE);
    long period = 100 * MS;
    for (Send send : sends) {
      long phase = send.sender() * period / 4;
      assertThat((send.intended() - START - phase) % period).isZero();
      assertThat(send.intended()).isGreaterThanOrEqualTo(START).isLessThan(START + SECOND);
    }
  }

  @Test
  void sendersAreSpreadOverThePeriodNotBunched() {
    drive(scheduler(4, 1, 1), MS, Integer.MAX_VALUE);
    assertThat(sends).extracting(Send::intended)
        .containsExactly(START, START + 250 * MS, START + 500 * MS, START + 750 * MS);
  }

  @Test
  void aLateClockCatchesUpWithTheSameCountAndIntendedTimes() {
    drive(scheduler(10, 5, 2), 1 * MS, Integer.MAX_VALUE);
    List<Send> onTime = List.copyOf(sends);
    sends.clear();
    // The event loop only gets to run every 700 ms: everything due is sent, late, with its intended time.
    drive(scheduler(10, 5, 2), 700 * MS, Integer.MAX_VALUE);
    assertThat(sends).containsExactlyInAnyOrderElementsOf(onTime);
  }

  @Test
  void eachCallIsBoundedAndTheRestStaysDue() {
    OpenLoopScheduler<Integer> scheduler = scheduler(100, 1, 1);
    long late = START + SECOND - 1;
    assertThat(scheduler.runDue(late, 30, (s, t) -> sends.add(new Send(s, t)))).isEqualTo(30);
    assertThat(scheduler.runDue(late, 30, (s, t) -> sends.add(new Send(s, t)))).isEqualTo(30);
    assertThat(scheduler.runDue(late, 1000, (s, t) -> sends.add(new Send(s, t)))).isEqualTo(40);
    assertThat(scheduler.isDone()).isTrue();
    assertThat(sends).hasSize(100);
  }

  @Test
  void nothingIsSentBeforeItsTimeNorAtOrAfterTheStop() {
    OpenLoopScheduler<Integer> scheduler = scheduler(1, 2, 1);
    assertThat(scheduler.runDue(START - 1, 10, (s, t) -> sends.add(new Send(s, t)))).isZero();
    assertThat(scheduler.runDue(START + 10 * SECOND, 10, (s, t) -> sends.add(new Send(s, t)))).isEqualTo(2);
    assertThat(sends).extracting(Send::intended).containsExactly(START, START + 500 * MS);
  }

  @Test
  void fractionalRates() {
    drive(scheduler(3, 0.5, 4.5), 10 * MS, Integer.MAX_VALUE);
    // Period 2 s, phases 0, 0.67 and 1.33 s, stop at 4.5 s: sends at 0, 2, 4 / 0.67, 2.67 / 1.33, 3.33.
    assertThat(sends).hasSize(7);
  }

  @Test
  void aSenderWhosePhaseIsAfterTheStopNeverSends() {
    OpenLoopScheduler<Integer> scheduler = new OpenLoopScheduler<>(START + SECOND);
    scheduler.add(1, START + 2 * SECOND, SECOND);
    assertThat(scheduler.isDone()).isTrue();
  }

  @Test
  void refusesNonPositiveRates() {
    assertThatThrownBy(() -> OpenLoopScheduler.periodNanos(0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(OpenLoopScheduler.periodNanos(1000)).isEqualTo(MS);
  }
}
