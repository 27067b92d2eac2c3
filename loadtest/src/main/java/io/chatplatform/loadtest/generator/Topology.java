package io.chatplatform.loadtest.generator;

import java.util.ArrayList;
import java.util.List;

/**
 * Who is in which room, as user numbers (0-based within this process). Pure: the plans are turned
 * into rooms on the server by {@link Harness#createRooms}.
 */
final class Topology {
  /** A room to create: its first member creates it (and owns it). */
  record RoomPlan(String name, List<Integer> members, boolean direct) {}

  /** A created room. */
  record Room(String roomId, List<Integer> members) {}

  private Topology() {}

  /** {@code rooms} group rooms of {@code members} users each; every user in exactly one room. */
  static List<RoomPlan> groups(int rooms, int members) {
    List<RoomPlan> plans = new ArrayList<>();
    for (int r = 0; r < rooms; r++) {
      plans.add(new RoomPlan("fanout " + r, range(r * members, members), false));
    }
    return plans;
  }

  /** {@code pairs} direct rooms: users 2p and 2p+1. */
  static List<RoomPlan> pairs(int pairs) {
    List<RoomPlan> plans = new ArrayList<>();
    for (int p = 0; p < pairs; p++) {
      plans.add(new RoomPlan("direct " + p, range(2 * p, 2), true));
    }
    return plans;
  }

  /**
   * Every user in exactly two group rooms of about {@code roomSize} members: a first layer of
   * consecutive blocks, and a second layer of blocks shifted by half a room (wrapping around), so
   * the two rooms of a user have different members, as in real use.
   */
  static List<RoomPlan> twoRoomsEach(int users, int roomSize) {
    List<RoomPlan> plans = new ArrayList<>();
    int shift = Math.min(users - 1, roomSize / 2);
    for (int layer = 0; layer < 2; layer++) {
      int offset = layer == 0 ? 0 : shift;
      for (int start = 0, block = 0; start < users; start += roomSize, block++) {
        List<Integer> members = new ArrayList<>();
        for (int j = 0; j < Math.min(roomSize, users - start); j++) {
          members.add((offset + start + j) % users);
        }
        plans.add(new RoomPlan("idle " + layer + "." + block, members, false));
      }
    }
    return plans;
  }

  private static List<Integer> range(int first, int count) {
    List<Integer> members = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      members.add(first + i);
    }
    return members;
  }
}
