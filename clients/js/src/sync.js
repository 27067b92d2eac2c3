// The catch-up loop of chat.sync (docs/protocol.md, chat.sync): from the last seq per room,
// again for every room that answers hasMore, until none does.

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
 * @param {(body: {rooms: Record<string, number>}) => Promise<any>} request one chat.sync
 * @param {Record<string, number>} cursors room id → the highest seq held (0 for none), in the
 *   order the rooms matter most
 * @param {(roomId: string, result: {messages: object[], hasMore: boolean, epoch: string|null}) => boolean} onRoom
 *   takes one room's answer; false: do not follow this room further (its epoch changed)
 * @returns {Promise<{rounds: number, messages: number, complete: boolean}>}
 */
export async function syncRooms(request, cursors, onRoom, { roomsPerRequest = SYNC_ROOMS_PER_REQUEST } = {}) {
  let pending = { ...cursors };
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
    let received = 0;
    rounds++;
    for (const chunk of chunks(Object.entries(pending), roomsPerRequest)) {
      const reply = await request({ rooms: Object.fromEntries(chunk) });
      for (const [roomId, result] of Object.entries((reply && reply.rooms) || {})) {
        if (!result) continue;
        const messages = Array.isArray(result.messages) ? result.messages : [];
        const room = { messages, hasMore: Boolean(result.hasMore), epoch: result.epoch ?? null };
        if (!onRoom(roomId, room)) continue;
        received += messages.length;
        if (room.hasMore) next[roomId] = messages.length ? messages[messages.length - 1].seq : pending[roomId];
      }
    }
    total += received;
    if (received === 0 && Object.keys(next).length) return { rounds, messages: total, complete: false };
    pending = next;
  }
  return { rounds, messages: total, complete: true };
}
