// ChatClient: one signed-in user's connection to the platform. It signs in and keeps the access
// token fresh, keeps one socket alive, catches up after every (re)connect, delivers every message
// once, resends what was not acknowledged, and hands everything else on as typed events.

import { Connection, ConnectionState } from './connection.js';
import { RoomCursors } from './cursors.js';
import { Emitter } from './emitter.js';
import { ChatError } from './errors.js';
import { Outbox } from './outbox.js';
import { RestClient, SYNC_PAGE_SIZE } from './rest.js';
import { Session } from './session.js';
import { syncRooms } from './sync.js';

/** A gap fill stops after this many rounds without closing the gap; the next sync goes on. */
const MAX_GAP_FILL_ROUNDS = 20;

/** Inbox event types handed on as they are. */
const PASSED_ON = new Set(['receipt', 'typing', 'presence', 'moderation', 'reconnect']);

export class ChatClient {
  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl] the gateway, e.g. `https://chat.example.com`; `''` (default)
   *   for a page the gateway serves
   * @param {Function} [options.WebSocket] a WebSocket constructor (browsers' `WebSocket`, the `ws`
   *   package's, Node 22's global): the raw endpoint `/eventbus/websocket` is used
   * @param {Function} [options.SockJS] a SockJS constructor instead: the `/eventbus` endpoint, with
   *   SockJS's fallbacks for networks that block WebSockets
   * @param {string} [options.device] names the device in the presence registry (`web`, `ios`, …)
   * @param {'ticket'|'token'} [options.socketAuth] how a socket signs in: a fresh single-use ticket
   *   per attempt (default; nothing long-lived in a URL), or the access token itself
   * @param {'cookie'|'memory'} [options.refreshTokenIn] where the refresh token lives: the
   *   HttpOnly cookie (default in a browser) or this object (default elsewhere)
   * @param {{request: Function}|null} [options.locks] serializes refreshes across tabs; default
   *   `navigator.locks` where it exists
   * @param {typeof fetch} [options.fetch]
   * @param {number} [options.requestTimeoutMs] socket requests (default 10 s)
   * @param {number} [options.restTimeoutMs] REST calls (default 15 s)
   * @param {number} [options.pingIntervalMs] (default 5 s)
   * @param {number} [options.refreshLeadMaxMs] refresh at most this long before expiry (default
   *   60 s; a quarter of the token's lifetime when that is less)
   */
  constructor({
    baseUrl = '',
    WebSocket,
    SockJS,
    device,
    socketAuth = 'ticket',
    refreshTokenIn = typeof document === 'undefined' ? 'memory' : 'cookie',
    locks = globalThis.navigator?.locks ?? null,
    fetch,
    requestTimeoutMs,
    restTimeoutMs,
    pingIntervalMs,
    refreshLeadMaxMs,
  } = {}) {
    if (!WebSocket && !SockJS) throw new TypeError('ChatClient needs a WebSocket or a SockJS constructor');
    this.options = { baseUrl: baseUrl.replace(/\/+$/, ''), WebSocket, SockJS, device, socketAuth, requestTimeoutMs, pingIntervalMs };
    /** @type {Emitter<import('./types.js').ChatEventMap>} */
    this.events = new Emitter();
    this.api = new RestClient({ baseUrl, fetch, timeoutMs: restTimeoutMs });
    this.session = new Session({
      rest: this.api,
      refreshTokenIn,
      locks,
      refreshLeadMaxMs,
      onChange: (session) => this.sessionChanged(session),
      onSignedOut: (reason, error) => this.signedOut(reason, error),
      onRefreshFailed: (error) => this.emit({ type: 'error', error, during: 'token refresh' }),
    });
    this.cursors = new RoomCursors();
    this.outbox = new Outbox({
      send: (item) => this.request('chat.send', chatSendBody(item)),
      isConnected: () => this.isConnected,
      onChange: (item) => this.emit({ type: 'outbox', item }),
      onSent: (item, message) => this.deliver(message, 'send'),
    });
    this.connection = null;
    this.roomsFresh = false; // the room list was read since the last catch-up: no need again
    this.filling = new Set(); // rooms whose gap is being filled
    this.syncing = 0; // sync loops running: the gaps they close are not filled a second time
    this.api.observer = {
      roomList: (rooms) => {
        this.cursors.retain(rooms.map((r) => r.roomId));
        for (const room of rooms) this.cursors.track(room.roomId, room.lastSeq);
        this.roomsFresh = true;
      },
      room: (room) => this.cursors.track(room.roomId, room.lastSeq),
      page: (roomId, page, cursor) => this.notePage(roomId, page, cursor),
    };
  }

  // --- events ---

  /**
   * @template {keyof import('./types.js').ChatEventMap} K
   * @param {K} type
   * @param {(event: import('./types.js').ChatEventMap[K]) => void} listener
   * @returns {() => void} removes the listener
   */
  on(type, listener) {
    return this.events.on(type, listener);
  }

  /**
   * @template {keyof import('./types.js').ChatEventMap} K
   * @param {K} type
   * @param {(event: import('./types.js').ChatEventMap[K]) => void} listener
   */
  off(type, listener) {
    this.events.off(type, listener);
  }

  /**
   * The next event of `type` that `accept` takes.
   * @template {keyof import('./types.js').ChatEventMap} K
   * @param {K} type
   * @param {(event: import('./types.js').ChatEventMap[K]) => boolean} [accept]
   * @returns {Promise<import('./types.js').ChatEventMap[K]>}
   */
  next(type, accept) {
    return this.events.next(type, accept);
  }

  emit(event) {
    this.events.emit(event);
  }

  // --- signing in and out ---

  get signedIn() {
    return this.session.signedIn;
  }

  get userId() {
    return this.session.userId;
  }

  /** Logs in (ends any session this client had first). Resolves with the server's answer. */
  login(username, password) {
    this.reset();
    return this.session.login(username, password);
  }

  /** Creates an account; does not log in. */
  register(username, password, displayName) {
    return this.api.register(username, password, displayName);
  }

  /**
   * Signs in with the refresh token alone: a browser's cookie (a new tab, a reload), or a token
   * kept from an earlier run (`refreshTokenIn: 'memory'`). True when signed in, false when there
   * is no valid refresh token; rejects when the server could not be asked.
   * @param {string} [refreshToken]
   */
  resume(refreshToken) {
    this.reset();
    return this.session.resume(refreshToken);
  }

  /**
   * Takes a session kept from earlier (a `session` event's): at least `accessToken`; with
   * `expiresAt` it is refreshed before it expires.
   * @param {Partial<import('./types.js').SessionState> & {accessToken: string}} session
   */
  useSession(session) {
    this.reset();
    this.session.use(session);
  }

  /** A new access token now (it is also done by itself before expiry); the live socket follows. */
  refresh() {
    return this.session.refresh();
  }

  /**
   * Ends the session here at once (socket closed, unsent messages dropped) and on the server (the
   * refresh token's whole login is revoked); then emits `signedout` with reason `logout`.
   */
  logout() {
    this.stopAll(new ChatError('signed_out', 'Logged out.', { status: 401 }));
    return this.session.logout();
  }

  // --- the socket ---

  /** The connection's state: offline, connecting, online or reconnecting. */
  get state() {
    return this.connection ? this.connection.state : ConnectionState.OFFLINE;
  }

  /** A socket is open (requests can go out). */
  get isConnected() {
    return Boolean(this.connection && this.connection.isConnected);
  }

  /** Opens the socket and keeps it open until disconnect(), logout() or the session ends. */
  connect() {
    if (!this.signedIn) throw new ChatError('signed_out', 'Log in before connecting.', { status: 401 });
    if (!this.connection) {
      this.connection = new Connection({
        openSocket: () => this.openSocket(),
        inbox: () => `user.${this.userId}`,
        onEvent: (event) => this.handleInboxEvent(event),
        onConnected: (reconnect) => this.catchUp(reconnect),
        onStateChange: (state, info) => this.emit({ type: 'state', state, ...info }),
        isFatal: (error) => error.code === 'signed_out',
        bus: { requestTimeoutMs: this.options.requestTimeoutMs, pingIntervalMs: this.options.pingIntervalMs },
      });
    }
    this.connection.start();
  }

  /** Closes the socket; messages still to send wait for the next connect(). */
  disconnect() {
    if (this.connection) this.connection.stop();
  }

  /** Skips the backoff wait and reconnects now (e.g. a "retry now" button). */
  retryNow() {
    if (this.connection) this.connection.retryNow();
  }

  /** Closes everything and stops every timer; the session is kept (useSession/refresh again later). */
  close() {
    this.disconnect();
    this.session.close();
    for (const item of this.outbox.items.values()) clearTimeout(item.timer);
  }

  /**
   * One request over the socket (docs/protocol.md, section 2): resolves with the reply body,
   * rejects with a ChatError (`disconnected` while there is no socket).
   */
  request(address, body, options) {
    if (!this.connection) return Promise.reject(new ChatError('disconnected', 'Not connected.'));
    return this.connection.request(address, body, options);
  }

  // --- messages ---

  /**
   * Sends a message. It waits in the outbox while there is no socket and is resent with the same
   * clientMsgId until acknowledged (`outbox` events tell its state). Resolves with the stored
   * message (also delivered as a `message` event); rejects when it fails for good (a refusal such
   * as `bad_request`, or after its automatic retries): `retry(clientMsgId)` tries again.
   * @param {string} roomId
   * @param {string} text
   * @param {{replyTo?: number, clientMsgId?: string, attachments?: string[]}} [options] clientMsgId:
   *   your own idempotency key; attachments: fileIds of uploads (`api.uploadFile`), text may then be empty
   * @returns {Promise<import('./types.js').Message>}
   */
  send(roomId, text, { replyTo = null, clientMsgId, attachments = [] } = {}) {
    return this.outbox.add({ roomId, text, replyTo, clientMsgId, attachments });
  }

  /**
   * Answers message `replyTo` (its seq) of the room: a send whose stored message carries a
   * `quote` of it. Same outbox, events and promise as send().
   * @param {string} roomId
   * @param {number} replyTo
   * @param {string} text
   * @param {{clientMsgId?: string, attachments?: string[]}} [options]
   */
  reply(roomId, replyTo, text, options = {}) {
    return this.send(roomId, text, { ...options, replyTo });
  }

  /**
   * Replaces the text of one's own message (`chat.edit`). Resolves with the message as it now
   * is, also emitted as `message.updated` (source `request`) so the app need not wait for the
   * live event; rejects with `forbidden` (another's message, or past the edit window), `gone`
   * (deleted), `not_found`, `bad_request`. Not queued: it needs a socket (`disconnected` without).
   */
  edit(roomId, seq, text) {
    return this.change('chat.edit', { roomId, seq, text });
  }

  /**
   * Deletes a message (`chat.delete`): one's own, or, for owners and moderators of a group (and
   * admins), anyone's. Resolves with the tombstone (`deleted` true), emitted as `message.updated`.
   */
  deleteMessage(roomId, seq) {
    return this.change('chat.delete', { roomId, seq });
  }

  /**
   * States my reaction `emoji` on a message: on (default) or off (`chat.react`; a retry is
   * harmless). Resolves with the message and its `reactions`, emitted as `message.updated`.
   */
  react(roomId, seq, emoji, on = true) {
    return this.change('chat.react', { roomId, seq, emoji, on: Boolean(on) });
  }

  /** Sends a failed message again, with its clientMsgId. */
  retry(clientMsgId) {
    return this.outbox.retry(clientMsgId);
  }

  /** Messages not acknowledged yet. */
  pending() {
    return this.outbox.list();
  }

  /**
   * Catches up: every room (or those given, room id → last seq held) from where it was, following
   * hasMore, as `message` events with source `sync`. Over the socket when connected, else
   * through the history API.
   * @param {Record<string, number>} [positions]
   */
  async sync(positions = this.cursors.positions()) {
    this.syncing++;
    try {
      if (this.isConnected) {
        return await syncRooms((body) => this.request('chat.sync', body), positions, (roomId, result) => this.takeRoom(roomId, result), {
          changes: this.cursors.changePositions(),
          onChanges: (roomId, changes, settled) => this.takeChanges(roomId, changes, settled),
        });
      }
      let messages = 0;
      for (const [roomId, seq] of Object.entries(positions)) messages += await this.syncOverRest(roomId, seq);
      return { rounds: 0, messages, complete: true };
    } finally {
      // Gaps live events revealed meanwhile (or that this sync did not close) are filled now.
      if (--this.syncing === 0) this.fillGaps();
    }
  }

  /**
   * A page of history (REST); see RestClient#messages. A page whose epoch differs from the one
   * the client knew (not the newest page) comes with `epochChanged` after the `epoch` event.
   */
  history(roomId, cursor) {
    return this.api.messages(roomId, cursor);
  }

  // --- typing, receipts, presence ---

  /** I am typing (true) or stopped (false) in a room. See TypingSender for when to call it. */
  typing(roomId, typing) {
    return this.request('chat.typing', { roomId, typing: Boolean(typing) });
  }

  /**
   * Moves my watermark: `delivered` (received) or `read` (seen) up to `seq`. Resolves with my
   * watermarks {delivered, read}. See ReceiptSender for coalescing.
   */
  receipt(roomId, kind, seq) {
    return this.request('chat.receipt', { roomId, kind, seq });
  }

  /** My status as others see it: online, away or dnd. */
  setPresence(status) {
    return this.request('presence.set', { status });
  }

  // --- internals ---

  async openSocket() {
    if (!this.userId) {
      const me = await this.api.me();
      if (this.session.state) this.session.state.userId = me.userId;
    }
    const query = new URLSearchParams();
    if (this.options.socketAuth === 'token') query.set('access_token', await this.session.token());
    else query.set('ticket', (await this.api.ticket()).ticket);
    if (this.options.device) query.set('device', this.options.device);
    const { SockJS, WebSocket } = this.options;
    if (SockJS) return new SockJS(`${this.httpBase()}/eventbus?${query}`);
    return new WebSocket(`${this.httpBase().replace(/^http/, 'ws')}/eventbus/websocket?${query}`);
  }

  httpBase() {
    if (this.options.baseUrl) return this.options.baseUrl;
    const { location } = globalThis;
    if (!location) throw new TypeError('baseUrl is required outside a browser');
    return `${location.protocol}//${location.host}`;
  }

  /** After every (re)connect: rooms joined or left meanwhile, missed messages, the outbox. */
  async catchUp(reconnect) {
    if (!this.roomsFresh) {
      try {
        const rooms = await this.api.listRooms();
        this.emit({ type: 'rooms', rooms, reconnect });
      } catch (error) {
        this.emit({ type: 'error', error, during: 'room list' });
      }
    }
    this.roomsFresh = false;
    try {
      await this.sync();
    } catch (error) {
      // Live events still flow; a gap they reveal is filled on its own, the rest at next connect.
      this.emit({ type: 'error', error, during: 'sync' });
    }
    this.outbox.flush();
    this.emit({ type: 'connected', reconnect });
  }

  handleInboxEvent(event) {
    switch (event.type) {
      case 'message':
        if (event.message && event.message.roomId) this.deliver(event.message, 'live');
        break;
      case 'message.updated':
        // The room's held updatedSeq is not raised by live events: a change numbered lower may
        // still be being written (docs/protocol.md, chat.sync, Known limit); the next sync's
        // `changes` brings what the events missed, and a change twice is harmless.
        if (event.message && event.message.roomId) this.emit({ type: 'message.updated', message: event.message, source: 'live' });
        break;
      case 'room':
        this.handleRoomEvent(event);
        break;
      default:
        if (PASSED_ON.has(event.type)) this.emit(event);
        break;
    }
  }

  handleRoomEvent(event) {
    const room = event.room;
    if (!room || !room.roomId) return;
    if (event.event === 'left') {
      this.cursors.forget(room.roomId);
    } else {
      this.cursors.track(room.roomId, room.lastSeq);
      // Messages stored before `joined` reached us are not delivered live: fetch the difference.
      if (this.cursors.hasGap(room.roomId)) this.fillGap(room.roomId);
    }
    this.emit(event);
  }

  /** The one way a message reaches the app: each seq once (per epoch), whatever path brought it. */
  deliver(message, source) {
    const isNew = this.cursors.accept(message);
    if (message.senderId === this.userId) this.outbox.acknowledge(message);
    if (isNew) this.emit({ type: 'message', message, source });
    if (!this.syncing && this.cursors.hasGap(message.roomId)) this.fillGap(message.roomId);
  }

  /** One room's chat.sync answer; false when its epoch changed (not to be followed further). */
  takeRoom(roomId, result) {
    if (this.epochChanged(roomId, result.epoch)) return false;
    for (const message of result.messages) this.deliver({ roomId, ...message }, 'sync');
    return true;
  }

  /**
   * One room's `changes` of a chat.sync answer: each change of a message already delivered as
   * `message.updated` (source `sync`); one not delivered yet comes as it is now with the new
   * messages, so it is dropped here. The held updatedSeq moves as docs/protocol.md says.
   */
  takeChanges(roomId, changes, settled) {
    const held = this.cursors.held(roomId);
    for (const message of changes.messages) {
      if (held !== null && message.seq <= held) this.emit({ type: 'message.updated', message: { roomId, ...message }, source: 'sync' });
    }
    const last = changes.messages[changes.messages.length - 1];
    if (settled) this.cursors.noteChange(roomId, changes.updatedSeq);
    else if (last && this.cursors.updatedSeq(roomId) !== null) this.cursors.noteChange(roomId, last.updatedSeq);
  }

  /** An edit, delete or reaction: its answer is the message as it now is, handed on at once. */
  async change(address, body) {
    const message = await this.request(address, body);
    if (message && message.roomId) this.emit({ type: 'message.updated', message, source: 'request' });
    return message;
  }

  async syncOverRest(roomId, seq) {
    let after = seq;
    let count = 0;
    for (;;) {
      const page = await this.api.messages(roomId, { after, limit: SYNC_PAGE_SIZE });
      if (page.epochChanged) return count;
      for (const message of page.messages) this.deliver(message, 'sync');
      count += page.messages.length;
      if (!page.hasMore || page.messages.length === 0) return count;
      after = page.messages[page.messages.length - 1].seq;
    }
  }

  fillGaps() {
    for (const roomId of Object.keys(this.cursors.positions())) {
      if (this.cursors.hasGap(roomId)) this.fillGap(roomId);
    }
  }

  /** Fetches the seqs missing below a message that arrived early (one fill per room at a time). */
  async fillGap(roomId) {
    if (this.filling.has(roomId)) return;
    this.filling.add(roomId);
    try {
      for (let round = 0; round < MAX_GAP_FILL_ROUNDS && this.cursors.hasGap(roomId); round++) {
        const from = this.cursors.held(roomId);
        await this.sync({ [roomId]: from });
        if (this.cursors.held(roomId) === from) break; // no progress: left to the next sync
      }
    } catch (error) {
      this.emit({ type: 'error', error, during: 'gap fill' });
    } finally {
      this.filling.delete(roomId);
    }
  }

  /**
   * An answer brought a room's epoch: when it changed, the room's seqs started again. The app is
   * told (`epoch`) and reloads the room; the client reads the room's new lastSeq to go on from.
   */
  epochChanged(roomId, epoch) {
    if (!this.cursors.noteEpoch(roomId, epoch)) return false;
    this.emit({ type: 'epoch', roomId, epoch });
    this.api.getRoom(roomId).catch((error) => {
      // The room stays out of sync until the next room list tells where it is.
      this.emit({ type: 'error', error, during: 'room reload after a new epoch' });
    });
    return true;
  }

  notePage(roomId, page, cursor) {
    const newest = cursor.before === undefined && cursor.after === undefined;
    if (!newest) {
      if (this.epochChanged(roomId, page.epoch)) page.epochChanged = true;
      return;
    }
    // The newest page is the room as it is now: its epoch is the one to hold, changed or not.
    if (this.cursors.noteEpoch(roomId, page.epoch)) {
      const last = page.messages.length ? page.messages[page.messages.length - 1].seq : 0;
      this.cursors.track(roomId, last);
    }
  }

  sessionChanged(session) {
    this.emit({ type: 'session', session });
    this.renewSocket(session.accessToken);
  }

  /**
   * Moves the live socket's expiry to the new token's (`auth.renew`), so it survives the old
   * token. Should that fail, the socket closes at the old expiry and reconnects with a fresh
   * ticket: nothing is lost, the catch-up covers the gap.
   */
  async renewSocket(accessToken) {
    if (!this.isConnected) return; // the next socket signs in with the new token anyway
    try {
      const reply = await this.request('auth.renew', { accessToken });
      this.emit({ type: 'renewed', expiresAt: Number(reply && reply.expiresAt) || null });
    } catch (error) {
      if (error.code !== 'disconnected') this.emit({ type: 'error', error, during: 'socket re-authentication' });
    }
  }

  signedOut(reason, error) {
    this.stopAll(new ChatError('signed_out', 'Signed out.', { status: 401 }));
    this.emit({ type: 'signedout', reason, ...(error ? { error } : {}) });
  }

  /** Forgets the previous user's state before another sign-in. */
  reset() {
    if (this.session.signedIn) this.session.end();
    this.stopAll(new ChatError('signed_out', 'Signed out.', { status: 401 }));
  }

  stopAll(error) {
    if (this.connection) {
      this.connection.stop();
      this.connection = null;
    }
    this.outbox.clear(error);
    this.cursors.clear();
    this.roomsFresh = false;
  }
}

function chatSendBody({ roomId, clientMsgId, text, replyTo, attachments }) {
  const body = { roomId, clientMsgId, text };
  if (replyTo !== null && replyTo !== undefined) body.replyTo = replyTo;
  if (attachments && attachments.length) body.attachments = attachments;
  return body;
}
