// Per room: how far the client has received it (`held`: every seq up to it was delivered), which
// later seqs came early, and the epoch those seqs belong to (docs/protocol.md, Epochs). Pure
// data: ChatClient feeds it every message and answer, and asks it where chat.sync continues.

/**
 * @typedef {object} RoomCursor
 * @property {number|null} held every seq up to here was delivered; null while unknown (the
 *   room's seqs started again and its new lastSeq is being read)
 * @property {Set<number>} early seqs above `held + 1` delivered ahead of a gap
 * @property {number} latest the highest seq the room is known to have reached
 * @property {string|null} epoch
 * @property {number|null} updatedSeq the highest `updatedSeq` (docs/protocol.md, chat.sync, Edits
 *   and deletes) up to which the room's changes were received; null while unknown (a room met
 *   afresh: its first chat.sync asks from 0 once and takes where the room stands)
 */

export class RoomCursors {
  constructor() {
    /** @type {Map<string, RoomCursor>} */
    this.rooms = new Map();
  }

  has(roomId) {
    return this.rooms.has(roomId);
  }

  /** @returns {number|null} */
  held(roomId) {
    const room = this.rooms.get(roomId);
    return room ? room.held : null;
  }

  /**
   * A room as the server lists it. A room met for the first time starts at its `lastSeq`: its
   * history is the app's to load; from here on every message is delivered. A known room only
   * learns how far it has got.
   */
  track(roomId, lastSeq) {
    const seq = Number.isInteger(lastSeq) && lastSeq > 0 ? lastSeq : 0;
    const room = this.rooms.get(roomId);
    if (!room) {
      this.rooms.set(roomId, { held: seq, early: new Set(), latest: seq, epoch: null, updatedSeq: null });
    } else if (room.held === null) {
      room.held = seq;
      room.latest = Math.max(room.latest, seq);
      advance(room);
    } else {
      room.latest = Math.max(room.latest, seq);
    }
  }

  forget(roomId) {
    this.rooms.delete(roomId);
  }

  /** Keeps only these rooms (the complete room list: the others were left). */
  retain(roomIds) {
    const keep = new Set(roomIds);
    for (const roomId of [...this.rooms.keys()]) if (!keep.has(roomId)) this.rooms.delete(roomId);
  }

  clear() {
    this.rooms.clear();
  }

  /**
   * Records a message; true when it was not delivered before (deliver it), false for a
   * duplicate. A message of a room not tracked yet starts tracking it there.
   * @param {{roomId: string, seq: number}} message
   */
  accept({ roomId, seq }) {
    if (!Number.isInteger(seq) || seq < 1) return false;
    let room = this.rooms.get(roomId);
    if (!room) {
      this.track(roomId, seq - 1);
      room = this.rooms.get(roomId);
    }
    if ((room.held !== null && seq <= room.held) || room.early.has(seq)) return false;
    room.early.add(seq);
    room.latest = Math.max(room.latest, seq);
    advance(room);
    return true;
  }

  /** Some seq above `held` is known to exist and was not delivered. */
  hasGap(roomId) {
    const room = this.rooms.get(roomId);
    return Boolean(room) && room.held !== null && room.latest > room.held;
  }

  /**
   * Notes the epoch an answer brought. Returns true when it differs from the one held: the
   * room's seqs started again, so `held` is void (it becomes null until `track` gives the new
   * lastSeq). `null` (a room without messages, or not read) changes nothing.
   */
  noteEpoch(roomId, epoch) {
    if (epoch === null || epoch === undefined) return false;
    const room = this.rooms.get(roomId);
    if (!room) return false;
    const known = room.epoch;
    room.epoch = epoch;
    if (known === null || known === epoch) return false;
    room.held = null;
    room.latest = 0;
    room.early.clear();
    room.updatedSeq = null; // a new epoch numbers its changes afresh too
    return true;
  }

  /** @returns {number|null} the room's held `updatedSeq`, null while unknown */
  updatedSeq(roomId) {
    const room = this.rooms.get(roomId);
    return room ? room.updatedSeq : null;
  }

  /**
   * Raises the room's held `updatedSeq` (a `message.updated` event's, a change's, or a sync
   * answer's `changes.updatedSeq`); it never goes back.
   */
  noteChange(roomId, updatedSeq) {
    const room = this.rooms.get(roomId);
    if (!room || !Number.isInteger(updatedSeq) || updatedSeq < 0) return;
    room.updatedSeq = Math.max(room.updatedSeq ?? 0, updatedSeq);
  }

  /**
   * Where chat.sync's `changes` continue, for the rooms of `positions()`: {roomId: updatedSeq},
   * null for a room whose position is not known yet.
   * @returns {Record<string, number|null>}
   */
  changePositions() {
    const result = {};
    for (const [roomId, room] of this.rooms) if (room.held !== null) result[roomId] = room.updatedSeq;
    return result;
  }

  /**
   * Where chat.sync continues, for every room whose position is known: {roomId: held}.
   * @returns {Record<string, number>}
   */
  positions() {
    const result = {};
    for (const [roomId, room] of this.rooms) if (room.held !== null) result[roomId] = room.held;
    return result;
  }
}

function advance(room) {
  if (room.held === null) return;
  while (room.early.delete(room.held + 1)) room.held++;
  for (const seq of room.early) if (seq <= room.held) room.early.delete(seq);
}
