// REST client for /api/v1 (protocol v1, section 1).

const API_BASE = '/api/v1';

/** Default and largest page size of the history API. */
export const PAGE_SIZE = 50;
/** GET /presence takes at most this many user ids per call. */
export const PRESENCE_BATCH = 200;

/** A failed call; `message` is the server's human text, fit to show in the UI. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

// Fallback texts for answers without a JSON error body (proxies, crashes, network loss).
const STATUS_TEXT = {
  400: 'The request was not accepted.',
  401: 'Please log in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That already exists.',
  413: 'That is too large.',
  429: 'Too many requests, please slow down.',
  503: 'The service is unavailable, please try again shortly.',
};

class ApiClient {
  constructor() {
    this.accessToken = null;
    /** Called when an authenticated call answers 401: the session is over. */
    this.onUnauthorized = null;
  }

  setAccessToken(token) {
    this.accessToken = token;
  }

  async call(method, path, { body, auth = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && this.accessToken) headers.Authorization = `Bearer ${this.accessToken}`;

    let response;
    try {
      response = await fetch(API_BASE + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
    }

    const payload = await readJson(response);
    if (response.ok) return payload;

    const error = payload && payload.error;
    const apiError = new ApiError(
      response.status,
      (error && error.code) || `http_${response.status}`,
      (error && error.message) || STATUS_TEXT[response.status] || `Request failed (HTTP ${response.status}).`,
    );
    if (response.status === 401 && auth && this.onUnauthorized) this.onUnauthorized(apiError);
    throw apiError;
  }

  // --- auth (no token needed) ---

  register(username, password, displayName) {
    const body = { username, password };
    if (displayName) body.displayName = displayName;
    return this.call('POST', '/auth/register', { body, auth: false });
  }

  login(username, password) {
    return this.call('POST', '/auth/login', { body: { username, password }, auth: false });
  }

  /** A single-use ticket for opening one socket. */
  ticket() {
    return this.call('POST', '/auth/ticket');
  }

  // --- users ---

  me() {
    return this.call('GET', '/me');
  }

  async searchUsers(prefix) {
    const result = await this.call('GET', `/users?query=${encodeURIComponent(prefix)}`);
    return (result && result.users) || [];
  }

  // --- rooms ---

  /** Every room of the user: the server answers in pages (ROOM_LIST_PAGE_MAX) linked by `next`. */
  async listRooms() {
    const rooms = [];
    let after = null;
    do {
      const result = await this.call('GET', after ? `/rooms?after=${encodeURIComponent(after)}` : '/rooms');
      rooms.push(...((result && result.rooms) || []));
      after = result && result.next;
    } while (after);
    return rooms;
  }

  createRoom(name, memberIds) {
    return this.call('POST', '/rooms', { body: { name, members: memberIds } });
  }

  /** The direct room with one user; the same pair always gets the same room. */
  directRoom(userId) {
    return this.call('POST', '/rooms/direct', { body: { userId } });
  }

  getRoom(roomId) {
    return this.call('GET', `/rooms/${encodeURIComponent(roomId)}`);
  }

  addMember(roomId, userId) {
    return this.call('POST', `/rooms/${encodeURIComponent(roomId)}/members`, { body: { userId } });
  }

  /** Renames a group room (owners, moderators, admins); resolves to the room. */
  renameRoom(roomId, name) {
    return this.call('PATCH', `/rooms/${encodeURIComponent(roomId)}`, { body: { name } });
  }

  /** Removes a member; my own id leaves the room. */
  removeMember(roomId, userId) {
    return this.call('DELETE', `/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`);
  }

  /**
   * One page of history, ascending seq: `before` for older pages, `after` for newer ones,
   * neither for the newest page. Resolves to {messages, hasMore, epoch}.
   */
  async messages(roomId, { before, after, limit = PAGE_SIZE } = {}) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined && before !== null) query.set('before', String(before));
    if (after !== undefined && after !== null) query.set('after', String(after));
    const result = await this.call('GET', `/rooms/${encodeURIComponent(roomId)}/messages?${query}`);
    return {
      messages: (result && result.messages) || [],
      hasMore: Boolean(result && result.hasMore),
      epoch: (result && result.epoch) ?? null,
    };
  }

  /** Every member's delivered/read watermark in a room: [{userId, delivered, read}]. */
  async receipts(roomId) {
    const result = await this.call('GET', `/rooms/${encodeURIComponent(roomId)}/receipts`);
    return (result && result.members) || [];
  }

  // --- presence ---

  /** Presence of many users, [{userId, status, lastSeen}], asked in batches the server accepts. */
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
}

async function readJson(response) {
  if (response.status === 204) return null;
  const text = await response.text().catch(() => '');
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null; // not JSON (an HTML error page from a proxy, say)
  }
}

export const api = new ApiClient();
