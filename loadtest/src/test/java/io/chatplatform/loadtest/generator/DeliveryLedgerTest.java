package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  // Room a: sockets 0, 1, 2. Room b: sockets 3, 4.
  private final DeliveryLedger ledger = new DeliveryLedger(Map.of("a", List.of(0, 1, 2), "b", List.of(3, 4)), 5);

  @Test
  void everyMemberSocketReceivingEveryAckedMessageIsNoLoss() {
    ledger.expect("a", 1);
    ledger.expect("b", 1);
    for (int socket = 0; socket < 3; socket++) {
      assertThat(ledger.record(socket, "a", 1)).isTrue();
    }
    ledger.record(3, "b", 1);
    ledger.record(4, "b", 1);
    assertThat(ledger.totals()).isEqualTo(new DeliveryLedger.Totals(5, 5, 0, 0));
    assertThat(ledger.totals().lost()).isZero();
  }

  @Test
  void countsLostRedeliveredAndUnacknowledgedDeliveries() {
    ledger.expect("a", 1);
    ledger.expect("a", 2);
    ledger.expect("b", 7);
    // a1 reaches everyone, and socket 0 twice.
    ledger.record(0, "a", 1);
    ledger.record(1, "a", 1);
    ledger.record(2, "a", 1);
    assertThat(ledger.record(0, "a", 1)).isFalse();
    // a2 misses socket 2.
    ledger.record(0, "a", 2);
    ledger.record(1, "a", 2);
    // b7 reaches socket 3 twice and socket 4 never.
    ledger.record(3, "b", 7);
    ledger.record(3, "b", 7);
    // a3 was never acknowledged: received, but not owed.
    ledger.record(1, "a", 3);

    DeliveryLedger.Totals totals = ledger.totals();
    assertThat(totals.expected()).isEqualTo(2 * 3 + 2);
    assertThat(totals.received()).isEqualTo(3 + 2 + 1);
    assertThat(totals.lost()).isEqualTo(2);
    // The same (socket, room, seq) twice is a redelivery a client drops, not a duplicate.
    assertThat(totals.redelivered()).isEqualTo(2);
    assertThat(totals.duplicated()).isZero();
    assertThat(totals.unacknowledged()).isEqualTo(1);
  }

  @Test
  void acrossASimulatedReconnectEachDeliveryCountsOnceWhateverItsSource() {
    // Room a: sockets 0 (the sender), 1, 2. Socket 1 drops after seq 2 and comes back.
    // Live events of seq 1..3; socket 1 misses 3 while it is away.
    for (long seq = 1; seq <= 3; seq++) {
      ledger.expect("a", seq);
      assertThat(ledger.record(0, "a", seq, "m" + seq, "c" + seq)).isTrue();
      assertThat(ledger.record(2, "a", seq, "m" + seq, "c" + seq)).isTrue();
      if (seq <= 2) {
        assertThat(ledger.record(1, "a", seq, "m" + seq, "c" + seq)).isTrue();
      }
    }
    // Socket 0 sent seq 4 and its socket closed before the reply: the message was stored and
    // announced to sockets 1 (no: away) and 2, and nobody acknowledged it yet.
    assertThat(ledger.record(2, "a", 4, "m4", "c4")).isTrue();
    // Socket 1 reconnects and syncs from held 1 (it held 2 but its held lagged): the answer
    // overlaps what it had (seq 2) and brings seq 3 and 4.
    assertThat(ledger.record(1, "a", 2, "m2", "c2")).isFalse();
    assertThat(ledger.record(1, "a", 3, "m3", "c3")).isTrue();
    assertThat(ledger.record(1, "a", 4, "m4", "c4")).isTrue();
    // Socket 0 resends c4 with the same clientMsgId: the server answers the stored seq 4; the
    // reply is the sender's delivery and its ack; the re-announced live event follows.
    ledger.expect("a", 4);
    assertThat(ledger.record(0, "a", 4, "m4", "c4")).isTrue();
    assertThat(ledger.record(0, "a", 4, "m4", "c4")).isFalse();
    assertThat(ledger.record(2, "a", 4, "m4", "c4")).isFalse();

    DeliveryLedger.Totals totals = ledger.totals();
    assertThat(totals.expected()).isEqualTo(4 * 3);
    assertThat(totals.received()).isEqualTo(4 * 3);
    assertThat(totals.lost()).isZero();
    assertThat(totals.duplicated()).isZero();
    assertThat(totals.redelivered()).isEqualTo(3);
    assertThat(totals.unacknowledged()).isZero();
  }

  @Test
  void aResendStoredTwiceAndTwoMessagesAtOneSeqAreDuplicates() {
    // The server stored the resend of c1 again, as seq 2: every socket that gets both shows it twice.
    ledger.expect("a", 1);
    ledger.expect("a", 2);
    for (int socket = 0; socket < 3; socket++) {
      ledger.record(socket, "a", 1, "m1", "c1");
    }
    ledger.record(0, "a", 2, "m2", "c1");
    ledger.record(1, "a", 2, "m2", "c1");
    // After an unnoticed history reset, seq 3 names two different messages on two sockets.
    ledger.expect("a", 3);
    ledger.record(0, "a", 3, "m3", "c3");
    ledger.record(1, "a", 3, "m3bis", "c3bis");
    DeliveryLedger.Totals totals = ledger.totals();
    assertThat(totals.duplicated()).isEqualTo(2 + 1);
    assertThat(totals.redelivered()).isZero();
    // Socket 2 never got seq 2 or 3.
    assertThat(totals.lost()).isEqualTo(2);
  }

  @Test
  void theSameSeqInAnotherRoomOrOnAnotherSocketIsNoDuplicate() {
    ledger.expect("a", 1);
    ledger.expect("b", 1);
    assertThat(ledger.record(0, "a", 1)).isTrue();
    assertThat(ledger.record(1, "a", 1)).isTrue();
    assertThat(ledger.record(0, "b", 1)).isTrue();
    assertThat(ledger.totals().duplicated()).isZero();
  }

  @Test
  void aDeliveryBeforeItsAckStillCounts() {
    ledger.record(3, "b", 4);
    ledger.record(4, "b", 4);
    ledger.expect("b", 4);
    assertThat(ledger.totals()).isEqualTo(new DeliveryLedger.Totals(2, 2, 0, 0));
  }

  @Test
  void knowsEachRoomsRecipientsAndRefusesUnknownRooms() {
    assertThat(ledger.recipients("a")).isEqualTo(3);
    assertThat(ledger.recipients("b")).isEqualTo(2);
    assertThat(ledger.recipients("nope")).isZero();
    assertThatThrownBy(() -> ledger.expect("nope", 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
