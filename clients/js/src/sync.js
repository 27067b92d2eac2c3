// The catch-up loop of chat.sync (docs/protocol.md, chat.sync): from the last seq per room,
// again for every room that answers hasMore, until none does; with `changes`, the edits,
// deletes and reactions after the last `updatedSeq` per room, followed the same way.

import { chunks } from './util.js';

/** The server caps the rooms one chat.sync may name (SYNC_MAX_ROOMS, 500); stay well below it. */
export const SYNC_ROOMS_PER_REQUEST = 200;

/**
 * Rooms answering hasMore are asked again from their new last seq until none is left. A reply
 * holds at most SYNC_MAX_REPLY_BYTES, so a room it did not reach answers hasMore with no
 * messages: it is asked again from where it was. The server puts at least one message in every
 * reply that has any to give, so each round advances; a round that brings nothing while rooms
 * still answer hasMore stops the loop (the rest waits for the next sync).
 *
 * Changes: a room whose `updatedSeq` is known is asked from it and followed while its
 * `changes.hasMore`; a room whose position is not known (null: met afresh, its messages are read
 * as they are now) is asked from 0 once, for where it stands, not followed through its history.
 *
 * @param {(body: {rooms: Record<string, number>, changes?: Record<string, number>}) => Promise<any>} request one chat.sync
 * @param {Record<string, number>} cursors room id → the highest seq held (0 for none), in the
 *   order the rooms matter most
 * @param {(roomId: string, result: {messages: object[], hasMore: boolean, epoch: string|null}) => boolean} onRoom
 *   takes one room's answer; false: do not follow this room further (its epoch changed)
 * @param {object} [options]
 * @param {number} [options.roomsPerRequest]
 * @param {Record<string, number|null>|null} [options.changes] room id → the `updatedSeq` held
 *   (null: not known); without it no changes are asked for
 * @param {(roomId: string, changes: {messages: object[], hasMore: boolean, updatedSeq: number}, settled: boolean) => void} [options.onChanges]
 *   takes one room's changes, after its messages; `settled`: hold `changes.updatedSeq` now
 * @returns {Promise<{rounds: number, messages: number, complete: boolean}>}
 */
export async function syncRooms(request, cursors, onRoom, { roomsPerRequest = SYNC_ROOMS_PER_REQUEST, changes = null, onChanges = () => {} } = {}) {
  let pending = { ...cursors };
  let pendingChanges = {};
  if (changes) for (const roomId of Object.keys(pending)) if (roomId in changes) pendingChanges[roomId] = changes[roomId];
  let rounds = 0;
  let total = 0;
  if (Object.keys(pending).length === 0) {
    // Nothing to catch up on, but one round trip proves the socket (and the inbox registration
    // sent before it) is live.
    await request({ rooms: {} });
    return { rounds: 1, messages: 0, complete: true };
  }
  while (Object.keys(pending).length) {
    const next = {};
    const nextChanges = {};
    let received = 0;
    rounds++;
    for (const chunk of chunks(Object.entries(pending), roomsPerRequest)) {
      const body = { rooms: Object.fromEntries(chunk) };
      const asked = chunk.filter(([roomId]) => roomId in pendingChanges).map(([roomId]) => [roomId, pendingChanges[roomId] ?? 0]);
      if (asked.length) body.changes = Object.fromEntries(asked);
      const reply = await request(body);
      for (const [roomId, result] of Object.entries((reply && reply.rooms) || {})) {
        if (!result) continue;
        const messages = Array.isArray(result.messages) ? result.messages : [];
        const room = { messages, hasMore: Boolean(result.hasMore), epoch: result.epoch ?? null };
        if (!onRoom(roomId, room)) continue;
        received += messages.length;
        const lastSeq = messages.length ? messages[messages.length - 1].seq : pending[roomId];
        if (room.hasMore) next[roomId] = lastSeq;
        if (!(roomId in pendingChanges) || !result.changes) continue;
        const from = pendingChanges[roomId];
        const found = {
          messages: Array.isArray(result.changes.messages) ? result.changes.messages : [],
          hasMore: Boolean(result.changes.hasMore),
          updatedSeq: Number(result.changes.updatedSeq) || 0,
        };
        received += found.messages.length;
        // Not reached by the byte budget (none came): asked again from the same place.
        const unread = found.hasMore && found.messages.length === 0;
        const follow = unread || (found.hasMore && from !== null);
        onChanges(roomId, found, !follow);
        if (follow) {
          nextChanges[roomId] = found.messages.length ? found.messages[found.messages.length - 1].updatedSeq : from;
          if (!(roomId in next)) next[roomId] = lastSeq;
        }
      }
    }
    total += received;
    if (received === 0 && Object.keys(next).length) return { rounds, messages: total, complete: false };
    pending = next;
    pendingChanges = nextChanges;
  }
  return { rounds, messages: total, complete: true };
}
