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
 * triple (socket, room, seq), whichever way it came: a live event, a {@code chat.sync} answer
 * after a reconnect, or the sender's own {@code chat.send} reply. The first one counts as
 * received; a repeat is <em>redelivered</em>, which the protocol allows (a client drops a seq it
 * holds) and is not a duplicate. {@code lost = expected − received}, counting only received
 * deliveries of expected messages; deliveries of messages whose ack never came are reported
 * apart as {@code unacknowledged}.
 *
 * <p><em>Duplicated</em> counts what a client that dedupes by seq would still get wrong: a first
 * delivery of (socket, room, seq) whose {@code messageId} differs from the one the ledger first saw
 * at that (room, seq), or whose {@code clientMsgId} the ledger already saw stored under another seq
 * of the room (a resend stored twice).
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
    /** The first messageId seen at each seq, and the first seq seen for each clientMsgId. */
    final Map<Long, String> messageIdBySeq = new HashMap<>();
    final Map<String, Long> seqByClientMsgId = new HashMap<>();

    RoomLedger(int[] recipients) {
      this.recipients = recipients;
    }
  }

  private static final class SocketLedger {
    final Map<String, BitSet> seen = new HashMap<>();
    long distinct;
    long redelivered;
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

  /** A delivery without identities (only its seq is checked). @return false when the socket already had it */
  boolean record(int socketId, String roomId, long seq) {
    return record(socketId, roomId, seq, null, null);
  }

  /**
   * One delivery to one socket, from any source.
   *
   * @param messageId the message's id (null: not checked)
   * @param clientMsgId its sender's idempotency key (null: not checked)
   * @return false when this socket already had this (room, seq): a redelivery
   */
  boolean record(int socketId, String roomId, long seq, String messageId, String clientMsgId) {
    SocketLedger socket = sockets[socketId];
    int bit = index(seq);
    synchronized (socket) {
      BitSet seen = socket.seen.computeIfAbsent(roomId, k -> new BitSet());
      if (seen.get(bit)) {
        socket.redelivered++;
        return false;
      }
      seen.set(bit);
      socket.distinct++;
    }
    if (conflicts(roomId, seq, messageId, clientMsgId)) {
      synchronized (socket) {
        socket.duplicates++;
      }
    }
    return true;
  }

  /** Whether this message's identity disagrees with what the room's earlier deliveries said. */
  private boolean conflicts(String roomId, long seq, String messageId, String clientMsgId) {
    RoomLedger room = rooms.get(roomId);
    if (room == null || (messageId == null && clientMsgId == null)) {
      return false;
    }
    synchronized (room) {
      boolean conflict = false;
      if (messageId != null) {
        String known = room.messageIdBySeq.putIfAbsent(seq, messageId);
        conflict = known != null && !known.equals(messageId);
      }
      if (clientMsgId != null) {
        Long knownSeq = room.seqByClientMsgId.putIfAbsent(clientMsgId, seq);
        conflict |= knownSeq != null && knownSeq != seq;
      }
      return conflict;
    }
  }

  Totals totals() {
    long expected = 0;
    long received = 0;
    long distinct = 0;
    long redelivered = 0;
    long duplicates = 0;
    for (SocketLedger socket : sockets) {
      synchronized (socket) {
        distinct += socket.distinct;
        redelivered += socket.redelivered;
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
    return new Totals(expected, received, distinct - received, duplicates, redelivered);
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
   * @param duplicated first deliveries of a (socket, room, seq) naming another message than the
   *     room's earlier deliveries at that seq, or a clientMsgId already stored under another seq
   * @param redelivered deliveries of a (socket, room, seq) the socket already had (live event and
   *     sync answer, say): allowed by the protocol, dropped by clients, not a duplicate
   */
  public record Totals(long expected, long received, long unacknowledged, long duplicated, long redelivered) {
    public Totals(long expected, long received, long unacknowledged, long duplicated) {
      this(expected, received, unacknowledged, duplicated, 0);
    }

    public long lost() {
      return expected - received;
    }
  }
}
