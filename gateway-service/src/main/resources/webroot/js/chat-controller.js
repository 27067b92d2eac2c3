// What happens while logged in: rooms, messages, live events and sending, on the page.
// The client library (clients/js) owns the socket, the catch-up, the outbox and the token; this
// class turns its events into store and view updates. Presence, typing and receipts are
// delegated to Activity.

import { Activity } from './activity.js';
import { api, client, PAGE_SIZE } from './api.js';
import { ChatView } from './chat-view.js';
import { humanError } from './errors.js';
import { FileLinks } from './files.js';
import { ConnectionState, SYNC_PAGE_SIZE, uuid } from './lib/chat-client.js';
import { Permission, roomPermissions } from './room-permissions.js';
import { SearchView } from './search-view.js';
import { SidebarView } from './sidebar-view.js';
import { formatFullTime } from './util.js';

/** Safety stop for gap fills, should a server keep answering hasMore without progress. */
const MAX_CATCH_UP_ROUNDS = 100;
/**
 * Opening a room with unread messages loads older pages until the first unread is held, at most
 * this many (PAGE_SIZE each); beyond, the divider sits at the oldest held and scrolling up loads more.
 */
const MAX_UNREAD_PAGES = 20;

/** "Mute 1 h" in the member menu. */
const MUTE_SECONDS = 3600;

const STATUS_TEXT = {
  [ConnectionState.CONNECTING]: 'Connecting…',
  [ConnectionState.ONLINE]: 'Online',
  [ConnectionState.RECONNECTING]: 'Reconnecting…',
};

