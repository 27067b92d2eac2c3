// Outgoing receipts: tells the server how far I have received ("delivered") and seen ("read")
// each room, as few frames as possible. Watermarks only go up and read implies delivered, so
// only the highest seq per room and kind matters: marks are coalesced and a seq at or below
// what the server already has is never sent.

/** At most about one receipt round per room per this interval. */
export const RECEIPT_INTERVAL_MS = 1_000;
/**
 * A new mark waits this long before going out, so a message's "delivered" and its "read" a
 * moment later (it arrived in the open room) travel as one "read".
 */
export const RECEIPT_COALESCE_MS = 250;
/** After a failure the server may recover from (timeout, 503), try again this much later. */
export const RECEIPT_RETRY_MS = 5_000;

/** Error words after which sending the same receipt again cannot succeed. */
const REFUSED = new Set(['bad_request', 'not_found', 'forbidden', 'access_denied']);

export class ReceiptSender {
  /**
   * @param {(roomId: string, kind: string, seq: number) => Promise<unknown>} send rejects with an
   *   error carrying `code` ("disconnected" while there is no socket)
   */
  constructor(send) {
    this.send = send;
    this.rooms = new Map(); // roomId → {sent, wanted, timer, busy, lastSentAt}
  }

  /** I have received (kind "delivered") or seen ("read") the room up to `seq`. */
  mark(roomId, kind, seq) {
    if (!Number.isInteger(seq) || seq <= 0) return;
    const s = this.state(roomId);
    if (seq <= s.wanted[kind] || seq <= s.sent[kind]) return;
    s.wanted[kind] = seq;
    this.schedule(roomId);
  }

  /**
   * The server already has my watermark at `seq` (from GET receipts, or a receipt event of my
   * own, possibly from another device): nothing at or below it needs sending.
   */
  known(roomId, kind, seq) {
    if (!Number.isInteger(seq) || seq <= 0) return;
    const s = this.state(roomId);
    s.sent[kind] = Math.max(s.sent[kind], seq);
    if (kind === 'read') s.sent.delivered = Math.max(s.sent.delivered, seq);
  }

  /** Sends whatever waits (after a reconnect: receipts that found no socket). */
  flushAll() {
    for (const roomId of this.rooms.keys()) this.schedule(roomId);
  }

  forget(roomId) {
    const s = this.rooms.get(roomId);
    if (s) clearTimeout(s.timer);
    this.rooms.delete(roomId);
  }

  reset() {
    for (const s of this.rooms.values()) clearTimeout(s.timer);
    this.rooms.clear();
  }

  // --- internals ---

  state(roomId) {
    let s = this.rooms.get(roomId);
    if (!s) {
      s = { sent: { delivered: 0, read: 0 }, wanted: { delivered: 0, read: 0 }, timer: null, busy: false, lastSentAt: 0 };
      this.rooms.set(roomId, s);
    }
    return s;
  }

  /** The receipts still owed for a room, read first (it also covers delivered up to its seq). */
  due(s) {
    const jobs = [];
    let delivered = Math.max(s.sent.delivered, s.sent.read);
    if (s.wanted.read > s.sent.read) {
      jobs.push(['read', s.wanted.read]);
      delivered = Math.max(delivered, s.wanted.read);
    }
    if (s.wanted.delivered > delivered) jobs.push(['delivered', s.wanted.delivered]);
    return jobs;
  }

  schedule(roomId, delay) {
    const s = this.rooms.get(roomId);
    if (!s || s.timer || s.busy || this.due(s).length === 0) return;
    const wait = delay ?? Math.max(RECEIPT_COALESCE_MS, s.lastSentAt + RECEIPT_INTERVAL_MS - Date.now());
    s.timer = setTimeout(() => this.flush(roomId), wait);
  }

  async flush(roomId) {
    const s = this.rooms.get(roomId);
    if (!s) return;
    s.timer = null;
    const jobs = this.due(s);
    if (jobs.length === 0) return;
    s.busy = true;
    s.lastSentAt = Date.now();
    let next = 'more'; // what to do afterwards: 'more' (marks that came in meanwhile), 'retry', 'wait'
    try {
      for (const [kind, seq] of jobs) {
        await this.send(roomId, kind, seq);
        this.known(roomId, kind, seq);
      }
    } catch (error) {
      if (error && REFUSED.has(error.code)) {
        // Asking again would be refused again: give up on what is owed now.
        console.warn('receipt refused:', error.code, error.message);
        s.wanted = { ...s.sent };
      } else if (error && error.code === 'disconnected') {
        next = 'wait'; // kept for flushAll() after the next connect
      } else {
        next = 'retry';
      }
    } finally {
      s.busy = false;
    }
    if (this.rooms.get(roomId) !== s) return; // forgotten meanwhile
    if (next === 'retry') this.schedule(roomId, RECEIPT_RETRY_MS);
    else if (next === 'more') this.schedule(roomId);
  }
}
