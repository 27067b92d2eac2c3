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
  void countsLostDuplicatedAndUnacknowledgedDeliveries() {
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
    assertThat(totals.duplicated()).isEqualTo(2);
    assertThat(totals.unacknowledged()).isEqualTo(1);
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
