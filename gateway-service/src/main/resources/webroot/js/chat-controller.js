// What happens while logged in: rooms, messages, live events, sending and catching up.
// It owns the socket connection for the session and keeps store and views in step; presence,
// typing and receipts are delegated to Activity.

import { Activity } from './activity.js';
import { api, PAGE_SIZE } from './api.js';
import { ChatView } from './chat-view.js';
import { Connection, ConnectionState } from './connection.js';
import { humanError } from './errors.js';
import { SidebarView } from './sidebar-view.js';
import { uuid } from './util.js';

/** chat.sync returns at most this many messages per room and call; the REST fallback matches it. */
const SYNC_PAGE_SIZE = 100;
/** The server caps the rooms one chat.sync may name (SYNC_MAX_ROOMS); stay well below it. */
const SYNC_ROOMS_PER_REQUEST = 200;
/** Safety stop for gap fills, should a server keep answering hasMore without progress. */
const MAX_CATCH_UP_ROUNDS = 100;
/**
 * Opening a room with unread messages loads older pages until the first unread is held, at most
 * this many (PAGE_SIZE each); beyond, the divider sits at the oldest held and scrolling up loads more.
 */
const MAX_UNREAD_PAGES = 20;

const STATUS_TEXT = {
  [ConnectionState.CONNECTING]: 'Connecting…',
  [ConnectionState.ONLINE]: 'Online',
  [ConnectionState.RECONNECTING]: 'Reconnecting…',
};

export class ChatController {
  /** @param {import('./store.js').Store} store */
  constructor(store) {
    this.store = store;
    this.connection = null;
    this.run = 0; // bumps on stop, so a start still loading rooms knows it was cancelled
    this.searchSeq = 0; // answers to older user searches are dropped
    this.fetchingRooms = new Set(); // rooms we heard of through a message and are looking up
    /** UI hook: ({message, room, title, reading}) for each new message of someone else. */
    this.onMessageArrived = null;

    this.status = document.getElementById('connection-status');
    this.statusText = document.getElementById('connection-status-text');
    this.banner = document.getElementById('reconnect-banner');
    this.bannerText = document.getElementById('reconnect-text');
    document.getElementById('retry-now').addEventListener('click', () => this.reconnectNow());

    this.sidebar = new SidebarView(store, {
      onOpenRoom: (roomId) => this.openRoom(roomId),
      onDirectSearch: (query) => this.searchDirect(query),
      onDirectPick: (user) => this.openDirect(user),
      onCreateRoom: (name, usernames) => this.createRoom(name, usernames),
    });
    this.chat = new ChatView(store, {
      onSend: (text) => this.send(text),
      onNearTop: () => this.loadOlder(),
      onRetry: (clientMsgId) => this.retry(clientMsgId),
      onBack: () => this.closeRoom(),
      onAddMember: (username) => this.addMember(username),
      onComposerInput: (text) => this.activity.composerInput(text),
      onMessagesSeen: (seq) => this.activity.messagesSeen(seq),
      onRemoveMember: (userId) => this.removeMember(userId),
      onRenameRoom: (name) => this.renameRoom(name),
    });
    this.activity = new Activity(store, {
      sidebar: this.sidebar,
      chat: this.chat,
      request: (address, body) => this.request(address, body),
    });
  }

  /** A socket request; fails with code "disconnected" while there is no socket. */
  request(address, body) {
    if (!this.connection) return Promise.reject(Object.assign(new Error('Not connected.'), { code: 'disconnected' }));
    return this.connection.request(address, body);
  }

  // --- session life ---

  /** Loads the rooms and opens the socket; call after login. */
  async start() {
    const run = ++this.run;
    this.setConnectionState(ConnectionState.CONNECTING);
    const rooms = await api.listRooms();
    if (run !== this.run) return;
    this.store.setRooms(rooms);
    this.sidebar.renderRooms();
    this.activity.start();
    this.activity.roomsLoaded();

    const me = this.store.me;
    this.connection = new Connection({
      fetchTicket: async () => (await api.ticket()).ticket,
      inbox: `user.${me.userId}`,
      onEvent: (event) => this.handleEvent(event),
      onConnected: (reconnect) => this.catchUp(reconnect),
      onStateChange: (state, info) => this.setConnectionState(state, info),
      isFatal: (error) => error.status === 401,
    });
    this.connection.start();
  }