export class ChatController {
  /** @param {import('./store.js').Store} store */
  constructor(store) {
    this.store = store;
    this.unsubscribe = []; // the client's listeners of this session
    this.run = 0; // bumps on stop, so a start still loading rooms knows it was cancelled
    this.searchSeq = 0; // answers to older user searches are dropped
    this.fetchingRooms = new Set(); // rooms we heard of through a message and are looking up
    this.formerRoomNames = new Map(); // roomId → name, of the rooms this session left or was removed from
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
      onSend: (text, attachments, replyTo) => this.send(text, attachments, replyTo),
      onUpload: (roomId, file, options) => api.uploadFile(roomId, file, options),
      fileLinks: new FileLinks((fileIds) => api.fileLinks(fileIds)),
      onNearTop: () => this.loadOlder(),
      onRetry: (clientMsgId) => this.retry(clientMsgId),
      onBack: () => this.closeRoom(),
      onAddMember: (username) => this.addMember(username),
      onComposerInput: (text) => this.activity.composerInput(text),
      onMessagesSeen: (seq) => this.activity.messagesSeen(seq),
      onRemoveMember: (userId) => this.removeMember(userId),
      onDeleteRoom: () => this.deleteRoom(),
      onRenameRoom: (name) => this.renameRoom(name),
      onEdit: (seq, text) => this.changeMessage(() => client.edit(this.store.openRoomId, seq, text)),
      onDelete: (seq) => this.changeMessage(() => client.deleteMessage(this.store.openRoomId, seq)),
      onReact: (seq, emoji, on) => this.react(seq, emoji, on),
      onJump: (seq) => this.showInContext(this.store.openRoomId, seq),
      onModerate: (userId, action) => this.moderate(userId, action),
    });
    this.search = new SearchView(store, {
      onSearch: (query, options) => api.search(query, options),
      onShowResult: (roomId, seq) => this.showSearchResult(roomId, seq),
    });
    this.notice = document.getElementById('moderation-notice');
    this.noticeText = document.getElementById('moderation-notice-text');
    this.noticeAction = document.getElementById('moderation-notice-action');
    this.noticeUndo = null; // what the notice's action button does
    this.noticeAction.addEventListener('click', () => this.undoFromNotice());
    document.getElementById('moderation-notice-close').addEventListener('click', () => this.showNotice(''));
    this.activity = new Activity(store, {
      sidebar: this.sidebar,
      chat: this.chat,
      request: (address, body) => this.request(address, body),
    });
  }

  /** A socket request; fails with code "disconnected" while there is no socket. */
  request(address, body) {
    return client.request(address, body);
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

    this.listen();
    client.connect();
  }

  /** The client's events, for this session. */
  listen() {
    const on = (type, listener) => this.unsubscribe.push(client.on(type, listener));
    on('message', ({ message }) => this.ingest(message));
    // Edits, deletes and reactions: live, caught up after a reconnect, or my own request's answer.
    on('message.updated', ({ message }) => this.applyUpdate(message));
    on('room', ({ event, room }) => this.handleRoomEvent(event, room));
    on('rooms', ({ rooms }) => this.roomsReloaded(rooms));
    on('epoch', ({ roomId }) => this.epochChanged(roomId));
    on('typing', (event) => this.activity.handleEvent(event));
    on('receipt', (event) => this.activity.handleEvent(event));
    on('presence', (event) => this.activity.handleEvent(event));
    on('moderation', (event) => this.moderationEvent(event));
    on('outbox', ({ item }) => this.outboxChanged(item));
    // The gateway drains: the client comes back within a second, elsewhere. Not an error.
    on('reconnect', ({ reason }) => console.info(`the server asked us to reconnect (${reason})`));
    on('connected', () => this.activity.connected());
    on('state', ({ state, retryInMs }) => {
      // offline: the session is ending; stop() shows what follows.
      if (state !== ConnectionState.OFFLINE) this.setConnectionState(state, { retryInMs });
    });
    on('error', ({ error, during }) => console.warn(`${during} failed:`, error.code, error.message));
  }

  stop() {
    this.run++;
    for (const off of this.unsubscribe.splice(0)) off();
    client.disconnect();
    this.searchSeq++;
    this.activity.stop();
    this.sidebar.reset();
    this.search.reset();
    this.search.roomChanged(null);
    this.showNotice('');
    this.formerRoomNames.clear();
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
    if (!client.signedIn) return;
    this.bannerText.textContent = 'Reconnecting…';
    client.retryNow();
  }

  // --- live events on user.<me> ---

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
    const room = this.store.rooms.get(roomId);
    // A kick's or ban's `moderation` event comes after the `left` that removes the room: its notice names it.
    if (room) this.formerRoomNames.set(roomId, this.store.roomName(room));
    this.activity.roomForgotten(roomId);
    this.store.removeRoom(roomId);
    this.sidebar.renderRooms();
    if (wasOpen) this.chat.showNoRoom();
  }

  /**
   * The single way a message enters the page (the client's `message` events: live, send ack,
   * sync, its gap fills; and the page's own gap fill): drops seqs already held, resolves our
   * pending copy, and tracks room activity.
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
      // A gap here is the client's to fill: it delivers the missing seqs as `message` events.
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

  /**
   * A changed message replaces the held copy of its seq when it is a newer version; a change of
   * a message the page does not hold is dropped (it comes as it is now when its page loads).
   */
  applyUpdate(message) {
    const timeline = this.store.timelines.get(message.roomId);
    if (!timeline || !timeline.messages.has(message.seq)) return;
    if (timeline.put(message) !== 'updated') return;
    if (this.store.openRoomId !== message.roomId || !timeline.loaded) return;
    this.chat.upsertMessage(message, timeline);
    if (message.deleted) this.chat.redrawRepliesTo(message.seq);
  }

  /** An edit or delete of the open room's message; its answer is applied as it comes back. */
  async changeMessage(request) {
    if (!this.store.openRoomId) return;
    await request();
  }

  /** My reaction on or off; remembered, since a long list of names may not show mine. */
  async react(seq, emoji, on) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    const message = await client.react(roomId, seq, emoji, on);
    this.store.setMyReaction(roomId, seq, emoji, on);
    if (message) this.applyUpdate({ roomId, ...message });
    // Idempotent answers change nothing held: draw the held copy with my reaction's new state.
    this.chat.redraw(seq);
  }

  /**
   * Shows a message of a room: opens the room, loads older pages back to it (at most
   * MAX_UNREAD_PAGES) and brings it on screen. False when it could not be reached that way.
   */
  async showInContext(roomId, seq) {
    if (!this.store.rooms.has(roomId)) return false;
    if (this.store.openRoomId !== roomId || !this.chat.screen.classList.contains('room-open')) await this.openRoom(roomId);
    const timeline = this.store.timelines.get(roomId);
    for (let page = 0; timeline && timeline.loaded && !timeline.messages.has(seq) && timeline.hasMoreOlder && page < MAX_UNREAD_PAGES; page++) {
      if (this.store.openRoomId !== roomId) return false;
      const lowest = timeline.lowestSeq;
      await this.loadOlder();
      if (timeline.lowestSeq === lowest) break; // no progress (an error, or a load already running)
    }
    if (this.store.openRoomId !== roomId || !timeline || !timeline.messages.has(seq)) return false;
    this.chat.jumpTo(seq);
    return true;
  }

  /**
   * A search result: the room opens at the message. When the room does not hold it yet, the
   * messages around it (`?around=`) are fetched; if they reach the messages held (the usual case:
   * a result of the last few dozen), they join the timeline like a page of older ones and the
   * room shows the message among them. Farther back, the room stays at its newest messages and
   * the search panel shows the ones around the result instead.
   */
  async showSearchResult(roomId, seq) {
    if (await this.showInContextIfNear(roomId, seq)) return { shown: true };
    const page = await api.messagesAround(roomId, seq);
    const timeline = this.store.timelines.get(roomId);
    const newest = page.messages.length ? page.messages[page.messages.length - 1].seq : null;
    const reachesHeld = timeline && timeline.loaded && newest !== null
      && (timeline.lowestSeq === null || page.around.after === null || newest + 1 >= timeline.lowestSeq);
    if (this.store.openRoomId === roomId && reachesHeld) {
      timeline.addOlder({ messages: page.messages, hasMore: page.around.before !== null });
      this.chat.prependOlder(page.messages);
      this.chat.setHistoryStatus(timeline.hasMoreOlder ? '' : 'This is the beginning of the conversation.');
      this.chat.jumpTo(seq);
      return { shown: true };
    }
    return { shown: false, context: page.messages };
  }

  /** The room opened, and the message shown when the timeline already reaches it. */
  async showInContextIfNear(roomId, seq) {
    if (!this.store.rooms.has(roomId)) return false;
    if (this.store.openRoomId !== roomId || !this.chat.screen.classList.contains('room-open')) await this.openRoom(roomId);
    const timeline = this.store.timelines.get(roomId);
    if (this.store.openRoomId !== roomId || !timeline || !timeline.messages.has(seq)) return false;
    this.chat.jumpTo(seq);
    return true;
  }

  // --- moderation ---

  /**
   * A moderator's action from the member list: mute for an hour, unmute, kick, ban, or a new
   * role (`make-owner`, `make-moderator`, `make-member`). The room's members are read again after
   * it (the `room` event follows for the others).
   */
  async moderate(userId, action, roomId = this.store.openRoomId) {
    if (!roomId) return;
    const role = /^make-(owner|moderator|member)$/.exec(action)?.[1];
    if (role) await api.setMemberRole(roomId, userId, role);
    else await api.moderate(roomId, { action, userId, durationSec: action === 'mute' ? MUTE_SECONDS : undefined });
    await this.reloadRoom(roomId);
  }

  /** Reads a room again (members, roles); a room no longer mine goes from the page. */
  async reloadRoom(roomId) {
    try {
      const room = await api.getRoom(roomId);
      this.store.upsertRoom(room);
      this.sidebar.renderRooms();
      if (this.store.openRoomId === roomId) this.chat.updateHeader(this.store.rooms.get(roomId));
    } catch (error) {
      if (error.code === 'not_found') this.removeRoom(roomId);
    }
  }

  /**
   * `moderation` event: about me, the page says what happened and why (until when, the
   * reason); about another member, their role or presence in the room changed. A ban (the room
   * view lists no bans) is announced to those who may lift it, with an Unban button.
   */
  moderationEvent(event) {
    const { roomId, userId, action } = event;
    if (!roomId || !action) return;
    const room = this.store.rooms.get(roomId);
    const known = room ? this.store.roomName(room) : this.formerRoomNames.get(roomId);
    const name = known ? `“${known}”` : 'a room';
    const reason = typeof event.reason === 'string' && event.reason ? ` Reason: ${event.reason}` : '';
    if (userId && userId === this.store.me?.userId) {
      const text = {
        mute: `You were muted in ${name} ${Number.isFinite(event.mutedUntil) ? `until ${formatFullTime(event.mutedUntil)}` : 'until a moderator unmutes you'}.`,
        unmute: `You may write in ${name} again.`,
        kick: `You were removed from ${name}.`,
        ban: `You were banned from ${name}.`,
        unban: `You are no longer banned from ${name}.`,
      }[action];
      if (text) this.showNotice(text + (action === 'unmute' || action === 'unban' ? '' : reason));
    } else if (action === 'ban' && room && roomPermissions(room, this.store.me).may(Permission.BAN, userId)) {
      this.showNotice(`${this.store.nameOf(userId)} was banned from ${name}.${reason}`, {
        label: `Unban ${this.store.nameOf(userId)}`,
        run: () => this.moderate(userId, 'unban', roomId),
      });
    }
    if (room) this.reloadRoom(roomId);
  }

  /** The notice's action (Unban): done, the notice goes; refused, it says why. */
  async undoFromNotice() {
    const undo = this.noticeUndo;
    if (!undo) return;
    this.noticeAction.disabled = true;
    try {
      await undo.run();
      this.showNotice('');
    } catch (error) {
      this.showNotice(humanError(error), undo);
    } finally {
      this.noticeAction.disabled = false;
    }
  }

  /** `undo`: {label, run} for the notice's action button, or none. */
  showNotice(text, undo = null) {
    this.noticeUndo = text ? undo : null;
    this.noticeAction.hidden = !this.noticeUndo;
    this.noticeAction.textContent = this.noticeUndo ? this.noticeUndo.label : '';
    this.noticeText.textContent = text;
    this.notice.hidden = !text;
  }

  /** A message for a room we do not list (its "joined" event is late or was missed). */
  async discoverRoom(roomId) {
    if (this.fetchingRooms.has(roomId)) return;
    this.fetchingRooms.add(roomId);
    try {
      const room = await api.getRoom(roomId);
      if (client.signedIn && !this.store.rooms.has(roomId)) {
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
   * After a reconnect the client read the room list again (rooms joined or left meanwhile, and
   * the presence and unread counts that changed); the catch-up of messages follows as events.
   */
  roomsReloaded(rooms) {
    this.store.setRooms(rooms);
    this.activity.roomsLoaded();
    this.sidebar.renderRooms();
    if (this.store.openRoomId === null && this.chat.screen.classList.contains('room-open')) this.chat.showNoRoom();
  }

  /**
   * A room's seqs started again (docs/protocol.md, Epochs): the history store lost or replaced
   * its messages. Drops every message held of the room and reloads it (its newest page when it
   * is open; otherwise it loads when opened). Pending sends stay, with their clientMsgId.
   */
  epochChanged(roomId) {
    if (!this.store.rooms.has(roomId)) return;
    console.info(`room ${roomId} has a new epoch: reloading it`);
    this.store.dropHistory(roomId);
    this.sidebar.renderRooms();
    if (this.store.openRoomId === roomId) this.openRoom(roomId, { reload: true });
  }

  /**
   * Fetches the seqs a cached timeline misses below what the room list says the room reached
   * (messages that came while this page held no timeline of the room) through the history API.
   */
  async fillGap(roomId) {
    const timeline = this.store.timelines.get(roomId);
    if (!timeline || timeline.filling) return;
    timeline.filling = true;
    try {
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS && timeline.hasGap(); round++) {
        const from = timeline.contiguousSeq;
        const page = await client.history(roomId, { after: from, limit: SYNC_PAGE_SIZE });
        if (page.epochChanged) break; // the `epoch` event reloads the room
        for (const message of page.messages) this.ingest(message);
        if (timeline.contiguousSeq === from) break; // no progress: leave it to the next sync
      }
    } catch (error) {
      console.warn('gap fill failed; the next sync will retry', error);
    } finally {
      timeline.filling = false;
    }
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
    this.search.roomChanged(roomId);
    this.activity.roomOpened(roomId);

    const timeline = this.store.timeline(roomId);
    if (timeline.loaded) {
      // A cached timeline relies on live events; if the room list knows of later seqs, fetch them.
      timeline.noteLatest(room.lastSeq);
    } else {
      this.chat.setHistoryStatus('Loading messages…');
      try {
        // The newest page starts the timeline afresh: the client holds its epoch from now on.
        timeline.loading ??= client.history(roomId, { limit: PAGE_SIZE });
        const page = await timeline.loading;
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
        older = await client.history(roomId, { before: timeline.lowestSeq, limit: PAGE_SIZE });
      } catch (error) {
        console.warn('could not load back to the first unread', error);
        break;
      }
      // A changed epoch: the `epoch` event reloads the room.
      if (this.store.openRoomId !== roomId || older.epochChanged) break;
      timeline.addOlder(older);
      first = this.store.firstUnread(roomId, unread);
    }
    return first.seq;
  }

  closeRoom() {
    this.store.openRoomId = null;
    this.search.roomChanged(null);
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
      page = await client.history(roomId, { before: timeline.lowestSeq, limit: PAGE_SIZE });
    } catch (error) {
      if (this.store.openRoomId === roomId) this.chat.setHistoryStatus(humanError(error));
      return;
    } finally {
      timeline.loadingOlder = false;
    }
    if (page.epochChanged) return; // the `epoch` event reloads the room
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

  /** Deletes the open room for everyone (owners, admins); it goes from this page at once. */
  async deleteRoom() {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    await api.deleteRoom(roomId);
    this.removeRoom(roomId);
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

  /**
   * The client's outbox keeps the message and its clientMsgId until the server has stored it,
   * resending after a reconnect; the page shows it as pending meanwhile.
   */
  send(text, attachments = [], replyTo = null) {
    const roomId = this.store.openRoomId;
    if (!roomId) return;
    this.activity.messageSent(); // a sent message ends my typing at once, not after the idle wait
    const pending = { clientMsgId: uuid(), roomId, text, attachments, replyTo, state: 'sending', error: null };
    this.store.timeline(roomId).pending.set(pending.clientMsgId, pending);
    this.chat.addPending(pending);
    // Its fate arrives as `outbox` and `message` events.
    client.send(roomId, text, { clientMsgId: pending.clientMsgId, attachments, replyTo }).catch(() => {});
  }

  retry(clientMsgId) {
    client.retry(clientMsgId).catch(() => {});
  }

  /** The client's outbox moved a message: sending, queued (no socket, or a retry waits), failed or sent. */
  outboxChanged(item) {
    const isOpen = this.store.openRoomId === item.roomId;
    if (item.state === 'sent') {
      // The stored message arrives as a `message` event, which removes the pending copy.
      if (isOpen) this.chat.showComposerError('');
      return;
    }
    const pending = this.store.timelines.get(item.roomId)?.pending.get(item.clientMsgId);
    if (!pending) return; // already acknowledged
    pending.state = item.state;
    pending.error = item.state === 'failed' && item.error ? humanError(item.error) : null;
    if (!isOpen) return;
    this.chat.updatePending(pending);
    if (item.state === 'failed') this.chat.showComposerError(pending.error || '');
  }
}

