// REST client for /api/v1 (docs/protocol.md, section 1). Every call has a timeout. Calls that
// need a token get it from the session; a 401 makes the session refresh once, then the call is
// repeated with the new token.

import { ChatError, retryAfterFromText } from './errors.js';

const API_PATH = '/api/v1';

/** Default and largest page size of the history API. */
export const PAGE_SIZE = 50;
/** chat.sync brings at most this many messages per room; history pages used instead match it. */
export const SYNC_PAGE_SIZE = 100;
/** GET /presence takes at most this many user ids per call. */
export const PRESENCE_BATCH = 200;
/**
 * How long a REST call may take. Login can be slowed to about 2 s on purpose when a username is
 * under attack (LOGIN_SLOWDOWN_MS), and the protocol asks for at least 10 s.
 */
export const REST_TIMEOUT_MS = 15_000;
/** How long one upload may take in all: a large file on a slow line, never forever. */
export const UPLOAD_TIMEOUT_MS = 10 * 60_000;
/** GET /files/links takes at most this many file ids per call (FILE_LINKS_MAX). */
export const LINKS_BATCH = 100;

// Fallback texts for answers without a JSON error body (proxies, crashes).
const STATUS_TEXT = {
  400: 'The request was not accepted.',
  401: 'Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That already exists.',
  413: 'That is too large.',
  415: 'That type of file cannot be sent.',
  429: 'Too many requests, please slow down.',
  503: 'The service is unavailable, please try again shortly.',
};

/**
 * How the REST client gets its token, set by the Session.
 * @typedef {object} TokenSource
 * @property {() => Promise<string|null>} token the access token to send (refreshed first when it
 *   is about to expire)
 * @property {(rejected: string|null) => Promise<boolean>} unauthorized a call with `rejected`
 *   answered 401: resolves true when a newer token is now there to try once more
 */

/**
 * What ChatClient learns from answers as they pass (rooms and their lastSeq, page epochs).
 * @typedef {object} RestObserver
 * @property {(rooms: import('./types.js').Room[]) => void} [roomList] the complete room list
 * @property {(room: import('./types.js').Room) => void} [room] one room as it is now
 * @property {(roomId: string, page: import('./types.js').HistoryPage, cursor: {before?: number, after?: number}) => void} [page]
 */

export class RestClient {
  /**
   * @param {object} [options]
   * @param {string} [options.baseUrl] the gateway's origin, e.g. `https://chat.example.com`;
   *   `''` (default) for a page served by the gateway itself
   * @param {typeof fetch} [options.fetch]
   * @param {number} [options.timeoutMs]
   * @param {typeof XMLHttpRequest} [options.XMLHttpRequest] for uploads: fetch() cannot report
   *   upload progress, XMLHttpRequest can (the browser's by default)
   */
  constructor({ baseUrl = '', fetch, timeoutMs = REST_TIMEOUT_MS, XMLHttpRequest } = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    // Called unbound: browsers refuse fetch() with another `this` than the window.
    this.fetch = fetch || ((...args) => globalThis.fetch(...args));
    this.timeoutMs = timeoutMs;
    this.XMLHttpRequest = XMLHttpRequest || globalThis.XMLHttpRequest;
    /** @type {TokenSource|null} */
    this.tokens = null;
    /** @type {RestObserver} */
    this.observer = {};
  }

  /**
   * One call. Resolves with the parsed JSON answer (null for 204), rejects with a ChatError.
   * @param {string} method
   * @param {string} path below /api/v1, query string included
   * @param {{body?: object, auth?: boolean}} [options] auth false: send no token (sign-in calls)
   */
  async call(method, path, { body, auth = true } = {}) {
    const token = auth && this.tokens ? await this.tokens.token() : null;
    try {
      return await this.send(method, path, body, token);
    } catch (error) {
      if (!(auth && error.status === 401 && this.tokens && (await this.tokens.unauthorized(token)))) throw error;
      return this.send(method, path, body, await this.tokens.token());
    }
  }