  stop() {
    this.run++;
    if (this.connection) this.connection.stop();
    this.connection = null;
    this.searchSeq++;
    this.activity.stop();
    this.sidebar.reset();
    this.chat.showNoRoom();
    this.setConnectionState(ConnectionState.CONNECTING);
  }

  setConnectionState(state, info = {}) {
    this.status.dataset.state = state;
    this.statusText.textContent = STATUS_TEXT[state] || state;
    const offline = state === ConnectionState.RECONNECTING;
    this.banner.hidden = !offline;
    if (offline) {
      const seconds = Math.round((info.retryInMs || 0) / 1000);
      this.bannerText.textContent = seconds > 0
        ? `Connection lost — reconnecting in ${seconds} s…`
        : 'Connection lost — reconnecting…';
    }
    // Without a live socket, others' presence may change unheard: shown as unknown until back.
    const known = state === ConnectionState.ONLINE;
    if (this.store.presenceKnown !== known) {
      this.store.presenceKnown = known;
      this.activity.refreshPresenceViews();
    }
  }

  /** "Retry now": skips the rest of the backoff wait. */
  reconnectNow() {
    if (!this.connection) return;
    this.bannerText.textContent = 'Reconnecting…';
    this.connection.retryNow();
  }

  // --- live events on user.<me> ---

  handleEvent(event) {
    switch (event.type) {
      case 'message':
      case 'message.updated':
        if (event.message) this.ingest(event.message);
        break;
      case 'room':
        if (event.room) this.handleRoomEvent(event.event, event.room);
        break;
      case 'typing':
      case 'receipt':
      case 'presence':
        this.activity.handleEvent(event);
        break;
      default:
        // moderation: not shown by this client yet.
        break;
    }
  }

  handleRoomEvent(kind, room) {
    if (!room.roomId) return;
    // "joined"/"left" also tell us about other members; what matters is whether we are in it.
    const member = Array.isArray(room.members) ? this.store.isMember(room) : kind !== 'left';
    if (!member) {
      this.removeRoom(room.roomId);
      return;
    }
    const known = this.store.rooms.has(room.roomId);
    // A room event's `unread` is the same for every member, so it is not mine: not trusted.
    this.store.upsertRoom(room, { toTop: !known });
    this.sidebar.renderRooms();
    this.activity.roomAdded(room); // new room or new members: their presence
    if (this.store.openRoomId === room.roomId) {
      const merged = this.store.rooms.get(room.roomId);
      this.chat.updateHeader(merged);
      this.chat.refreshReceiptMarks(merged); // "read by N" counts current members only
    }
  }

  removeRoom(roomId) {
    const wasOpen = this.store.openRoomId === roomId;
    this.activity.roomForgotten(roomId);
    this.store.removeRoom(roomId);
    this.sidebar.renderRooms();
    if (wasOpen) this.chat.showNoRoom();
  }

