// Messages on their way out. Each keeps the clientMsgId it was created with for every resend,
// so the server stores it once however often it goes out (docs/protocol.md, Delivery
// guarantees): a send whose answer never came (timeout, lost socket) is simply sent again.

import { ChatError, isRetryable } from './errors.js';
import { jitteredBackoff, uuid } from './util.js';

/** A send that failed for a reason that may pass (timeout, 503) is retried this many times by itself… */
export const SEND_AUTO_RETRIES = 3;
/** …after a jittered wait that starts at up to this and doubles (unless the server named one). */
export const SEND_RETRY_BASE_MS = 1_000;
export const SEND_RETRY_MAX_MS = 15_000;

export class Outbox {
  /**
   * @param {object} options
   * @param {(item: import('./types.js').OutboxItem) => Promise<import('./types.js').Message>} options.send
   *   one chat.send; rejects with a ChatError (`disconnected` while there is no socket)
   * @param {() => boolean} options.isConnected
   * @param {(item: import('./types.js').OutboxItem) => void} options.onChange
   * @param {(item: import('./types.js').OutboxItem, message: import('./types.js').Message) => void} options.onSent
   */
  constructor({ send, isConnected, onChange, onSent }) {
    Object.assign(this, { sendItem: send, isConnected, onChange, onSent });
    /** @type {Map<string, import('./types.js').OutboxItem & {waiters: Function[], timer: any, retries: number}>} */
    this.items = new Map();
  }

  /**
   * Queues a message and sends it at once when connected. Resolves with the stored message;
   * rejects with the ChatError that made it `failed` (it then stays listed for retry()).
   * @param {{roomId: string, text: string, replyTo?: number|null, clientMsgId?: string, attachments?: string[]}} message
   * @returns {Promise<import('./types.js').Message>}
   */
  add({ roomId, text, replyTo = null, clientMsgId = uuid(), attachments = [] }) {
    const existing = this.items.get(clientMsgId);
    if (existing) return this.wait(existing);
    const item = { clientMsgId, roomId, text, replyTo, attachments, state: 'queued', error: null, attempts: 0, waiters: [], timer: null, retries: 0 };
    this.items.set(clientMsgId, item);
    const done = this.wait(item);
    this.deliver(item);
    return done;
  }

  /** Sends a failed (or waiting) message again now, with its clientMsgId. */
  retry(clientMsgId) {
    const item = this.items.get(clientMsgId);
    if (!item) return Promise.reject(new ChatError('not_found', 'No such message waits to be sent.'));
    item.retries = 0;
    const done = this.wait(item);
    this.deliver(item);
    return done;
  }

  /** Gives up on a message: it is no longer sent (one already stored stays stored). */
  cancel(clientMsgId) {
    const item = this.items.get(clientMsgId);
    if (item) this.fail(item, new ChatError('cancelled', 'The message was cancelled.'), { remove: true });
  }

  /**
   * After a (re)connect: sends everything that waited for the socket, and the failures whose
   * outcome is unknown (they may or may not be stored: a resend tells).
   */
  flush() {
    for (const item of this.items.values()) {
      if (item.state === 'queued' || (item.state === 'failed' && isRetryable(item.error))) this.deliver(item);
    }
  }

  /** The message came back stored (reply, live event or sync): done, whichever path was first. */
  acknowledge(message) {
    const item = message && message.clientMsgId ? this.items.get(message.clientMsgId) : null;
    if (!item || item.roomId !== message.roomId) return;
    clearTimeout(item.timer);
    this.items.delete(item.clientMsgId);
    item.state = 'sent';
    item.error = null;
    item.message = message;
    this.onChange(publicView(item));
    for (const { resolve } of item.waiters.splice(0)) resolve(message);
  }

  /** Drops every message (signed out): their promises reject with `error`. */
  clear(error) {
    for (const item of [...this.items.values()]) this.fail(item, error, { remove: true });
  }

  /** @returns {import('./types.js').OutboxItem[]} */
  list() {
    return [...this.items.values()].map(publicView);
  }

  // --- internals ---

  wait(item) {
    return new Promise((resolve, reject) => item.waiters.push({ resolve, reject }));
  }

  async deliver(item) {
    if (item.state === 'sending' || !this.items.has(item.clientMsgId)) return;
    clearTimeout(item.timer);
    item.timer = null;
    if (!this.isConnected()) {
      this.setState(item, 'queued', item.error); // flush() sends it once we are back
      return;
    }
    item.attempts++;
    this.setState(item, 'sending', null);
    let message;
    try {
      message = await this.sendItem(publicView(item));
    } catch (error) {
      if (this.items.get(item.clientMsgId) !== item) return; // acknowledged or cancelled meanwhile
      if (error.code === 'disconnected') {
        this.setState(item, 'queued', error);
      } else if (isRetryable(error) && item.retries < SEND_AUTO_RETRIES) {
        const delay = error.retryAfterMs ?? jitteredBackoff(item.retries, SEND_RETRY_BASE_MS, SEND_RETRY_MAX_MS);
        item.retries++;
        this.setState(item, 'queued', error);
        item.timer = setTimeout(() => this.deliver(item), delay);
      } else {
        this.fail(item, error);
      }
      return;
    }
    const stored = { roomId: item.roomId, clientMsgId: item.clientMsgId, ...message };
    this.onSent(publicView(item), stored);
    this.acknowledge(stored); // in case onSent did not route it back here
  }

  fail(item, error, { remove = false } = {}) {
    clearTimeout(item.timer);
    item.timer = null;
    if (remove) this.items.delete(item.clientMsgId);
    this.setState(item, 'failed', error);
    for (const { reject } of item.waiters.splice(0)) reject(error);
  }

  setState(item, state, error) {
    item.state = state;
    item.error = error;
    this.onChange(publicView(item));
  }
}

function publicView({ clientMsgId, roomId, text, replyTo, attachments, state, error, attempts, message }) {
  const view = { clientMsgId, roomId, text, replyTo, attachments, state, error, attempts };
  return message ? { ...view, message } : view;
}
