// The Vert.x event bus bridge frame protocol over one socket, for that socket's life
// (docs/protocol.md, section 2). Reconnecting, which needs a fresh ticket each time, is
// Connection's job.
//
// Client frames: {"type":"register"|"unregister"|"send"|"ping","address","body","replyAddress"?}
// Server frames: {"type":"rec","address","body"} and
//                {"type":"err","address"?,"failureCode","failureType","message":"<code>: <text>","body":"<code>"}

import { ChatError, retryAfterFromText } from './errors.js';
import { uuid } from './util.js';

/** How long a request waits for its reply before it fails with code `timeout`. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The gateway closes sockets silent for SOCKET_IDLE_TIMEOUT_MS (60 s); a ping keeps ours alive. */
export const PING_INTERVAL_MS = 5_000;

const ERROR_MESSAGE = /^([a-z_]+):\s*([\s\S]*)$/;
const decoder = typeof TextDecoder === 'function' ? new TextDecoder() : null;

/** Turns an `err` frame into a ChatError; "not_found: room not found" → code not_found. */
export function errorFromFrame(frame) {
  const raw = typeof frame.message === 'string' ? frame.message : String(frame.body ?? 'request failed');
  const match = ERROR_MESSAGE.exec(raw);
  // Bridge-level refusals come as {"type":"err","body":"access_denied"}: the body is the code.
  const code = match ? match[1] : /^[a-z_]+$/.test(raw) ? raw : String(frame.failureType || 'error').toLowerCase();
  const text = match && match[2] ? match[2] : raw;
  return new ChatError(code, text, {
    status: Number(frame.failureCode) || 0,
    failureType: frame.failureType,
    retryAfterMs: code === 'rate_limited' ? retryAfterFromText(text) : null,
  });
}

/**
 * The raw WebSocket endpoint sends binary messages, SockJS and text WebSockets strings.
 * @returns {string|null}
 */
function frameText(data) {
  if (typeof data === 'string') return data;
  if (!decoder) return null;
  if (data instanceof ArrayBuffer) return decoder.decode(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return decoder.decode(data); // Node's Buffer
  return null;
}

/**
 * The socket is anything shaped like a WebSocket: a browser's or Node's WebSocket, the `ws`
 * package's, or a SockJS instance (onopen, onclose, onmessage, send, close, readyState).
 * @typedef {object} SocketLike
 * @property {((event?: unknown) => void)|null} onopen
 * @property {((event: {code?: number, reason?: string}) => void)|null} onclose
 * @property {((event: {data: unknown}) => void)|null} onmessage
 * @property {((event?: unknown) => void)|null} [onerror]
 * @property {(data: string) => void} send
 * @property {(code?: number, reason?: string) => void} close
 * @property {string} [binaryType]
 */

export class EventBus {
  /**
   * @param {SocketLike} socket just created (not yet open)
   * @param {object} [listeners]
   * @param {() => void} [listeners.onOpen]
   * @param {(event: {code?: number, reason?: string}) => void} [listeners.onClose]
   * @param {(error: ChatError, frame: object) => void} [listeners.onError] `err` frames that answer
   *   no request: a refused register, or the reason the server gives before it closes
   * @param {number} [requestTimeoutMs]
   * @param {number} [pingIntervalMs]
   */
  constructor(socket, { onOpen, onClose, onError } = {}, { requestTimeoutMs = REQUEST_TIMEOUT_MS, pingIntervalMs = PING_INTERVAL_MS } = {}) {
    this.state = 'connecting';
    this.handlers = new Map(); // address → Set of handlers
    this.pending = new Map(); // replyAddress → {resolve, reject, timer}
    this.pingTimer = null;
    this.listeners = { onOpen, onClose, onError };
    this.requestTimeoutMs = requestTimeoutMs;
    this.pingIntervalMs = pingIntervalMs;

    this.socket = socket;
    if ('binaryType' in socket) socket.binaryType = 'arraybuffer'; // not Blob: decoded at once
    socket.onopen = () => this.handleOpen();
    socket.onclose = (event) => this.handleClose(event || {});
    socket.onmessage = (event) => this.handleFrame(event.data);
    socket.onerror = () => {}; // a close follows; it is what counts
  }

  /** The socket is open. Not proof of authentication: the server may still refuse it and close. */
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

  /** Fire and forget (no reply, not even an error from the service). */
  send(address, body) {
    if (!this.isOpen) throw new ChatError('disconnected', 'Not connected.');
    this.write({ type: 'send', address, body: body === undefined ? {} : body });
  }

  /**
   * Sends with a fresh replyAddress; resolves with the reply body, rejects with a ChatError:
   * the `err` reply's code, `timeout`, or `disconnected` (the socket closed first).
   * @returns {Promise<any>}
   */
  request(address, body, { timeoutMs = this.requestTimeoutMs } = {}) {
    if (!this.isOpen) return Promise.reject(new ChatError('disconnected', 'Not connected.'));
    const replyAddress = uuid();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new ChatError('timeout', 'The server did not answer in time.'));
      }, timeoutMs);
      this.pending.set(replyAddress, { resolve, reject, timer });
      this.write({ type: 'send', address, body: body === undefined ? {} : body, replyAddress });
    });
  }

  close() {
    if (this.state === 'closed') return;
    try {
      this.socket.close(1000, 'closed by client');
    } catch {
      // Already closing.
    }
    // onclose comes later (or never, for a socket still connecting); settle everything now.
    this.handleClose({ code: 1000, reason: 'closed by client' });
  }

  // --- internals ---

  write(frame) {
    this.socket.send(JSON.stringify(frame));
  }

  handleOpen() {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    for (const address of this.handlers.keys()) this.write({ type: 'register', address });
    this.pingTimer = setInterval(() => {
      if (this.isOpen) this.write({ type: 'ping' });
    }, this.pingIntervalMs);
    this.listeners.onOpen?.();
  }

  handleClose(event) {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearInterval(this.pingTimer);
    this.socket.onopen = this.socket.onclose = this.socket.onmessage = null;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new ChatError('disconnected', 'The connection was lost.'));
    }
    this.pending.clear();
    this.listeners.onClose?.(event);
  }

  handleFrame(data) {
    let message;
    try {
      message = JSON.parse(frameText(data));
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
