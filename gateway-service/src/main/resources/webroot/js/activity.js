// Who is around and what they do: presence, typing and receipts. ChatController tells this
// class what happens (rooms loaded, message in, room opened, socket up) and hands it the
// typing/receipt/presence events; it keeps the store and both views in step and decides which
// frames go out, and when.

import { api } from './api.js';
import { MY_STATUSES } from './presence.js';
import { ReceiptSender } from './lib/chat-client.js';
import { TypingSender, TypingTracker, typingText } from './typing.js';

/** "Last seen 5 minutes ago" must keep up with the clock. */
const CLOCK_REFRESH_MS = 30_000;

export class Activity {
  /**
   * @param {import('./store.js').Store} store
   * @param {object} parts
   * @param {import('./sidebar-view.js').SidebarView} parts.sidebar
   * @param {import('./chat-view.js').ChatView} parts.chat
   * @param {(address: string, body: object) => Promise<object>} parts.request a socket request;
   *   rejects with code "disconnected" while there is no socket
   */
  constructor(store, { sidebar, chat, request }) {
    this.store = store;
    this.sidebar = sidebar;
    this.chat = chat;
    this.request = request;
    this.run = 0; // bumps on stop, so answers for an older session are dropped
    this.clockTimer = null;
    this.myStatus = 'online';
    this.statusUnsent = false; // chosen while offline: to be said on the next connect
    this.statusChanges = 0; // bumps on every choice, so an older server answer does not undo it
    // userId → when its last presence event arrived: a REST answer asked for before that is older.
    this.presenceEventAt = new Map();

    this.typingOut = new TypingSender((roomId, typing) => {
      this.request('chat.typing', { roomId, typing }).catch((error) => quiet('chat.typing', error));
    });
    this.typingIn = new TypingTracker((roomId) => {
      if (roomId === this.store.openRoomId) this.renderTyping();
    });
    this.receiptsOut = new ReceiptSender(async (roomId, kind, seq) => {
      const reply = await this.request('chat.receipt', { roomId, seq, kind });
      this.myWatermarks(roomId, reply);
      return reply;
    });

    this.statusSelect = document.getElementById('my-status');
    this.statusDot = document.getElementById('my-status-dot');
    this.statusSelect.addEventListener('change', () => this.setMyStatus(this.statusSelect.value));

    this.onVisibilityChange = () => {
      if (document.visibilityState === 'visible') {
        // Messages that were on screen while the tab was hidden are read now.
        const seq = this.chat.maxVisibleSeq();
        if (seq) this.messagesSeen(seq);
      } else {
        this.typingOut.stop(); // nobody types into a tab they cannot see
      }
    };
  }

  // --- session life ---

