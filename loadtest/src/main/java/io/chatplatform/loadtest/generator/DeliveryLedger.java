package io.chatplatform.loadtest.generator;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Expected versus received deliveries of the measured messages, per socket, exactly.
 *
 * <p>A message is <em>expected</em> once its sender's {@code chat.send} is acknowledged (the
 * server has stored it, so every member socket of its room must receive it). A delivery is the
 * pair (socket, room, seq): the first one counts as received, any repeat as a duplicate.
 * {@code lost = expected − received}, counting only received deliveries of expected messages;
 * deliveries of messages whose ack never came are reported apart as {@code unacknowledged}.
 *
 * <p>{@code seq} is gap-free per room, so one bit per seq (a {@link BitSet} per socket and room)
 * records millions of deliveries in little memory. Writers on different event loops touch
 * different sockets; each socket's and each room's bits have their own lock (uncontended).
 */
public final class DeliveryLedger {
  private final Map<String, RoomLedger> rooms = new HashMap<>();
  private final SocketLedger[] sockets;

  private static final class RoomLedger {
    final int[] recipients;
    final BitSet expected = new BitSet();

    RoomLedger(int[] recipients) {
      this.recipients = recipients;
    }
  }

  private static final class SocketLedger {
    final Map<String, BitSet> seen = new HashMap<>();
    long distinct;
    long duplicates;
  }

  /**
   * @param recipientsByRoom each room's member sockets (ids below {@code socketCount}); the
   *     sender's own socket is a recipient too
   */
  DeliveryLedger(Map<String, List<Integer>> recipientsByRoom, int socketCount) {
    sockets = new SocketLedger[socketCount];
    for (int i = 0; i < socketCount; i++) {
      sockets[i] = new SocketLedger();
    }
    recipientsByRoom.forEach((roomId, ids) -> rooms.put(roomId, new RoomLedger(ids.stream().mapToInt(Integer::intValue).toArray())));
  }

  /** How many deliveries one message of this room should make. */
  int recipients(String roomId) {
    RoomLedger room = rooms.get(roomId);
    return room == null ? 0 : room.recipients.length;
  }

  /** The server acknowledged message {@code seq} of the room: each member socket must receive it. */
  void expect(String roomId, long seq) {
    RoomLedger room = rooms.get(roomId);
    if (room == null) {
      throw new IllegalArgumentException("unknown room " + roomId);
    }
    synchronized (room) {
      room.expected.set(index(seq));
    }
  }

  /** @return false when this socket already had this message (a duplicate) */
  boolean record(int socketId, String roomId, long seq) {
    SocketLedger socket = sockets[socketId];
    synchronized (socket) {
      BitSet seen = socket.seen.computeIfAbsent(roomId, k -> new BitSet());
      int bit = index(seq);
      if (seen.get(bit)) {
        socket.duplicates++;
        return false;
      }
      seen.set(bit);
      socket.distinct++;
      return true;
    }
  }

  Totals totals() {
    long expected = 0;
    long received = 0;
    long distinct = 0;
    long duplicates = 0;
    for (SocketLedger socket : sockets) {
      synchronized (socket) {
        distinct += socket.distinct;
        duplicates += socket.duplicates;
      }
    }
    for (Map.Entry<String, RoomLedger> entry : rooms.entrySet()) {
      RoomLedger room = entry.getValue();
      BitSet expectedSeqs;
      synchronized (room) {
        expectedSeqs = (BitSet) room.expected.clone();
      }
      expected += (long) expectedSeqs.cardinality() * room.recipients.length;
      for (int socketId : room.recipients) {
        SocketLedger socket = sockets[socketId];
        BitSet got;
        synchronized (socket) {
          BitSet seen = socket.seen.get(entry.getKey());
          got = seen == null ? new BitSet() : (BitSet) seen.clone();
        }
        got.and(expectedSeqs);
        received += got.cardinality();
      }
    }
    return new Totals(expected, received, distinct - received, duplicates);
  }

  private static int index(long seq) {
    if (seq < 0 || seq > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("seq out of range: " + seq);
    }
    return (int) seq;
  }

  /**
   * @param expected deliveries owed: acknowledged messages × member sockets of their room
   * @param received distinct deliveries of those messages
   * @param unacknowledged distinct deliveries of messages never acknowledged (ack lost, failed or late)
   * @param duplicated deliveries of a (socket, room, seq) the socket already had
   */
  public record Totals(long expected, long received, long unacknowledged, long duplicated) {
    public long lost() {
      return expected - received;
    }
  }
}
