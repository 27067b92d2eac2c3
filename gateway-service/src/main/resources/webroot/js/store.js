// Client-side state: who I am, the names I know, my rooms (most recent first), the messages
// loaded per room, who is online and how far each member has received and read.
// Pure data, no network and no DOM.

import { shortId } from './util.js';

const NAMES_KEY = 'chat.names';
/** {userId, drafts: {roomId: text}}: a reload keeps my drafts; a log-out clears sessionStorage. */
const DRAFTS_KEY = 'chat.drafts';
/** Names are remembered for this tab only; the cap keeps sessionStorage small. */
const MAX_REMEMBERED_NAMES = 2_000;

/**
 * The loaded messages of one room. Messages are kept by seq, so duplicates (at-least-once
 * delivery, our own echo, sync overlap) fall away, and the view orders them by seq.
 */
export class Timeline {
  constructor() {
    this.messages = new Map(); // seq → message
    this.pending = new Map(); // clientMsgId → {clientMsgId, text, state: 'sending'|'queued'|'failed', error}
    this.loaded = false; // the newest page has arrived
    this.lowestSeq = null; // lowest seq held, the `before` cursor of scroll-back
    this.contiguousSeq = 0; // every seq from lowestSeq up to here is held (valid once loaded)
    this.maxSeq = 0;
    this.hasMoreOlder = false;
    this.loading = null; // the newest-page request while it runs, shared by concurrent opens
    this.loadingOlder = false;
    this.filling = false; // a gap fill is running
  }

  /** Adds or replaces a message; returns 'added', 'updated' or 'duplicate'. */
  put(message) {
    const seq = message.seq;
    if (!Number.isInteger(seq)) return 'duplicate';
    const existing = this.messages.get(seq);
    if (existing && !isNewerVersion(message, existing)) return 'duplicate';
    this.messages.set(seq, message);
    if (existing) return 'updated';
    if (seq > this.maxSeq) this.maxSeq = seq;
    if (this.lowestSeq === null || seq < this.lowestSeq) this.lowestSeq = seq;
    this.advance();
    return 'added';
  }

  /** Records the newest page: from here on the timeline is contiguous up to its last seq. */
  markLoaded(page) {
    for (const m of page.messages) this.put(m);
    const last = page.messages.length ? page.messages[page.messages.length - 1].seq : 0;
    this.contiguousSeq = Math.max(this.contiguousSeq, last);
    this.loaded = true;
    this.hasMoreOlder = page.hasMore && this.lowestSeq !== null && this.lowestSeq > 1;
    this.advance();
  }

  addOlder(page) {
    for (const m of page.messages) this.put(m);
    this.hasMoreOlder = page.hasMore && this.lowestSeq !== null && this.lowestSeq > 1;
  }

  advance() {
    if (!this.loaded) return;
    while (this.messages.has(this.contiguousSeq + 1)) this.contiguousSeq++;
  }

  /** The room is known to have reached `seq` (e.g. from the room list): anything missing is a gap. */
  noteLatest(seq) {
    if (Number.isInteger(seq) && seq > this.maxSeq) this.maxSeq = seq;
  }

  /** Something above a missing seq has arrived. */
  hasGap() {
    return this.loaded && this.maxSeq > this.contiguousSeq;
  }

  sorted() {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }
}

/**
 * An edit, delete or reaction (`message.updated`) replaces the stored copy; a plain redelivery,
 * or an older version arriving late (the same change comes live, by sync and as a request's
 * answer), does not. Each change gives the message a higher `updatedSeq`.
 */
function isNewerVersion(incoming, existing) {
  const incomingSeq = incoming.updatedSeq || 0;
  const existingSeq = existing.updatedSeq || 0;
  if (incomingSeq !== existingSeq) return incomingSeq > existingSeq;
  if (incoming.deleted && !existing.deleted) return true;
  return (incoming.editedAt || 0) > (existing.editedAt || 0);
}

export class Store {
  constructor() {
    this.reset();
  }

