// The sign-in: the access token, when it expires, and how a new one is got before then.
//
// Refresh tokens work once: each refresh returns a new one, and presenting a used one revokes
// every token of that login (docs/protocol.md, POST /auth/refresh). So refreshes are serialized:
// one at a time in this client, and, in a browser, one at a time across all tabs of the origin
// (they share the refresh cookie) through the Web Locks API.

import { ChatError, isRetryable } from './errors.js';
import { jitteredBackoff } from './util.js';

/**
 * A token is refreshed a quarter of its lifetime before it expires, at most this long before:
 * a minute of slack for a slow network, a timer that fired late (a sleeping laptop, a throttled
 * background tab) and clocks that differ a little.
 */
export const REFRESH_LEAD_MAX_MS = 60_000;
/** A token this close to its expiry is refreshed before it is used. */
export const EXPIRY_MARGIN_MS = 5_000;
/** A refresh that failed for a reason that may pass (network, 503) is tried again this way. */
export const REFRESH_RETRY_BASE_MS = 1_000;
export const REFRESH_RETRY_MAX_MS = 30_000;
/** The Web Locks name shared by every tab of the origin. */
export const REFRESH_LOCK = 'chat-platform.refresh';

/**
 * Milliseconds from `now` until the token in `state` should be refreshed (0: now); null when its
 * expiry is unknown.
 * @param {{expiresAt: number|null, lifetimeMs?: number|null}} state
 */
export function refreshDelay(state, now, leadMaxMs = REFRESH_LEAD_MAX_MS) {
  if (!state || !state.expiresAt) return null;
  const lifetime = state.lifetimeMs || Math.max(0, state.expiresAt - now);
  return Math.max(0, state.expiresAt - Math.min(leadMaxMs, lifetime / 4) - now);
}

export class Session {
  /**
   * @param {object} options
   * @param {import('./rest.js').RestClient} options.rest
   * @param {'cookie'|'memory'} [options.refreshTokenIn] cookie (browsers on the gateway's origin:
   *   the server keeps it in an HttpOnly cookie, out of reach of scripts); memory (other clients:
   *   this object keeps it, and `session` events carry it for apps that store it)
   * @param {{request: Function}|null} [options.locks] `navigator.locks` to serialize refreshes
   *   across tabs; null where there is none (Node, insecure origins)
   * @param {number} [options.refreshLeadMaxMs]
   * @param {(state: import('./types.js').SessionState) => void} options.onChange a new token
   * @param {(reason: 'logout'|'expired'|'disabled', error?: Error) => void} options.onSignedOut
   * @param {(error: Error) => void} [options.onRefreshFailed] a refresh failed and will be retried
   */
  constructor({ rest, refreshTokenIn = 'cookie', locks = null, refreshLeadMaxMs = REFRESH_LEAD_MAX_MS, onChange, onSignedOut, onRefreshFailed = () => {} }) {
    Object.assign(this, { rest, refreshTokenIn, locks, refreshLeadMaxMs, onChange, onSignedOut, onRefreshFailed });
    /** @type {import('./types.js').SessionState|null} */
    this.state = null;
    this.refreshing = null; // the refresh under way, shared by everyone who asks meanwhile
    this.timer = null;
    this.failures = 0; // refreshes failed in a row, for the retry backoff
    this.generation = 0; // bumps when the session ends, so a late answer is not adopted
    rest.tokens = {
      token: () => this.token(),
      unauthorized: (rejected) => this.unauthorized(rejected),
    };
  }

  get signedIn() {
    return this.state !== null;
  }

  get userId() {
    return this.state ? this.state.userId : null;
  }

  /** Logs in; resolves with the server's answer (`userId` included). */
  async login(username, password) {
    const result = await this.rest.login(username, password);
    this.adopt(result);
    return result;
  }

  /**
   * Takes a session kept from earlier (a reload) or made elsewhere: at least `accessToken`; with
   * `expiresAt` it is refreshed before it expires.
   * @param {Partial<import('./types.js').SessionState> & {accessToken: string}} state
   */
  use(state) {
    this.generation++;
    this.state = {
      accessToken: state.accessToken,
      expiresAt: state.expiresAt ?? null,
      lifetimeMs: state.lifetimeMs ?? null,
      userId: state.userId ?? null,
      ...(this.refreshTokenIn === 'memory' && state.refreshToken ? { refreshToken: state.refreshToken } : {}),
    };
    this.failures = 0;
    this.schedule();
  }

  /**
   * Signs in with the refresh token alone: the cookie (a browser tab opened after another one
   * logged in, or a reload) or the given token. Resolves true when signed in, false when there
   * is no valid refresh token; rejects when the server could not be asked.
   * @param {string} [refreshToken] memory mode: the token kept from an earlier run
   */
  async resume(refreshToken) {
    try {
      await this.run(refreshToken);
      return true;
    } catch (error) {
      if (error.code === 'signed_out') return false;
      throw error;
    }
  }

