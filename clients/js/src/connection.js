// Keeps one socket alive: a fresh credential (single-use ticket) for every attempt, the inbox
// registered, reconnects with jittered exponential backoff, and "online" only once the socket
// has proved itself with the catch-up (an open socket is not yet an authenticated one: the
// gateway refuses a bad ticket after the open, with an `err` frame and a close).

import { EventBus } from './bridge.js';
import { ChatError } from './errors.js';
import { jitteredBackoff } from './util.js';

/**
 * Backoff after a failed or lost connection, with full jitter: a random wait between 0 and
 * 1 s, 2 s, 4 s, … capped at 15 s.
 */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 15_000;
/**
 * After the server asked us to go elsewhere (the `reconnect` event, or close code 1012: the
 * gateway drains), reconnect after a random wait of 0 to this, without backoff: not an error.
 */
export const PROMPT_RECONNECT_MAX_MS = 1_000;
/** WebSocket's "service restart": the raw WebSocket's close code of a draining gateway. */
const CLOSE_SERVICE_RESTART = 1012;

/** The connection's states, as `state` events carry them. */
export const ConnectionState = Object.freeze({
  OFFLINE: 'offline', // not started, or stopped
  CONNECTING: 'connecting', // the first attempt
  ONLINE: 'online', // the inbox is live and the catch-up done
  RECONNECTING: 'reconnecting', // lost; the next attempt is scheduled (retryInMs) or running
});

export class Connection {
  /**
   * @param {object} options
   * @param {() => Promise<import('./bridge.js').SocketLike>} options.openSocket a new socket, made
   *   with a fresh credential (tickets are single use)
   * @param {() => string} options.inbox the user's own address, `user.<userId>`
   * @param {(event: object) => void} options.onEvent every body received on the inbox
   * @param {(reconnect: boolean) => Promise<void>} options.onConnected catch-up work; the state
   *   turns `online` once it settles
   * @param {(state: string, info: {retryInMs?: number}) => void} options.onStateChange
   * @param {(error: Error) => boolean} [options.isFatal] failures after which retrying is
   *   pointless (signed out): the connection then stops
   * @param {{requestTimeoutMs?: number, pingIntervalMs?: number}} [options.bus]
   */
  constructor({ openSocket, inbox, onEvent, onConnected, onStateChange, isFatal = () => false, bus = {} }) {
    Object.assign(this, { openSocket, inbox, onEvent, onConnected, onStateChange, isFatal, busOptions: bus });
    this.bus = null;
    this.state = ConnectionState.OFFLINE;
    this.failures = 0; // consecutive failed attempts, for the backoff
    this.askedToReconnect = false; // the server said it is going away: come back promptly
    this.everOnline = false;
    this.retryTimer = null;
    this.stopped = true;
    this.generation = 0; // bumps on start/stop so stale async work can tell it is stale
    this.lastError = null; // the reason the server gave before its last close
    this.onNetworkBack = () => this.retryNow();
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.generation++;
    globalThis.addEventListener?.('online', this.onNetworkBack);
    this.setState(ConnectionState.CONNECTING);
    this.connect();
  }

  stop() {
    if (this.stopped) return;
    this.stopped = true;
    this.generation++;
    globalThis.removeEventListener?.('online', this.onNetworkBack);
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const bus = this.bus;
    this.bus = null;
    if (bus) bus.close();
    this.setState(ConnectionState.OFFLINE);
  }

  /**
   * Skips the rest of the backoff wait and connects now (the network is back, the user asked).
   * Does nothing while a socket is open or an attempt runs.
   */
  retryNow() {
    if (this.stopped || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  /** The socket is open (requests can go out), even if the catch-up is still running. */
  get isConnected() {
    return Boolean(this.bus && this.bus.isOpen);
  }

  /** A request over the socket; rejects with code `disconnected` while there is none. */
  request(address, body, options) {
    if (!this.isConnected) return Promise.reject(new ChatError('disconnected', 'Not connected.'));
    return this.bus.request(address, body, options);
  }

  // --- internals ---

  async connect() {
    const generation = this.generation;
    this.retryTimer = null;
    let socket;
    try {
      socket = await this.openSocket();
    } catch (error) {
      if (generation !== this.generation) return;
      if (this.isFatal(error)) {
        this.stop();
        return;
      }
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) {
      socket.close();
      return;
    }
    const bus = new EventBus(
      socket,
      {
        onOpen: () => this.handleOpen(bus, generation),
        onClose: (event) => this.handleClose(bus, event),
        onError: (error) => {
          this.lastError = error;
          // A socket opened on a gateway that has begun draining is turned away with this reason.
          if (error.code === 'unavailable' && /^draining/.test(error.message)) this.askedToReconnect = true;
        },
      },
      this.busOptions,
    );
    this.bus = bus;
    this.askedToReconnect = false;
    this.lastError = null;
    bus.register(this.inbox(), (body) => {
      if (!body || typeof body !== 'object') return;
      if (body.type === 'reconnect') {
        // The gateway drains: it answers what we sent, then closes. We go once it has.
        if (bus === this.bus) this.askedToReconnect = true;
      }
      this.onEvent(body);
    });
  }

  async handleOpen(bus, generation) {
    const reconnect = this.everOnline;
    try {
      await this.onConnected(reconnect);
    } catch (error) {
      // Catch-up failing must not keep us offline; live events still flow.
      console.warn('catch-up after connect failed', error);
    }
    if (generation !== this.generation || bus !== this.bus || !bus.isOpen) return;
    this.failures = 0;
    this.everOnline = true;
    this.setState(ConnectionState.ONLINE);
  }

  handleClose(bus, event) {
    if (bus !== this.bus || this.stopped) return;
    this.bus = null;
    const prompt = this.askedToReconnect || (event && event.code === CLOSE_SERVICE_RESTART);
    this.askedToReconnect = false;
    this.scheduleRetry({ prompt });
  }

  /**
   * Waits, then connects again: a random delay up to the backoff (full jitter), which grows
   * with each failure in a row; `prompt` (the server went away on purpose) waits at most
   * PROMPT_RECONNECT_MAX_MS and does not count as a failure.
   */
  scheduleRetry({ prompt = false } = {}) {
    if (this.stopped) return;
    let delay;
    if (prompt) {
      this.failures = 0;
      delay = Math.floor(Math.random() * PROMPT_RECONNECT_MAX_MS);
    } else {
      delay = jitteredBackoff(this.failures, RECONNECT_BASE_MS, RECONNECT_MAX_MS);
      this.failures++;
    }
    this.setState(ConnectionState.RECONNECTING, { retryInMs: delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  setState(state, info = {}) {
    this.state = state;
    this.onStateChange(state, info);
  }
}