  reset() {
    this.me = null;
    this.users = new Map(); // userId → {userId, username, displayName}
    this.rooms = new Map(); // roomId → room (plus local fields)
    this.order = []; // roomIds, most recent activity first
    this.timelines = new Map(); // roomId → Timeline (rooms whose history was loaded)
    this.openRoomId = null;
    this.presence = new Map(); // userId → {status, lastSeen}
    this.receipts = new Map(); // roomId → Map userId → {delivered, read} (watermarks, never lower)
    this.drafts = new Map(); // roomId → what I had typed there and not sent
    // "roomId seq emoji" → my reaction as this page last set it: a reaction's list of names is
    // cut past REACTION_NAMES_SHOWN, so it alone cannot always say whether I am among them.
    this.myReactions = new Map();
    // False while the page has no live socket: others' presence may have changed unseen.
    this.presenceKnown = false;
    this.loadNames();
  }

  // --- users and names ---

  setMe(me) {
    this.me = me;
    this.rememberUsers([me]);
    this.loadDrafts();
  }

  /** Returns true when something new was learnt (so names on screen may need a refresh). */
  rememberUsers(users) {
    let changed = false;
    for (const u of users) {
      if (!u || !u.userId) continue;
      const old = this.users.get(u.userId);
      if (!old || old.username !== u.username || old.displayName !== u.displayName) {
        this.users.set(u.userId, { userId: u.userId, username: u.username, displayName: u.displayName });
        changed = true;
      }
    }
    if (changed) this.saveNames();
    return changed;
  }

  nameOf(userId) {
    const u = this.users.get(userId);
    return (u && (u.displayName || u.username)) || shortId(userId);
  }

  usernameOf(userId) {
    const u = this.users.get(userId);
    return u ? u.username : null;
  }