  start() {
    this.stop();
    this.clockTimer = setInterval(() => this.refreshPresenceViews(), CLOCK_REFRESH_MS);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  stop() {
    this.run++;
    clearInterval(this.clockTimer);
    this.clockTimer = null;
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.typingOut.reset();
    this.typingIn.reset();
    this.receiptsOut.reset();
    this.presenceEventAt.clear();
    this.statusUnsent = false;
    this.statusChanges++;
    this.showMyStatus('online');
    this.chat.setTyping('');
  }

  /** The socket is (again) open and caught up. */
  connected() {
    // The server keeps a chosen status across reconnects (and may have it from another device
    // or an earlier visit), but never sends me my own presence: ask for it, unless I chose one
    // while offline, which is then said now.
    if (this.statusUnsent) this.sendMyStatus();
    else this.loadMyStatus();
    this.receiptsOut.flushAll();
    const openRoomId = this.store.openRoomId;
    if (openRoomId) this.loadReceipts(openRoomId); // receipt events may have been missed
  }

  /** The room list came from GET /rooms (at start and after every reconnect). */
  roomsLoaded() {
    // The open room's count is the server's too: it falls as messages come on screen.
    const userIds = [];
    for (const room of this.store.rooms.values()) {
      for (const m of room.members || []) userIds.push(m.userId);
      // Unread messages have reached this device as far as the room list tells of them.
      if (room.unread > 0) this.receiptsOut.mark(room.roomId, 'delivered', room.lastSeq);
    }
    this.loadPresence(userIds);
  }

  /** A room appeared or changed members: learn the presence of people we know nothing of. */
  roomAdded(room) {
    const unknown = (room.members || []).map((m) => m.userId).filter((id) => !this.store.presence.has(id));
    this.loadPresence(unknown);
  }

  roomForgotten(roomId) {
    this.receiptsOut.forget(roomId);
  }

  // --- messages and the open room ---

  /**
   * A message entered the client (live, send reply, sync, gap fill); isNew: the newest the
   * room has seen, not a redelivery or an older one filling a gap.
   */
  messageIngested(message, { own, isNew }) {
    // A new message ends its sender's typing, even if their typing:false is still on its way.
    if (isNew) this.typingIn.clear(message.roomId, message.senderId);
    if (!own) this.receiptsOut.mark(message.roomId, 'delivered', message.seq);
  }

  roomOpened(roomId) {
    if (this.typingOut.roomId !== roomId) this.typingOut.stop();
    this.renderTyping();
    this.loadReceipts(roomId);
  }

  roomClosed() {
    this.typingOut.stop();
    this.renderTyping();
  }

  composerInput(text) {
    const roomId = this.store.openRoomId;
    if (roomId) this.typingOut.input(roomId, text);
  }

  messageSent() {
    this.typingOut.stop();
  }

  /** Messages of others up to `seq` are on screen in the open room. */
  messagesSeen(seq) {
    const roomId = this.store.openRoomId;
    if (!roomId || !isVisible()) return;
    this.receiptsOut.mark(roomId, 'read', seq);
    this.noteMyRead(roomId, seq);
  }

  /** My read watermark reached `seq` (here or on another device): fewer unread, maybe none. */
  noteMyRead(roomId, seq) {
    const room = this.store.rooms.get(roomId);
    if (!room) return;
    const unread = Math.min(room.unread || 0, this.store.unreadAfter(roomId, seq));
    if (unread !== room.unread) {
      room.unread = unread;
      this.sidebar.renderRooms();
    }
  }

  // --- server events ---

  handleEvent(event) {
    switch (event.type) {
      case 'typing':
        if (event.userId !== this.store.me?.userId) this.typingIn.set(event.roomId, event.userId, event.typing === true);
        break;
      case 'receipt':
        this.handleReceipt(event);
        break;
      case 'presence':
        this.handlePresence(event);
        break;
      default:
        break;
    }
  }

  /** The reply to chat.receipt: my watermarks as the server now has them. */
  myWatermarks(roomId, reply) {
    const me = this.store.me?.userId;
    for (const kind of ['delivered', 'read']) {
      const seq = Number(reply && reply[kind]);
      if (!Number.isInteger(seq) || seq <= 0) continue;
      this.receiptsOut.known(roomId, kind, seq);
      this.store.mergeReceipt(roomId, me, kind, seq);
      if (kind === 'read') this.noteMyRead(roomId, seq);
    }
  }

  handleReceipt({ roomId, userId, kind, seq }) {
    const n = Number(seq);
    if (!this.store.rooms.has(roomId) || !Number.isInteger(n)) return;
    const moved = this.store.mergeReceipt(roomId, userId, kind, n);
    if (userId === this.store.me?.userId) {
      // One of my devices (maybe this one) moved my watermark: never send that seq again.
      this.receiptsOut.known(roomId, kind, n);
      if (kind === 'read') this.noteMyRead(roomId, n);
    } else if (moved && roomId === this.store.openRoomId) {
      this.chat.refreshReceiptMarks(this.store.rooms.get(roomId));
    }
  }

  handlePresence({ userId, status, lastSeen }) {
    if (!userId || userId === this.store.me?.userId) return; // my own status is this page's choice
    this.presenceEventAt.set(userId, Date.now());
    if (this.store.setPresence(userId, status, lastSeen)) {
      if (status === 'offline') for (const roomId of this.store.rooms.keys()) this.typingIn.clear(roomId, userId);
      this.refreshPresenceViews();
    }
  }

  // --- loading ---

  async loadPresence(userIds) {
    const me = this.store.me?.userId;
    const ids = [...new Set(userIds)].filter((id) => id && id !== me);
    if (ids.length === 0) return;
    const run = this.run;
    const askedAt = Date.now();
    let list;
    try {
      list = await api.presence(ids);
    } catch (error) {
      console.warn('presence could not be loaded', error);
      return;
    }
    if (run !== this.run) return;
    let changed = false;
    for (const p of list) {
      if (!p || (this.presenceEventAt.get(p.userId) || 0) >= askedAt) continue; // a live event is newer
      if (p.status === 'unknown') {
        // We share no room (any more): the server tells nothing, and we show nothing.
        changed = this.store.presence.delete(p.userId) || changed;
        continue;
      }
      changed = this.store.setPresence(p.userId, p.status, p.lastSeen) || changed;
    }
    if (changed) this.refreshPresenceViews();
  }

  async loadReceipts(roomId) {
    const run = this.run;
    let members;
    try {
      members = await api.receipts(roomId);
    } catch (error) {
      console.warn('receipts could not be loaded', error);
      return;
    }
    if (run !== this.run || !this.store.rooms.has(roomId)) return;
    const me = this.store.me?.userId;
    for (const m of members) {
      if (!m || !m.userId) continue;
      const delivered = Number(m.delivered) || 0;
      const read = Number(m.read) || 0;
      // Merged, not replaced: an event newer than this answer may already be in.
      this.store.mergeReceipt(roomId, m.userId, 'delivered', delivered);
      this.store.mergeReceipt(roomId, m.userId, 'read', read);
      if (m.userId === me) {
        this.receiptsOut.known(roomId, 'delivered', delivered);
        this.receiptsOut.known(roomId, 'read', read);
      }
    }
    if (this.store.openRoomId === roomId) this.chat.refreshReceiptMarks(this.store.rooms.get(roomId));
  }

  // --- my status ---

  setMyStatus(status) {
    if (!MY_STATUSES.includes(status)) return;
    this.statusChanges++;
    this.showMyStatus(status);
    this.sendMyStatus();
  }

  sendMyStatus() {
    const run = this.run;
    this.statusUnsent = false;
    this.request('presence.set', { status: this.myStatus }).catch((error) => {
      if (run !== this.run) return;
      if (error && error.code === 'disconnected') this.statusUnsent = true; // said on connect
      else quiet('presence.set', error);
    });
  }

  /** Shows the status the server keeps for me (a choice made earlier, here or elsewhere). */
  async loadMyStatus() {
    const me = this.store.me?.userId;
    if (!me) return;
    const run = this.run;
    const changes = this.statusChanges;
    let list;
    try {
      list = await api.presence([me]);
    } catch (error) {
      console.warn('my presence could not be loaded', error);
      return;
    }
    if (run !== this.run || changes !== this.statusChanges || this.statusUnsent) return;
    const mine = list.find((p) => p && p.userId === me);
    // "offline" would only mean the server has not seen this socket yet: keep what is shown.
    if (mine && MY_STATUSES.includes(mine.status)) this.showMyStatus(mine.status);
  }

  showMyStatus(status) {
    this.myStatus = status;
    this.statusSelect.value = status;
    this.statusDot.dataset.status = status;
  }

  // --- drawing ---

  renderTyping() {
    const roomId = this.store.openRoomId;
    const names = roomId ? this.typingIn.typers(roomId).map((id) => this.store.nameOf(id)) : [];
    this.chat.setTyping(typingText(names));
  }

  refreshPresenceViews() {
    this.sidebar.renderRooms();
    const open = this.store.rooms.get(this.store.openRoomId);
    if (open) this.chat.updatePresence(open);
  }
}

function isVisible() {
  return document.visibilityState === 'visible';
}

/** Typing and status frames are best effort: losing one while offline is fine, say why otherwise. */
function quiet(address, error) {
  if (error && error.code !== 'disconnected') console.warn(`${address} failed:`, error.code, error.message);
}