  /**
   * The single way a message enters the client (live event, send ack, sync, gap fill):
   * drops seqs already held, resolves our pending copy, and tracks room activity.
   */
  ingest(message) {
    const { roomId } = message;
    const room = this.store.rooms.get(roomId);
    if (!room) {
      this.discoverRoom(roomId);
      return;
    }
    const isOpen = this.store.openRoomId === roomId;
    const own = message.senderId === this.store.me?.userId;
    const timeline = this.store.timelines.get(roomId);

    if (timeline) {
      if (own && message.clientMsgId && timeline.pending.delete(message.clientMsgId) && isOpen) {
        this.chat.removePending(message.clientMsgId);
      }
      const result = timeline.put(message);
      if (result !== 'duplicate' && isOpen && timeline.loaded) this.chat.upsertMessage(message, timeline);
      if (timeline.hasGap()) this.fillGap(roomId);
    }

    const isNew = message.seq > (room.lastSeq || 0);
    if (isNew) {
      room.lastSeq = message.seq;
      // The open room is being read only while the page is visible; otherwise the message waits
      // as unread until a read receipt clears it.
      const reading = isOpen && document.visibilityState === 'visible';
      if (!reading && !own) room.unread = (room.unread || 0) + 1;
      this.store.bump(roomId);
      this.sidebar.renderRooms();
      if (!own && this.onMessageArrived) this.onMessageArrived({ message, room, title: this.store.roomName(room), reading });
    }
    this.activity.messageIngested(message, { own, isNew });
  }

  /** A message for a room we do not list (its "joined" event is late or was missed). */
  async discoverRoom(roomId) {
    if (this.fetchingRooms.has(roomId)) return;
    this.fetchingRooms.add(roomId);
    try {
      const room = await api.getRoom(roomId);
      if (this.connection && !this.store.rooms.has(roomId)) {
        // Asked for by me, so its unread count is mine.
        this.store.upsertRoom(room, { toTop: true, trustUnread: true });
        this.sidebar.renderRooms();
        this.activity.roomAdded(room);
      }
    } catch {
      // Not ours after all (404): nothing to show.
    } finally {
      this.fetchingRooms.delete(roomId);
    }
  }

  // --- catching up ---

  /**
   * After every (re)connect: refresh rooms we may have missed (and the presence and unread counts
   * that changed meanwhile), sync messages, flush the outbox and the receipts.
   */
  async catchUp(reconnect) {
    if (reconnect) {
      try {
        this.store.setRooms(await api.listRooms());
        this.activity.roomsLoaded();
        this.sidebar.renderRooms();
        if (this.store.openRoomId === null && this.chat.screen.classList.contains('room-open')) this.chat.showNoRoom();
      } catch (error) {
        console.warn('room list refresh failed', error);
      }
    }
    try {
      await this.syncRooms(this.store.order);
    } catch (error) {
      // Live events still flow; a gap they reveal is filled on its own, the rest at next connect.
      console.warn('chat.sync after connect failed', error);
    }
    this.flushOutbox();
    this.activity.connected();
  }

  /**
   * chat.sync from the last seq seen in each room; rooms answering hasMore are asked again from
   * their new last seq until none is left. A reply holds at most SYNC_MAX_REPLY_BYTES, so a room
   * it did not reach answers hasMore with no messages: it is asked again from where it was. The
   * server puts at least one message in every reply that has any to give, so each round
   * advances; a round that brings nothing while rooms still answer hasMore stops the loop.
   */
  async syncRooms(roomIds) {
    let cursors = Object.fromEntries(roomIds.map((id) => [id, this.store.lastSeenSeq(id)]));
    if (roomIds.length === 0) {
      // Nothing to catch up on, but one round trip still proves the socket (and the inbox
      // registration sent before it) is live before we report "online".
      await this.connection.request('chat.sync', { rooms: {} }).catch(() => {});
      return;
    }
    while (Object.keys(cursors).length) {
      const next = {};
      let received = 0;
      for (const chunk of chunks(Object.entries(cursors), SYNC_ROOMS_PER_REQUEST)) {
        const reply = await this.connection.request('chat.sync', { rooms: Object.fromEntries(chunk) });
        for (const [roomId, result] of Object.entries((reply && reply.rooms) || {})) {
          // The room's seqs started again: what we held is dropped and the room reloaded.
          if (result && this.epochChanged(roomId, result.epoch)) continue;
          const messages = (result && result.messages) || [];
          for (const message of messages) this.ingest({ roomId, ...message });
          received += messages.length;
          if (result && result.hasMore) next[roomId] = messages.length ? messages[messages.length - 1].seq : cursors[roomId];
        }
      }
      if (received === 0 && Object.keys(next).length) {
        console.warn('chat.sync answered hasMore without progress; the rest waits for the next sync');
        return;
      }
      cursors = next;
    }
  }

