package io.chatplatform.loadtest.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyTest {
  private static Map<Integer, Integer> roomsPerUser(List<Topology.RoomPlan> plans) {
    Map<Integer, Integer> count = new HashMap<>();
    plans.forEach(p -> p.members().forEach(m -> count.merge(m, 1, Integer::sum)));
    return count;
  }

  @Test
  void groupsPutEveryUserInOneRoom() {
    List<Topology.RoomPlan> plans = Topology.groups(3, 4);
    assertThat(plans).hasSize(3).allSatisfy(p -> assertThat(p.members()).hasSize(4));
    assertThat(roomsPerUser(plans)).hasSize(12).allSatisfy((u, n) -> assertThat(n).isEqualTo(1));
  }

  @Test
  void pairsAreDirectRoomsOfTwo() {
    List<Topology.RoomPlan> plans = Topology.pairs(5);
    assertThat(plans).hasSize(5).allSatisfy(p -> {
      assertThat(p.direct()).isTrue();
      assertThat(p.members()).hasSize(2);
    });
    assertThat(roomsPerUser(plans)).hasSize(10);
  }

  @Test
  void idleUsersAreInExactlyTwoRoomsWithDifferentMembers() {
    for (int users : new int[] {1, 7, 10, 95, 1000}) {
      List<Topology.RoomPlan> plans = Topology.twoRoomsEach(users, 10);
      assertThat(roomsPerUser(plans)).as("%d users", users).hasSize(users).allSatisfy((u, n) -> assertThat(n).isEqualTo(2));
      assertThat(plans).allSatisfy(p -> assertThat(p.members()).hasSizeBetween(1, 10).doesNotHaveDuplicates());
    }
    List<Topology.RoomPlan> plans = Topology.twoRoomsEach(100, 10);
    assertThat(plans.get(0).members()).isNotEqualTo(plans.get(10).members());
  }
}
