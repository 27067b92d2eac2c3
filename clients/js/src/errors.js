// One error type for REST and socket failures: `code` is the protocol's error word
// (docs/protocol.md, Errors), plus the client's own words for what never reached the server.

/**
 * Codes the client itself uses:
 * - `network`: the server could not be reached (REST)
 * - `timeout`: no answer in time (REST or socket request); the outcome is unknown
 * - `disconnected`: there is no socket, or it closed before the answer came
 * - `signed_out`: no session (never signed in, logged out, or the refresh was refused)
 */
export class ChatError extends Error {
  /**
   * @param {string} code
   * @param {string} message human text, fit to show
   * @param {{status?: number, retryAfterMs?: number|null, failureType?: string}} [details]
   *   status: the HTTP status, or the `failureCode` of a socket `err` frame (0 when none)
   */
  constructor(code, message, { status = 0, retryAfterMs = null, failureType } = {}) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    if (failureType) this.failureType = failureType;
    if (code === 'forbidden' && MUTED.test(message)) {
      /** The refusal of a muted member's send, edit or reaction. */
      this.muted = true;
      /** When the mute ends (epoch ms); null: until a moderator unmutes. */
      this.mutedUntil = mutedUntilFromText(message);
    }
  }
}

/**
 * The muted refusal's text (docs/protocol.md, chat.send): `you are muted in this room until <ISO
 * time> (mutedUntil <epoch ms>)`, or `… until a moderator unmutes you`. REST and the socket send the
 * same text, and no separate field, so the client reads it there once for both.
 */
const MUTED = /^you are muted in this room\b/;
const MUTED_UNTIL = /\(mutedUntil (\d+)\)/;

/** The end of a mute named in a refusal's text (epoch ms); null when it names none. */
export function mutedUntilFromText(text) {
  const match = MUTED_UNTIL.exec(String(text || ''));
  return match ? Number(match[1]) : null;
}

/** Failures after which the same request may succeed: resend (chat.send with the same clientMsgId). */
const RETRYABLE = new Set(['network', 'timeout', 'disconnected', 'unavailable', 'internal', 'rate_limited']);

/** True when sending the same request again may work (its outcome was unknown or the server was busy). */
export function isRetryable(error) {
  return Boolean(error) && RETRYABLE.has(error.code);
}

const RETRY_IN = /retry in (\d+(?:\.\d+)?) ?s\b/;

/** The wait a `rate_limited` text asks for ("… retry in 3 s"), in ms; null when it names none. */
export function retryAfterFromText(text) {
  const match = RETRY_IN.exec(String(text || ''));
  return match ? Math.ceil(Number(match[1]) * 1000) : null;
}