  /**
   * Checks the epoch an answer brought for a room (docs/protocol.md, Epochs). When it changed,
   * the history store lost or replaced the room's messages and its seqs started again: drops
   * every message held of the room, keeps the new epoch, and reloads the room (its newest page
   * when it is open; otherwise it loads when opened). Returns true then: the answer's messages
   * continue the old timeline and must not be ingested. Pending sends stay, with their clientMsgId.
   */
  epochChanged(roomId, epoch) {
    if (!this.store.noteEpoch(roomId, epoch)) return false;
    console.info(`room ${roomId} has a new epoch: reloading it`);
    this.store.dropHistory(roomId);
    this.sidebar.renderRooms();
    if (this.store.openRoomId === roomId) this.openRoom(roomId, { reload: true });
    return true;
  }

  /** Fetches the seqs missing below a message that arrived early, for one room. */
  async fillGap(roomId) {
    const timeline = this.store.timelines.get(roomId);
    if (!timeline || timeline.filling) return;
    timeline.filling = true;
    try {
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS && timeline.hasGap(); round++) {
        const from = timeline.contiguousSeq;
        const page = await this.fetchAfter(roomId, from);
        if (this.epochChanged(roomId, page.epoch)) break;
        for (const message of page.messages) this.ingest({ roomId, ...message });
        if (timeline.contiguousSeq === from) break; // no progress: leave it to the next sync
      }
    } catch (error) {
      console.warn('gap fill failed; the next sync will retry', error);
    } finally {
      timeline.filling = false;
    }
  }

  /** Messages after `seq`: chat.sync while the socket is up, the history API otherwise. */
  async fetchAfter(roomId, seq) {
    if (this.connection && this.connection.isConnected) {
      try {
        const reply = await this.connection.request('chat.sync', { rooms: { [roomId]: seq } });
        const result = reply && reply.rooms && reply.rooms[roomId];
        if (result) return { messages: result.messages || [], hasMore: Boolean(result.hasMore), epoch: result.epoch ?? null };
      } catch (error) {
        console.warn('chat.sync failed, using the history API', error);
      }
    }
    return api.messages(roomId, { after: seq, limit: SYNC_PAGE_SIZE });
  }

  // --- rooms ---

  async openRoom(roomId, { reload = false } = {}) {
    const room = this.store.rooms.get(roomId);
    if (!room) return;
    if (!reload && this.store.openRoomId === roomId && this.chat.screen.classList.contains('room-open')) return;
    // What was unread when the room opened: the divider marks where it begins. The count then
    // falls as messages come on screen (Activity.messagesSeen), not all at once.
    const unread = room.unread || 0;
    this.store.openRoomId = roomId;
    this.sidebar.renderRooms();
    this.chat.showRoom(room);
    this.activity.roomOpened(roomId);

    const timeline = this.store.timeline(roomId);
    if (timeline.loaded) {
      // A cached timeline relies on live events; if the room list knows of later seqs, fetch them.
      timeline.noteLatest(room.lastSeq);
    } else {
      this.chat.setHistoryStatus('Loading messages…');
      try {
        timeline.loading ??= api.messages(roomId, { limit: PAGE_SIZE });
        const page = await timeline.loading;
        // The newest page starts the timeline afresh: its epoch is the one we hold from now on.
        this.store.noteEpoch(roomId, page.epoch);
        if (!timeline.loaded) timeline.markLoaded(page);
      } catch (error) {
        if (this.store.openRoomId === roomId) this.chat.setHistoryStatus(humanError(error));
        return;
      } finally {
        timeline.loading = null;
      }
    }
    if (this.store.openRoomId !== roomId) return;
    const firstUnreadSeq = await this.loadBackTo(roomId, timeline, unread);
    if (this.store.openRoomId !== roomId) return;
    this.chat.renderTimeline(timeline, { firstUnreadSeq, unread });
    this.chat.setHistoryStatus(timeline.hasMoreOlder ? '' : 'This is the beginning of the conversation.');
    if (timeline.hasGap()) this.fillGap(roomId);
    if (this.chat.needsMoreHistory()) this.loadOlder();
  }

  /**
   * Loads older pages until the timeline holds the first of `unread` messages (at most
   * MAX_UNREAD_PAGES); returns that message's seq, or null when nothing is unread.
   */
  async loadBackTo(roomId, timeline, unread) {
    let first = this.store.firstUnread(roomId, unread);
    for (let page = 0; !first.complete && page < MAX_UNREAD_PAGES && timeline.hasMoreOlder; page++) {
      this.chat.setHistoryStatus('Loading unread messages…');
      let older;
      try {
        older = await api.messages(roomId, { before: timeline.lowestSeq, limit: PAGE_SIZE });
      } catch (error) {
        console.warn('could not load back to the first unread', error);
        break;
      }
      if (this.store.openRoomId !== roomId || this.epochChanged(roomId, older.epoch)) break;
      timeline.addOlder(older);
      first = this.store.firstUnread(roomId, unread);
    }
    return first.seq;
  }

  closeRoom() {
    this.store.openRoomId = null;
    this.activity.roomClosed();
    this.chat.showNoRoom();
    this.sidebar.renderRooms();
  }

  /** Scroll-back: the page before the lowest seq shown, while the server says there is more. */
  async loadOlder() {
    const roomId = this.store.openRoomId;
    const timeline = roomId && this.store.timelines.get(roomId);
    if (!timeline || !timeline.loaded || !timeline.hasMoreOlder || timeline.loadingOlder) return;
    timeline.loadingOlder = true;
    this.chat.setHistoryStatus('Loading older messages…');
    let page;
    try {
      page = await api.messages(roomId, { before: timeline.lowestSeq, limit: PAGE_SIZE });
    } catch (error) {
      if (this.store.openRoomId === roomId) this.chat.setHistoryStatus(humanError(error));
      return;
    } finally {
      timeline.loadingOlder = false;
    }
    if (this.epochChanged(roomId, page.epoch)) return;
    timeline.addOlder(page);
    if (this.store.openRoomId !== roomId) return;
    this.chat.prependOlder(page.messages);
    this.chat.setHistoryStatus(timeline.hasMoreOlder ? '' : 'This is the beginning of the conversation.');
    if (timeline.hasMoreOlder && this.chat.needsMoreHistory()) this.loadOlder();
  }

  async searchDirect(query) {
    const seq = ++this.searchSeq;
    this.sidebar.showDirectError('');
    if (!query) {
      this.sidebar.showDirectResults(null);
      return;
    }
    try {
      const users = await api.searchUsers(query);
      if (seq !== this.searchSeq) return;
      this.learnUsers(users);
      const others = users.filter((u) => u.userId !== this.store.me?.userId);
      this.sidebar.showDirectResults(others, query);
    } catch (error) {
      if (seq === this.searchSeq) this.sidebar.showDirectError(error);
    }
  }

  async openDirect(user) {
    this.learnUsers([user]);
    const room = await api.directRoom(user.userId);
    this.store.upsertRoom(room, { toTop: true });
    this.sidebar.renderRooms();
    this.activity.roomAdded(room);
    await this.openRoom(room.roomId);
  }

  /** Creates a group room; members are given as usernames and must match exactly. */
  async createRoom(name, usernames) {
    const memberIds = [];
    const missing = [];
    for (const username of usernames) {
      const user = await this.findUser(username);
      if (!user) missing.push(username);
      else if (user.userId !== this.store.me?.userId) memberIds.push(user.userId);
    }
    if (missing.length) {
      throw new Error(`No user named ${missing.map((u) => `“${u}”`).join(', ')}.`);
    }
    const room = await api.createRoom(name, memberIds);
    this.store.upsertRoom(room, { toTop: true });
    this.sidebar.renderRooms();
    this.activity.roomAdded(room);
    await this.openRoom(room.roomId);
  }

  async addMember(username) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    const user = await this.findUser(username);
    if (!user) throw new Error(`No user named “${username}”.`);
    await api.addMember(roomId, user.userId);
    // The "room updated" event will follow; fetch now so the header is right at once.
    const room = await api.getRoom(roomId);
    this.store.upsertRoom(room);
    this.activity.roomAdded(room);
    if (this.store.openRoomId === roomId) this.chat.updateHeader(this.store.rooms.get(roomId));
  }

  /** Renames the open room; the "room updated" event follows for the other members. */
  async renameRoom(name) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    const room = await api.renameRoom(roomId, name);
    this.store.upsertRoom(room);
    this.sidebar.renderRooms();
    if (this.store.openRoomId === roomId) this.chat.updateHeader(this.store.rooms.get(roomId));
  }

  /** Removes a member of the open room; my own id means leaving it. */
  async removeMember(userId) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    await api.removeMember(roomId, userId);
    if (userId === this.store.me?.userId) {
      // The "left" event follows; the room goes from this page at once.
      this.removeRoom(roomId);
      return;
    }
    const room = await api.getRoom(roomId);
    this.store.upsertRoom(room);
    if (this.store.openRoomId === roomId) this.chat.updateHeader(this.store.rooms.get(roomId));
  }

  /** Exact username lookup through the prefix search. */
  async findUser(username) {
    const users = await api.searchUsers(username);
    this.learnUsers(users);
    return users.find((u) => u.username === username) || null;
  }

  learnUsers(users) {
    if (!this.store.rememberUsers(users)) return;
    this.sidebar.renderRooms();
    this.chat.refreshNames(this.store.rooms.get(this.store.openRoomId));
  }

  // --- sending ---

  send(text) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    this.activity.messageSent(); // a sent message ends my typing at once, not after the idle wait
    const pending = { clientMsgId: uuid(), roomId, text, state: 'sending', error: null };
    this.store.timeline(roomId).pending.set(pending.clientMsgId, pending);
    this.chat.addPending(pending);
    this.deliver(pending);
  }

  retry(clientMsgId) {
    const roomId = this.store.openRoomId;
    const pending = roomId && this.store.timelines.get(roomId)?.pending.get(clientMsgId);
    if (pending) this.deliver(pending);
  }

  /**
   * Sends one pending message. The clientMsgId makes any resend safe: the server answers a
   * repeat with the stored message and delivers nothing twice.
   */
  async deliver(pending) {
    if (!this.connection || !this.connection.isConnected) {
      this.setPendingState(pending, 'queued'); // flushOutbox sends it once we are back
      return;
    }
    this.setPendingState(pending, 'sending');
    try {
      const message = await this.connection.request('chat.send', {
        roomId: pending.roomId,
        clientMsgId: pending.clientMsgId,
        text: pending.text,
      });
      this.ingest({ roomId: pending.roomId, clientMsgId: pending.clientMsgId, ...message });
      if (this.store.openRoomId === pending.roomId) this.chat.showComposerError('');
    } catch (error) {
      if (error.code === 'disconnected') {
        this.setPendingState(pending, 'queued');
      } else {
        this.setPendingState(pending, 'failed', humanError(error));
        if (this.store.openRoomId === pending.roomId) this.chat.showComposerError(humanError(error));
      }
    }
  }

  setPendingState(pending, state, error = null) {
    const timeline = this.store.timelines.get(pending.roomId);
    if (!timeline || !timeline.pending.has(pending.clientMsgId)) return; // already acknowledged
    pending.state = state;
    pending.error = error;
    if (this.store.openRoomId === pending.roomId) this.chat.updatePending(pending);
  }

  /** Sends everything that waited for the connection. */
  flushOutbox() {
    for (const timeline of this.store.timelines.values()) {
      for (const pending of timeline.pending.values()) {
        if (pending.state === 'queued') this.deliver(pending);
      }
    }
  }
}

function* chunks(list, size) {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}