  /**
   * A new access token now. Concurrent calls share one request. Rejects with code `signed_out`
   * when the server refused the refresh token (the session is then over, and onSignedOut was
   * called), or with the failure that may pass (a retry is then scheduled).
   * @returns {Promise<import('./types.js').SessionState>}
   */
  refresh() {
    return this.run();
  }

  /** One refresh at a time; `refreshToken` (memory mode) instead of the one held. */
  run(refreshToken) {
    if (!this.refreshing) {
      const generation = this.generation;
      const attempt = () => this.refreshOnce(generation, refreshToken);
      const run = this.locks ? this.locks.request(REFRESH_LOCK, attempt) : attempt();
      this.refreshing = run.finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** Ends the session here and on the server (its refresh family is revoked). */
  async logout() {
    const refreshToken = this.state && this.state.refreshToken;
    this.end();
    const generation = this.generation;
    try {
      await this.rest.logout(refreshToken);
    } catch (error) {
      // The local session is over anyway; an unrevoked refresh token still expires by itself.
      console.warn('logout could not reach the server:', error.code, error.message);
    }
    if (generation === this.generation) this.onSignedOut('logout'); // not if a new login came first
  }

  /** Forgets the session without telling the server or anyone (e.g. before another login). */
  end() {
    this.generation++;
    this.state = null;
    this.failures = 0;
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops the refresh timer (the client is closed); the session itself is kept. */
  close() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  // --- for RestClient ---

  async token() {
    if (!this.state) throw new ChatError('signed_out', 'Please log in.', { status: 401 });
    const expiring = this.state.expiresAt && Date.now() >= this.state.expiresAt - EXPIRY_MARGIN_MS;
    if (expiring) {
      try {
        await this.refresh();
      } catch (error) {
        if (error.code === 'signed_out') throw error;
        // The server may still take it (clocks differ); a 401 brings us back to refresh().
      }
    }
    if (!this.state) throw new ChatError('signed_out', 'Please log in.', { status: 401 });
    return this.state.accessToken;
  }

  /** A call with `rejected` got 401: true when there is a newer token to try. */
  async unauthorized(rejected) {
    if (!this.state) return false;
    if (this.state.accessToken !== rejected) return true; // refreshed meanwhile
    try {
      await this.refresh();
      return true;
    } catch {
      return false;
    }
  }

  // --- internals ---

  async refreshOnce(generation, refreshToken) {
    if (generation !== this.generation) throw signedOutError();
    const memory = this.refreshTokenIn === 'memory';
    const token = memory ? refreshToken ?? (this.state && this.state.refreshToken) : undefined;
    let result;
    try {
      if (memory && !token) throw new ChatError('unauthorized', 'There is no refresh token: log in again.', { status: 401 });
      result = await this.rest.refresh(token);
    } catch (error) {
      if (generation !== this.generation) throw signedOutError();
      if (!isRetryable(error) && (error.status === 401 || error.status === 403 || error.status === 400)) {
        // Expired, unknown, already used (the family is now revoked) or a disabled account.
        const hadSession = this.state !== null;
        this.end();
        if (hadSession) this.onSignedOut(error.status === 403 ? 'disabled' : 'expired', error);
        throw signedOutError(error);
      }
      this.failures++;
      this.onRefreshFailed(error);
      this.scheduleIn(jitteredBackoff(this.failures, REFRESH_RETRY_BASE_MS, REFRESH_RETRY_MAX_MS));
      throw error;
    }
    if (generation !== this.generation) throw signedOutError(); // logged out while it ran
    this.adopt(result);
    return this.state;
  }

  adopt(result) {
    const lifetimeMs = Number(result.expiresIn) > 0 ? Number(result.expiresIn) * 1000 : null;
    this.generation++;
    this.state = {
      accessToken: result.accessToken,
      expiresAt: lifetimeMs ? Date.now() + lifetimeMs : null,
      lifetimeMs,
      userId: result.userId ?? (this.state && this.state.userId) ?? null,
      // In cookie mode the body's copy is dropped: scripts never hold a browser's refresh token.
      ...(this.refreshTokenIn === 'memory' && result.refreshToken ? { refreshToken: result.refreshToken } : {}),
    };
    this.failures = 0;
    this.schedule();
    this.onChange({ ...this.state });
  }

  schedule() {
    const delay = refreshDelay(this.state, Date.now(), this.refreshLeadMaxMs);
    if (delay === null) return;
    if (this.refreshTokenIn === 'memory' && !this.state.refreshToken) return; // nothing to refresh with
    this.scheduleIn(delay);
  }

  scheduleIn(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch(() => {}); // failures are reported through onRefreshFailed / onSignedOut
    }, delay);
  }
}

function signedOutError(cause) {
  const error = new ChatError('signed_out', 'Your session has ended. Please log in again.', { status: 401 });
  if (cause) error.cause = cause;
  return error;
}
