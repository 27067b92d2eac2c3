// A minimal client of the Vert.x event bus bridge protocol over SockJS, for one socket's life.
// Reconnecting (which needs a fresh ticket each time) is connection.js's job.
//
// Client frames: {"type":"register"|"unregister"|"send"|"publish"|"ping","address","body","replyAddress"?,"headers"?}
// Server frames: {"type":"rec","address","body"} and
//                {"type":"err","address","failureCode","failureType","message":"<code>: <text>"}

import { uuid } from './util.js';

/** How long a request waits for its reply before it fails. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The bridge closes sockets that stay silent; a ping keeps ours alive. */
export const PING_INTERVAL_MS = 5_000;

/** A failed request. `code` is the protocol's error word (e.g. "not_found"). */
export class EventBusError extends Error {
  constructor(code, message, { failureCode, failureType } = {}) {
    super(message);
    this.name = 'EventBusError';
    this.code = code;
    this.failureCode = failureCode;
    this.failureType = failureType;
  }
}

const ERROR_MESSAGE = /^([a-z_]+):\s*([\s\S]*)$/;

/** Turns an `err` frame into an EventBusError; "not_found: room not found" → code not_found. */
function errorFromFrame(frame) {
  const raw = typeof frame.message === 'string' ? frame.message : String(frame.body ?? 'request failed');
  const match = ERROR_MESSAGE.exec(raw);
  // Bridge-level refusals come as {"type":"err","body":"access_denied"}: the body is the code.
  const code = match ? match[1] : /^[a-z_]+$/.test(raw) ? raw : String(frame.failureType || 'error').toLowerCase();
  const text = match && match[2] ? match[2] : raw;
  return new EventBusError(code, text, { failureCode: frame.failureCode, failureType: frame.failureType });
}

export class EventBus {
  /**
   * Opens the socket at once.
   * @param {string} url SockJS endpoint, query string included (SockJS keeps it on every request)
   * @param {{onOpen?: Function, onClose?: Function, onError?: Function}} listeners
   *   onError receives `err` frames that belong to no request (e.g. a refused register)
   */
  constructor(url, { onOpen, onClose, onError } = {}) {
    if (typeof globalThis.SockJS !== 'function') {
      throw new Error('SockJS is not loaded');
    }
    this.state = 'connecting';
    this.handlers = new Map(); // address → Set of handlers
    this.pending = new Map(); // replyAddress → {resolve, reject, timer}
    this.pingTimer = null;
    this.listeners = { onOpen, onClose, onError };

    this.socket = new globalThis.SockJS(url);
    this.socket.onopen = () => this.handleOpen();
    this.socket.onclose = (event) => this.handleClose(event);
    this.socket.onmessage = (event) => this.handleFrame(event.data);
  }

  get isOpen() {
    return this.state === 'open';
  }

  /** Calls handler(body, frame) for every `rec` on address. */
  register(address, handler) {
    let set = this.handlers.get(address);
    if (!set) {
      set = new Set();
      this.handlers.set(address, set);
      // Registrations made before the socket opens are sent by handleOpen.
      if (this.isOpen) this.write({ type: 'register', address });
    }
    set.add(handler);
  }

  unregister(address) {
    if (this.handlers.delete(address) && this.isOpen) this.write({ type: 'unregister', address });
  }

  /** Fire and forget. */
  send(address, body, headers) {
    this.requireOpen();
    this.write(frame('send', address, body, headers));
  }

  publish(address, body, headers) {
    this.requireOpen();
    this.write(frame('publish', address, body, headers));
  }

  /**
   * Sends with a fresh replyAddress; resolves with the reply body, rejects with an
   * EventBusError on an `err` reply, a timeout (code "timeout") or a closed socket
   * (code "disconnected").
   */
  request(address, body, { timeoutMs = REQUEST_TIMEOUT_MS, headers } = {}) {
    if (!this.isOpen) {
      return Promise.reject(new EventBusError('disconnected', 'Not connected.'));
    }
    const replyAddress = uuid(); // fresh per request, as the stock client does
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new EventBusError('timeout', 'The server did not answer in time.'));
      }, timeoutMs);
      this.pending.set(replyAddress, { resolve, reject, timer });
      this.write({ ...frame('send', address, body, headers), replyAddress });
    });
  }

  close() {
    if (this.state === 'closed') return;
    this.socket.close();
    // SockJS calls onclose asynchronously; settle everything now so callers need not wait.
    this.handleClose({ code: 1000, reason: 'closed by client' });
  }

  // --- internals ---

  requireOpen() {
    if (!this.isOpen) throw new EventBusError('disconnected', 'Not connected.');
  }

  write(frameObject) {
    this.socket.send(JSON.stringify(frameObject));
  }

  handleOpen() {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    for (const address of this.handlers.keys()) this.write({ type: 'register', address });
    this.pingTimer = setInterval(() => {
      if (this.isOpen) this.write({ type: 'ping' });
    }, PING_INTERVAL_MS);
    this.listeners.onOpen?.();
  }

  handleClose(event) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.pingTimer);
    this.socket.onopen = this.socket.onclose = this.socket.onmessage = null;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new EventBusError('disconnected', 'The connection was lost.'));
    }
    this.pending.clear();
    this.listeners.onClose?.(event);
  }

  handleFrame(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not a bridge frame
    }
    if (!message || typeof message !== 'object') return;

    if (message.type === 'rec') {
      const waiting = this.pending.get(message.address);
      if (waiting) {
        this.pending.delete(message.address);
        clearTimeout(waiting.timer);
        waiting.resolve(message.body);
        return;
      }
      const handlers = this.handlers.get(message.address);
      if (handlers) {
        for (const handler of [...handlers]) {
          try {
            handler(message.body, message);
          } catch (e) {
            console.error('event bus handler failed', e);
          }
        }
      }
    } else if (message.type === 'err') {
      const waiting = message.address && this.pending.get(message.address);
      if (waiting) {
        this.pending.delete(message.address);
        clearTimeout(waiting.timer);
        waiting.reject(errorFromFrame(message));
      } else {
        this.listeners.onError?.(errorFromFrame(message), message);
      }
    }
    // Anything else ({"type":"pong"}, future frame types) is ignored on purpose.
  }
}

function frame(type, address, body, headers) {
  const f = { type, address, body: body === undefined ? {} : body };
  if (headers) f.headers = headers;
  return f;
}
