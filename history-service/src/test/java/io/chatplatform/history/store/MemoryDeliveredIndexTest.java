package io.chatplatform.history.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatplatform.history.domain.DeliveredIndex;
import io.chatplatform.testsupport.Await;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The delivered index in memory")
class MemoryDeliveredIndexTest extends DeliveredIndexContract {
  final MemoryDeliveredIndex index = new MemoryDeliveredIndex(3);

  @Override
  DeliveredIndex index() {
    return index;
  }

  @Test
  @DisplayName("keeps at most DELIVERED_INDEX_MEMORY_ROOMS rooms, the least recently used dropped")
  void boundedRooms() {
    for (String room : new String[] {"r1", "r2", "r3"}) {
      Await.result(index.rebuild(room, 1, Map.of("u_a", 0L)));
    }
    Await.result(index.below("r1", 1, 1));
    Await.result(index.rebuild("r4", 1, Map.of("u_a", 0L)));
    assertThat(Await.result(index.below("r2", 1, 1))).as("the least recently used").isNull();
    assertThat(Await.result(index.below("r1", 1, 1))).containsExactly("u_a");
  }
}
