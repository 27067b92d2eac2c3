// Typing indicators, both ways: when to tell the server that I type (TypingSender) and who is
// typing in each room according to the server's events (TypingTracker).

/**
 * While keys keep coming, repeat typing:true this often. The server forwards at most one per
 * 2 s and drops a typer after 6 s without one, so 2.5 s keeps us shown without wasted frames.
 */
export const TYPING_REFRESH_MS = 2_500;
/** No keystroke for this long means I stopped typing. */
export const TYPING_IDLE_MS = 3_000;
/**
 * Forget a typer after this long without a refresh, should their typing:false be lost
 * (the server itself gives up after 6 s).
 */
export const TYPING_EXPIRY_MS = 7_000;

export class TypingSender {
  /** @param {(roomId: string, typing: boolean) => void} send */
  constructor(send) {
    this.send = send;
    this.roomId = null; // the room I am shown as typing in, null when I am not
    this.lastSentAt = 0;
    this.idleTimer = null;
  }

  /** The composer of `roomId` now holds `text` (called on every edit). */
  input(roomId, text) {
    if (this.roomId && this.roomId !== roomId) this.stop();
    if (!text.trim()) {
      this.stop(); // an emptied composer is no longer a message in the making
      return;
    }
    const now = Date.now();
    if (this.roomId !== roomId || now - this.lastSentAt >= TYPING_REFRESH_MS) {
      this.roomId = roomId;
      this.lastSentAt = now;
      this.send(roomId, true);
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  /** I stopped typing: message sent, composer emptied, idle, or another room opened. */
  stop() {
    clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.roomId) {
      const roomId = this.roomId;
      this.roomId = null;
      this.send(roomId, false);
    }
  }

  /** Forgets everything without telling the server (the socket is going away anyway). */
  reset() {
    clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.roomId = null;
  }
}

export class TypingTracker {
  /** @param {(roomId: string) => void} onChange called whenever a room's typers change */
  constructor(onChange) {
    this.onChange = onChange;
    this.rooms = new Map(); // roomId → Map userId → expiry timer (insertion order = who started first)
  }

  set(roomId, userId, typing) {
    if (!roomId || !userId) return;
    let typers = this.rooms.get(roomId);
    if (!typing) {
      this.clear(roomId, userId);
      return;
    }
    if (!typers) {
      typers = new Map();
      this.rooms.set(roomId, typers);
    }
    const known = typers.has(userId);
    clearTimeout(typers.get(userId));
    typers.set(userId, setTimeout(() => this.clear(roomId, userId), TYPING_EXPIRY_MS));
    if (!known) this.onChange(roomId);
  }

  clear(roomId, userId) {
    const typers = this.rooms.get(roomId);
    if (!typers || !typers.has(userId)) return;
    clearTimeout(typers.get(userId));
    typers.delete(userId);
    if (typers.size === 0) this.rooms.delete(roomId);
    this.onChange(roomId);
  }

  /** Everyone typing in a room, in the order they started. */
  typers(roomId) {
    return [...(this.rooms.get(roomId)?.keys() || [])];
  }

  reset() {
    for (const typers of this.rooms.values()) for (const timer of typers.values()) clearTimeout(timer);
    this.rooms.clear();
  }
}
