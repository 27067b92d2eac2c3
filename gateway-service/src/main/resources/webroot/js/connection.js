// Keeps one event bus socket alive for the logged-in user: fetches a fresh single-use ticket
// for every attempt, registers the user's inbox, and reconnects with exponential backoff.

import { EventBus, EventBusError } from './eventbus.js';

const SOCKET_PATH = '/eventbus';
/** Our label of the device, so the server can tell a user's web sessions from their phones. */
const DEVICE = 'web';
/**
 * Backoff after a failed or lost connection, with full jitter: a random wait between 0 and
 * 1 s, 2 s, 4 s, … capped at 15 s, so the clients of a gateway that went away do not all come
 * back at the same instant.
 */
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 15_000;
/**
 * After the server asked us to go elsewhere (the `reconnect` event, or close code 1012: the
 * gateway drains), reconnect after a random wait of 0 to this, without backoff: not an error.
 */
export const PROMPT_RECONNECT_MAX_MS = 1_000;
/** WebSocket's "service restart", the raw WebSocket's close code of a draining gateway. */
const CLOSE_SERVICE_RESTART = 1012;

/** The values of #connection-status[data-state]. */
export const ConnectionState = Object.freeze({
  CONNECTING: 'connecting',
  ONLINE: 'online',
  RECONNECTING: 'reconnecting',
});

export class Connection {
  /**
   * @param {object} options
   * @param {() => Promise<string>} options.fetchTicket a fresh ticket (tickets are single use)
   * @param {string} options.inbox the user's own address, `user.<userId>`
   * @param {(event: object) => void} options.onEvent every body received on the inbox
   * @param {(reconnect: boolean) => Promise<void>} options.onConnected catch-up work (chat.sync);
   *   the state turns `online` once it settles, so `online` means the inbox is live and caught up
   * @param {(state: string, info: {retryInMs?: number}) => void} options.onStateChange
   * @param {(error: Error) => boolean} [options.isFatal] errors after which retrying is pointless
   *   (e.g. the session expired); the connection then stops
   */
  constructor({ fetchTicket, inbox, onEvent, onConnected, onStateChange, isFatal = () => false }) {
    Object.assign(this, { fetchTicket, inbox, onEvent, onConnected, onStateChange, isFatal });
    this.bus = null;
    this.state = null;
    this.failures = 0; // consecutive failed attempts, for the backoff
    this.askedToReconnect = false; // the server said it is going away: come back promptly
    this.everOnline = false;
    this.retryTimer = null;
    this.stopped = true;
    this.generation = 0; // bumps on stop/start so stale async work can tell it is stale
    this.retryNow = () => {
      // The browser says the network is back: skip the rest of the backoff wait.
      if (!this.stopped && this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.connect();
      }
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.generation++;
    window.addEventListener('online', this.retryNow);
    this.setState(ConnectionState.CONNECTING);
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.generation++;
    window.removeEventListener('online', this.retryNow);
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const bus = this.bus;
    this.bus = null;
    if (bus) bus.close();
  }

  /** The socket is open (requests can go out), even if the catch-up is still running. */
  get isConnected() {
    return Boolean(this.bus && this.bus.isOpen);
  }

  /** A request over the socket; rejects with code "disconnected" while there is none. */
  request(address, body, options) {
    if (!this.bus || !this.bus.isOpen) {
      return Promise.reject(new EventBusError('disconnected', 'Not connected.'));
    }
    return this.bus.request(address, body, options);
  }

  // --- internals ---

  async connect() {
    const generation = this.generation;
    this.retryTimer = null;
    let ticket;
    try {
      ticket = await this.fetchTicket();
    } catch (error) {
      if (generation !== this.generation) return;
      if (this.isFatal(error)) {
        this.stop();
        return;
      }
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) return;

    let bus;
    try {
      bus = new EventBus(`${SOCKET_PATH}?ticket=${encodeURIComponent(ticket)}&device=${DEVICE}`, {
        onOpen: () => this.handleOpen(bus, generation),
        onClose: (event) => this.handleClose(bus, event),
        onError: (error) => {
          // A socket opened on a gateway that has begun draining is turned away with this reason.
          if (error.code === 'unavailable' && /^draining/.test(error.message)) this.askedToReconnect = true;
          console.warn('event bus error:', error.code, error.message);
        },
      });
    } catch (error) {
      console.error('cannot open the socket', error);
      this.scheduleRetry();
      return;
    }
    this.bus = bus;
    this.askedToReconnect = false;
    bus.register(this.inbox, (body) => {
      if (!body || typeof body !== 'object') return;
      if (body.type === 'reconnect') {
        // The gateway drains: it answers what we sent, then closes. We go once it has.
        console.info(`the server asked us to reconnect (${body.reason})`);
        if (bus === this.bus) this.askedToReconnect = true;
        return;
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
      const cap = Math.min(RECONNECT_BASE_MS * 2 ** this.failures, RECONNECT_MAX_MS);
      delay = Math.floor(Math.random() * cap);
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
