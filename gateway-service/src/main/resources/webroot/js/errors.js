// What a failure means to the person at the page. Server texts are written for developers and
// may name internal addresses or fields ("too many chat.send", "text: must be …"); the words
// (docs/protocol.md, Errors) are stable, so the page speaks from those.

import { formatFullTime } from './util.js';

/** A server text of the form "<field>: …" or "<field> is required" names a field, not a reason. */
const FIELD_TEXT = /^[A-Za-z][\w.[\]]*(:| is | must )/;
/** "…, retry in 3 s": the wait a rate limit asks for. */
const RETRY_IN = /retry in (\d+) s/;

const BY_CODE = {
  network: 'Cannot reach the server. Check your connection.',
  disconnected: 'You are offline. It will go out once the connection is back.',
  timeout: 'The server did not answer in time. Please try again.',
  unavailable: 'The service is busy right now. Please try again in a moment.',
  internal: 'Something went wrong on our side. Please try again.',
  payload_too_large: 'That is too large to send.',
  unsupported_media_type: 'The page sent something the server does not understand. Please reload the page.',
  access_denied: 'The page asked for something it may not do. Please reload the page.',
  bad_request: 'That was not accepted. Please check what you entered.',
  forbidden: 'You are not allowed to do that.',
  not_found: 'That room or user does not exist, or you are no longer a member.',
  conflict: 'That already exists.',
  unauthorized: 'Please log in again.',
  signed_out: 'Please log in again.', // the client library's: the session ended
};

/**
 * Codes whose server texts are written for people (a taken username, a full room, a wrong
 * password, a refused removal) and are shown as they are, unless they name a field.
 */
const PASS_THROUGH = new Set(['bad_request', 'conflict', 'forbidden', 'unauthorized']);

/** The text to show for an error from api.js or the socket (anything with `code` and `message`). */
export function humanError(error) {
  if (!error) return '';
  // A muted member's send, edit or reaction: until when, in the reader's time (the client library
  // reads the end from the refusal's text, which gives it in UTC).
  if (error.muted) {
    return Number.isFinite(error.mutedUntil)
      ? `You are muted in this room until ${formatFullTime(error.mutedUntil)}.`
      : 'You are muted in this room until a moderator unmutes you.';
  }
  const code = error.code || '';
  const text = typeof error.message === 'string' ? error.message : '';
  if (code === 'rate_limited') {
    const wait = RETRY_IN.exec(text);
    return wait
      ? `You are going a little fast. Please wait ${wait[1]} s and try again.`
      : 'You are going a little fast. Please wait a moment and try again.';
  }
  if (PASS_THROUGH.has(code) && text && !FIELD_TEXT.test(text)) return capitalise(text);
  if (BY_CODE[code]) return BY_CODE[code];
  // Not a server error (a check of our own, e.g. "No user named …"): its text is ours.
  if (!code || code.startsWith('http_')) return text || 'Something went wrong. Please try again.';
  return 'Something went wrong. Please try again.';
}

function capitalise(text) {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