  async send(method, path, body, token) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let response;
    let payload;
    try {
      response = await this.fetch(this.baseUrl + API_PATH + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'same-origin', // the refresh cookie, for a page served by the gateway
        signal: abort.signal,
      });
      payload = await readJson(response);
    } catch {
      throw abort.signal.aborted
        ? new ChatError('timeout', 'The server did not answer in time.')
        : new ChatError('network', 'Cannot reach the server. Check your connection.');
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return payload;
    throw errorOf(response.status, payload, response.headers.get('Retry-After'));
  }

  // --- sign-in (no access token) ---

  /** @returns {Promise<import('./types.js').User>} */
  register(username, password, displayName) {
    const body = { username, password };
    if (displayName) body.displayName = displayName;
    return this.call('POST', '/auth/register', { body, auth: false });
  }

  /** {accessToken, tokenType, expiresIn, userId, refreshToken?, refreshExpiresIn?} */
  login(username, password) {
    return this.call('POST', '/auth/login', { body: { username, password }, auth: false });
  }

  /**
   * A new access token (and a new refresh token: each works once). Without `refreshToken` the
   * server reads the HttpOnly `chat_refresh` cookie, which only a browser sends.
   * @param {string} [refreshToken]
   */
  refresh(refreshToken) {
    return this.call('POST', '/auth/refresh', { body: refreshToken ? { refreshToken } : undefined, auth: false });
  }

  /** Revokes the refresh token's family (every token of that login) and clears the cookie. */
  logout(refreshToken) {
    return this.call('POST', '/auth/logout', { body: refreshToken ? { refreshToken } : undefined, auth: false });
  }

  /** A single-use ticket for opening one socket: {ticket, expiresIn}. */
  ticket() {
    return this.call('POST', '/auth/ticket');
  }

  // --- users ---

  /** @returns {Promise<import('./types.js').User>} */
  me() {
    return this.call('GET', '/me');
  }

  /** @returns {Promise<import('./types.js').User[]>} */
  async searchUsers(query) {
    const result = await this.call('GET', `/users?query=${encodeURIComponent(query)}`);
    return (result && result.users) || [];
  }

  // --- rooms ---

  /**
   * Every room of the user: the server answers in pages linked by `next`.
   * @returns {Promise<import('./types.js').Room[]>}
   */
  async listRooms() {
    const rooms = [];
    let after = null;
    do {
      const result = await this.call('GET', after ? `/rooms?after=${encodeURIComponent(after)}` : '/rooms');
      rooms.push(...((result && result.rooms) || []));
      after = result && result.next;
    } while (after);
    this.observer.roomList?.(rooms);
    return rooms;
  }

  /** @returns {Promise<import('./types.js').Room>} */
  createRoom(name, memberIds = []) {
    return this.observed(this.call('POST', '/rooms', { body: { name, members: memberIds } }));
  }

  /**
   * The direct room with one user; the same pair always gets the same room.
   * @returns {Promise<import('./types.js').Room>}
   */
  directRoom(userId) {
    return this.observed(this.call('POST', '/rooms/direct', { body: { userId } }));
  }

  /** @returns {Promise<import('./types.js').Room>} */
  getRoom(roomId) {
    return this.observed(this.call('GET', `/rooms/${encodeURIComponent(roomId)}`));
  }

  addMember(roomId, userId) {
    return this.call('POST', `/rooms/${encodeURIComponent(roomId)}/members`, { body: { userId } });
  }

  /**
   * Renames a group room (owners, moderators and admins); every member gets `room` `updated`.
   * @returns {Promise<import('./types.js').Room>} the room with its new name and a higher version
   */
  renameRoom(roomId, name) {
    return this.observed(this.call('PATCH', `/rooms/${encodeURIComponent(roomId)}`, { body: { name } }));
  }

  /** Removes a member; `userId` = yourself means leave. */
  removeMember(roomId, userId) {
    return this.call('DELETE', `/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`);
  }

  /**
   * One page of history, ascending seq: `before` for older pages, `after` for newer ones,
   * neither for the newest page. Only `hasMore` tells whether more follow (a page stops at a
   * byte budget too).
   * @param {string} roomId
   * @param {{before?: number|null, after?: number|null, limit?: number}} [cursor]
   * @returns {Promise<import('./types.js').HistoryPage>}
   */
  async messages(roomId, { before, after, limit = PAGE_SIZE } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    const cursor = {};
    if (before !== undefined && before !== null) query.set('before', String((cursor.before = before)));
    if (after !== undefined && after !== null) query.set('after', String((cursor.after = after)));
    const result = await this.call('GET', `/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    const page = {
      messages: ((result && result.messages) || []).map((m) => ({ roomId, ...m })),
      hasMore: Boolean(result && result.hasMore),
      epoch: (result && result.epoch) ?? null,
    };
    this.observer.page?.(roomId, page, cursor);
    return page;
  }

  /**
   * Sends a message over REST (the socket's chat.send is the usual way). A repeated
   * clientMsgId answers the stored message.
   * @returns {Promise<import('./types.js').Message>}
   */
  postMessage(roomId, { clientMsgId, text, replyTo, attachments }) {
    const body = { clientMsgId, text };
    if (replyTo !== undefined && replyTo !== null) body.replyTo = replyTo;
    if (attachments && attachments.length) body.attachments = attachments;
    return this.call('POST', `/rooms/${encodeURIComponent(roomId)}/messages`, { body });
  }

  /**
   * The message of `seq` with up to `limit / 2` messages on each side (default 25), ascending,
   * and `around: {seq, before, after}`: the `before` / `after` cursors to page on from its ends
   * (null where the room ends). Rejects `not_found` for a seq the room does not have. Not a page
   * the client continues from: the epoch is not checked here.
   * @returns {Promise<import('./types.js').AroundPage>}
   */
  async messagesAround(roomId, seq, { limit } = {}) {
    const query = new URLSearchParams({ around: String(seq) });
    if (limit !== undefined) query.set('limit', String(limit));
    const result = await this.call('GET', `/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    return {
      messages: ((result && result.messages) || []).map((m) => ({ roomId, ...m })),
      hasMore: Boolean(result && result.hasMore),
      epoch: (result && result.epoch) ?? null,
      around: {
        seq: result?.around?.seq ?? seq,
        before: result?.around?.before ?? null,
        after: result?.around?.after ?? null,
      },
    };
  }

  /**
   * `GET /search`: the messages of my rooms (or of one room) that hold every word of `query`,
   * newest first. Resolves with `{messages, next?}`; pass `next` as `before` for the next page
   * (there is none when `next` is absent).
   * @param {string} query
   * @param {{roomId?: string, before?: string, limit?: number}} [options]
   * @returns {Promise<import('./types.js').SearchPage>}
   */
  search(query, { roomId, before, limit } = {}) {
    const params = new URLSearchParams({ q: query });
    if (roomId) params.set('roomId', roomId);
    if (before !== undefined && before !== null) params.set('before', String(before));
    if (limit !== undefined) params.set('limit', String(limit));
    return this.call('GET', `/search?${params}`);
  }

  /**
   * Gives a member of a group room the role `owner`, `moderator` or `member` (owners and admins,
   * docs/roles.md); resolves with the room. `conflict` when it would leave no owner, or when the
   * room changed meanwhile (try again).
   * @returns {Promise<import('./types.js').Room>}
   */
  setMemberRole(roomId, userId, role) {
    return this.observed(this.call('PUT', `/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}/role`, { body: { role } }));
  }

  /**
   * A moderation act (docs/roles.md says who may): `mute` (for `durationSec`, or until `unmute`),
   * `unmute`, `kick`, `ban` (also of a user not in the room), `unban`; `reason` is shown to the
   * room. Resolves with the act, as the `moderation` event carries it.
   * @param {string} roomId
   * @param {{action: 'mute'|'unmute'|'kick'|'ban'|'unban', userId: string, durationSec?: number, reason?: string}} action
   * @returns {Promise<import('./types.js').ModerationAct>}
   */
  moderate(roomId, { action, userId, durationSec, reason }) {
    const body = { action, userId };
    if (durationSec !== undefined && durationSec !== null) body.durationSec = durationSec;
    if (reason) body.reason = reason;
    return this.call('POST', `/rooms/${encodeURIComponent(roomId)}/moderation`, { body });
  }

  /** Deletes a group room (its owners, and admins); `reason` goes to the audit log. */
  deleteRoom(roomId, { reason } = {}) {
    const query = reason ? `?${new URLSearchParams({ reason })}` : '';
    return this.call('DELETE', `/rooms/${encodeURIComponent(roomId)}${query}`);
  }

  /** Every member's delivered/read watermark in a room: [{userId, delivered, read}]. */
  async receipts(roomId) {
    const result = await this.call('GET', `/rooms/${encodeURIComponent(roomId)}/receipts`);
    return (result && result.members) || [];
  }

  // --- files ---

  /**
   * Uploads one file to a room (multipart field `file`); its answer is the file object with
   * signed links (`url`, `thumbnailUrl` for images), and its `fileId` goes in a message's
   * `attachments`. Rejects with a ChatError: `payload_too_large`, `quota_exceeded` (413),
   * `unsupported_media_type` (415), `rate_limited`, or `aborted` when `signal` aborted it.
   * @param {string} roomId
   * @param {Blob} file a File (its name is sent) or a Blob
   * @param {{onProgress?: (sent: number, total: number) => void, signal?: AbortSignal, name?: string}} [options]
   * @returns {Promise<import('./types.js').FileInfo>}
   */
  async uploadFile(roomId, file, { onProgress, signal, name } = {}) {
    const path = `/rooms/${encodeURIComponent(roomId)}/files`;
    const token = this.tokens ? await this.tokens.token() : null;
    const once = (t) => this.sendFile(path, file, name || file.name || 'file', t, onProgress, signal);
    try {
      return await once(token);
    } catch (error) {
      // A Blob can be sent again whole, so an expired token costs one more try, as with call().
      if (!(error.status === 401 && this.tokens && (await this.tokens.unauthorized(token)))) throw error;
      return once(await this.tokens.token());
    }
  }

  sendFile(path, file, name, token, onProgress, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new ChatError('aborted', 'The upload was cancelled.'));
        return;
      }
      const xhr = new this.XMLHttpRequest();
      xhr.open('POST', this.baseUrl + API_PATH + path);
      xhr.timeout = UPLOAD_TIMEOUT_MS;
      xhr.setRequestHeader('Accept', 'application/json');
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      const abort = () => xhr.abort();
      signal?.addEventListener('abort', abort);
      const done = () => signal?.removeEventListener('abort', abort);
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
      }
      xhr.onload = () => {
        done();
        const payload = parseJson(xhr.responseText);
        if (xhr.status >= 200 && xhr.status < 300) resolve(payload);
        else reject(errorOf(xhr.status, payload, xhr.getResponseHeader('Retry-After')));
      };
      xhr.onerror = () => {
        done();
        reject(new ChatError('network', 'Cannot reach the server. Check your connection.'));
      };
      xhr.ontimeout = () => {
        done();
        reject(new ChatError('timeout', 'The upload did not finish in time.'));
      };
      xhr.onabort = () => {
        done();
        reject(new ChatError('aborted', 'The upload was cancelled.'));
      };
      const form = new FormData();
      form.append('file', file, name);
      xhr.send(form);
    });
  }

  /**
   * Fresh signed links of files (signed links expire; stored messages carry none): asked in
   * batches the server accepts. Resolves with `{links: Map<fileId, {url, thumbnailUrl}>, expiresAt}`,
   * expiresAt the earliest of the batches (ms since the epoch).
   * @param {string[]} fileIds
   */
  async fileLinks(fileIds) {
    const links = new Map();
    let expiresAt = Infinity;
    for (let i = 0; i < fileIds.length; i += LINKS_BATCH) {
      // Ids are encoded one by one: the commas between them must stay separators.
      const ids = fileIds.slice(i, i + LINKS_BATCH).map(encodeURIComponent).join(',');
      const result = await this.call('GET', `/files/links?fileIds=${ids}`);
      for (const link of (result && result.links) || []) links.set(link.fileId, { url: link.url, thumbnailUrl: link.thumbnailUrl });
      if (result && result.expiresAt) expiresAt = Math.min(expiresAt, result.expiresAt);
    }
    return { links, expiresAt: expiresAt === Infinity ? 0 : expiresAt };
  }

  // --- presence ---

  /**
   * Presence of many users, asked in batches the server accepts.
   * @param {string[]} userIds
   * @returns {Promise<import('./types.js').Presence[]>}
   */
  async presence(userIds) {
    const all = [];
    for (let i = 0; i < userIds.length; i += PRESENCE_BATCH) {
      // Ids are encoded one by one: the commas between them must stay separators.
      const ids = userIds.slice(i, i + PRESENCE_BATCH).map(encodeURIComponent).join(',');
      const result = await this.call('GET', `/presence?userIds=${ids}`);
      all.push(...((result && result.presence) || []));
    }
    return all;
  }

  // --- push notifications (docs/push.md) ---

  /**
   * The server's VAPID public key (base64url of the P-256 point), the `applicationServerKey` of
   * PushManager.subscribe; 503 `unavailable` while the server has no Web Push.
   * @returns {Promise<string>}
   */
  async webPushKey() {
    const result = await this.call('GET', '/push/webpush-key');
    return result && result.publicKey;
  }

  /**
   * Registers a device for pushes, in one of the forms of POST /devices, e.g. a browser's
   * `{kind: 'webpush', subscription: pushSubscription.toJSON()}`. Registering it again moves it to
   * this user and never makes a second one.
   * @returns {Promise<{deviceId: string, kind: string, createdAt: number}>} never the token or keys
   */
  registerDevice(device) {
    return this.call('POST', '/devices', { body: device });
  }

  /** The user's own devices, newest first. */
  async devices() {
    const result = await this.call('GET', '/devices');
    return (result && result.devices) || [];
  }

  /** Stops pushes to one of the user's devices; 404 when it is not (or no longer) theirs. */
  deleteDevice(deviceId) {
    return this.call('DELETE', `/devices/${encodeURIComponent(deviceId)}`);
  }

  /**
   * Which messages of a room may push to the user's devices: `all`, `mentions` or `none`.
   * @returns {Promise<{roomId: string, mode: string}>}
   */
  setRoomNotifications(roomId, mode) {
    return this.call('PUT', `/rooms/${encodeURIComponent(roomId)}/notifications`, { body: { mode } });
  }

  async observed(promise) {
    const room = await promise;
    if (room && room.roomId) this.observer.room?.(room);
    return room;
  }
}

/** The ChatError of a refused call: the server's code and text, or one of the status. */
function errorOf(status, payload, retryAfterHeader) {
  const error = payload && payload.error;
  const message = (error && error.message) || STATUS_TEXT[status] || `Request failed (HTTP ${status}).`;
  const retryAfter = Number(retryAfterHeader);
  const chatError = new ChatError((error && error.code) || `http_${status}`, message, {
    status,
    retryAfterMs: retryAfter > 0 ? retryAfter * 1000 : retryAfterFromText(message),
  });
  return chatError;
}

async function readJson(response) {
  if (response.status === 204) return null;
  return parseJson(await response.text().catch(() => ''));
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON (an HTML error page from a proxy, say)
  }
}