  loadNames() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(NAMES_KEY) || '[]');
      for (const u of saved) if (u && u.userId) this.users.set(u.userId, u);
    } catch {
      // A corrupt cache is only a cache.
    }
  }

  saveNames() {
    try {
      const list = [...this.users.values()].slice(-MAX_REMEMBERED_NAMES);
      sessionStorage.setItem(NAMES_KEY, JSON.stringify(list));
    } catch {
      // Storage full or disabled: names are then known for this page only.
    }
  }

  // --- drafts: one per room, of the user logged in ---

  draft(roomId) {
    return this.drafts.get(roomId) || '';
  }

  setDraft(roomId, text) {
    if (!roomId) return;
    if (text) this.drafts.set(roomId, text);
    else this.drafts.delete(roomId);
    this.saveDrafts();
  }

  loadDrafts() {
    this.drafts.clear();
    try {
      const saved = JSON.parse(sessionStorage.getItem(DRAFTS_KEY) || 'null');
      // Another user's drafts (a tab whose log-out did not run) are never shown: they are dropped.
      if (!saved || saved.userId !== this.me?.userId) return;
      for (const [roomId, text] of Object.entries(saved.drafts || {})) if (typeof text === 'string') this.drafts.set(roomId, text);
    } catch {
      // A corrupt cache is only a cache.
    }
  }

  saveDrafts() {
    if (!this.me) return;
    try {
      sessionStorage.setItem(DRAFTS_KEY, JSON.stringify({ userId: this.me.userId, drafts: Object.fromEntries(this.drafts) }));
    } catch {
      // Storage full or disabled: drafts then last for this page only.
    }
  }

  // --- rooms ---

  isMember(room) {
    if (!Array.isArray(room.members) || !this.me) return true; // cannot tell: assume yes
    return room.members.some((m) => m.userId === this.me.userId);
  }

  /** For a direct room the other member's name; for a group room its name. */
  roomName(room) {
    if (!room) return '';
    if (room.type === 'direct') {
      const members = Array.isArray(room.members) ? room.members : [];
      const other = members.find((m) => this.me && m.userId !== this.me.userId) || members[0];
      if (other) return this.nameOf(other.userId);
    }
    return room.name || shortId(room.roomId);
  }

  /**
   * Replaces the room list with the server's, keeping our order for rooms we already show.
   * GET /rooms counts `unread` from my read watermark, so its count replaces ours.
   */
  setRooms(list) {
    const incoming = new Map(list.map((r) => [r.roomId, r]));
    const kept = this.order.filter((id) => incoming.has(id));
    const added = list.map((r) => r.roomId).filter((id) => !this.rooms.has(id));
    for (const id of this.order) if (!incoming.has(id)) this.forgetRoom(id);
    for (const room of list) this.mergeRoom(room, { trustUnread: true });
    this.order = [...added, ...kept];
  }

  /**
   * Adds or updates a room; new rooms (and, with toTop, this one) go to the top.
   * trustUnread: the copy's `unread` is mine (GET /rooms…), not the same for every member as
   * in `room` events, where it must be ignored.
   */
  upsertRoom(room, { toTop = false, trustUnread = false } = {}) {
    const isNew = !this.rooms.has(room.roomId);
    this.mergeRoom(room, { trustUnread });
    if (isNew || toTop) this.bump(room.roomId);
  }

  mergeRoom(room, { trustUnread = false } = {}) {
    // Members carry the users' username and displayName, looked up each time a room is sent.
    if (Array.isArray(room.members)) this.rememberUsers(room.members.filter((m) => m && m.username));
    const old = this.rooms.get(room.roomId);
    // Membership and role changes can arrive out of order (a room event and a GET crossing):
    // a copy with a lower `version` than the one held is older, and does not undo a change.
    const stale = old && Number(room.version) < Number(old.version);
    const merged = stale ? { ...room, ...old } : { ...old, ...room };
    // Never let a stale copy move lastSeq backwards.
    merged.lastSeq = Math.max(Number(room.lastSeq) || 0, (old && old.lastSeq) || 0);
    if (trustUnread) merged.unread = Math.max(0, Number(room.unread) || 0);
    else merged.unread = old ? old.unread : 0;
    this.rooms.set(room.roomId, merged);
  }

  removeRoom(roomId) {
    this.forgetRoom(roomId);
    this.order = this.order.filter((id) => id !== roomId);
  }

  forgetRoom(roomId) {
    this.rooms.delete(roomId);
    this.timelines.delete(roomId);
    this.receipts.delete(roomId);
    if (this.openRoomId === roomId) this.openRoomId = null;
  }

  bump(roomId) {
    this.order = [roomId, ...this.order.filter((id) => id !== roomId)];
  }

  orderedRooms() {
    return this.order.map((id) => this.rooms.get(id)).filter(Boolean);
  }

  /**
   * Forgets every message held of a room whose epoch changed: a fresh timeline (not loaded) and
   * lastSeq 0. Messages still waiting to be sent are kept, to be sent with their clientMsgId.
   */
  dropHistory(roomId) {
    const old = this.timelines.get(roomId);
    if (old) {
      const fresh = new Timeline();
      for (const [clientMsgId, pending] of old.pending) fresh.pending.set(clientMsgId, pending);
      this.timelines.set(roomId, fresh);
    }
    const room = this.rooms.get(roomId);
    if (room) {
      room.lastSeq = 0;
      room.unread = 0;
    }
  }

  timeline(roomId) {
    let t = this.timelines.get(roomId);
    if (!t) {
      t = new Timeline();
      this.timelines.set(roomId, t);
    }
    return t;
  }

  /**
   * How many messages of others a room still has after my read watermark `seq`: exact where
   * the loaded timeline covers them, otherwise at most every seq after it.
   */
  unreadAfter(roomId, seq) {
    const room = this.rooms.get(roomId);
    if (!room || seq >= (room.lastSeq || 0)) return 0;
    const t = this.timelines.get(roomId);
    if (!t || !t.loaded || t.lowestSeq === null || t.lowestSeq > seq + 1) return room.lastSeq - seq;
    let count = 0;
    for (const m of t.messages.values()) if (m.seq > seq && m.senderId !== this.me?.userId) count++;
    // Seqs the room list knows of but the timeline has not received yet.
    return count + Math.max(0, room.lastSeq - Math.max(t.maxSeq, seq));
  }

  /**
   * The first of the last `unread` messages of others that the loaded timeline holds: where the
   * "new messages" divider goes. `complete` is false when the timeline does not reach back that
   * far (older pages not loaded yet); the seq is then the oldest message of others held after it.
   */
  firstUnread(roomId, unread) {
    const t = this.timelines.get(roomId);
    if (!t || !t.loaded || !(unread > 0)) return { seq: null, complete: true };
    const me = this.me?.userId;
    let counted = 0;
    let seq = null;
    for (const m of [...t.messages.values()].sort((a, b) => b.seq - a.seq)) {
      if (m.senderId === me) continue;
      seq = m.seq;
      if (++counted === unread) return { seq, complete: true };
    }
    return { seq, complete: !t.hasMoreOlder };
  }

  /** The seq up to which we have seen a room: what chat.sync should continue from. */
  lastSeenSeq(roomId) {
    const t = this.timelines.get(roomId);
    if (t && t.loaded) return t.contiguousSeq;
    const room = this.rooms.get(roomId);
    return (room && room.lastSeq) || 0;
  }

  // --- my reactions ---

  myReaction(roomId, seq, emoji) {
    return this.myReactions.get(`${roomId} ${seq} ${emoji}`);
  }

  setMyReaction(roomId, seq, emoji, on) {
    this.myReactions.set(`${roomId} ${seq} ${emoji}`, Boolean(on));
  }

  // --- presence ---

  /** The other member of a direct room (null for group rooms). */
  directPeer(room) {
    if (!room || room.type !== 'direct' || !Array.isArray(room.members)) return null;
    const other = room.members.find((m) => m.userId !== this.me?.userId);
    return other ? other.userId : null;
  }

  /**
   * A user's presence as the page may show it: null when unknown to us; status `unknown` while
   * the page is disconnected, since it may have changed without us hearing.
   */
  presenceOf(userId) {
    const presence = userId ? this.presence.get(userId) : null;
    if (!presence) return null;
    return this.presenceKnown ? presence : { status: 'unknown', lastSeen: null };
  }

  /** Records a user's presence; returns true when it changed. */
  setPresence(userId, status, lastSeen) {
    if (!userId || typeof status !== 'string') return false;
    const old = this.presence.get(userId);
    const next = { status, lastSeen: Number.isFinite(lastSeen) ? lastSeen : null };
    if (old && old.status === next.status && old.lastSeen === next.lastSeen) return false;
    this.presence.set(userId, next);
    return true;
  }

  // --- receipts ---

  /**
   * Raises a member's watermark (watermarks never go back; read implies delivered).
   * Returns true when it moved.
   */
  mergeReceipt(roomId, userId, kind, seq) {
    if (!roomId || !userId || !Number.isInteger(seq) || seq <= 0) return false;
    if (kind !== 'delivered' && kind !== 'read') return false;
    let members = this.receipts.get(roomId);
    if (!members) {
      members = new Map();
      this.receipts.set(roomId, members);
    }
    const marks = members.get(userId) || { delivered: 0, read: 0 };
    const next = { delivered: marks.delivered, read: marks.read };
    if (kind === 'read') next.read = Math.max(next.read, seq);
    next.delivered = Math.max(next.delivered, next.read, kind === 'delivered' ? seq : 0);
    if (next.delivered === marks.delivered && next.read === marks.read) return false;
    members.set(userId, next);
    return true;
  }

  /**
   * A function telling what my message `seq` shows, built once per room so that redrawing
   * every mark after a receipt stays cheap in large groups.
   * Direct rooms: {type:'direct', state:'sent'|'delivered'|'read'} for the other member.
   * Group rooms: {type:'group', count, of}: how many of the `of` other current members have a
   * read watermark at or past it.
   */
  receiptMarker(room) {
    const marks = this.receipts.get(room.roomId) || new Map();
    if (room.type === 'direct') {
      const peer = marks.get(this.directPeer(room)) || { delivered: 0, read: 0 };
      return (seq) => ({
        type: 'direct',
        state: peer.read >= seq ? 'read' : peer.delivered >= seq ? 'delivered' : 'sent',
      });
    }
    const others = (Array.isArray(room.members) ? room.members : [])
      .map((m) => m.userId)
      .filter((id) => id !== this.me?.userId);
    const reads = others.map((id) => marks.get(id)?.read || 0).sort((a, b) => a - b);
    return (seq) => ({ type: 'group', count: reads.length - lowerBound(reads, seq), of: others.length });
  }
}

/** Index of the first element ≥ value in an ascending array. */
function lowerBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
