// Small helpers with no state.

/**
 * A random UUID v4. crypto.randomUUID() only exists in secure contexts (https or localhost),
 * and a page may be served over plain http inside a test network: fall back to
 * crypto.getRandomValues(), which is available everywhere.
 */
export function uuid() {
  if (typeof crypto.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch {
      // Some browsers expose the function but throw outside a secure context.
    }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Exponential backoff with full jitter: a random wait between 0 and base·2^failures, capped, so
 * that the clients of a server that went away do not all come back at the same instant.
 * @param {number} failures failures in a row before this wait (0 for the first)
 */
export function jitteredBackoff(failures, baseMs, maxMs, random = Math.random) {
  const cap = Math.min(baseMs * 2 ** Math.min(failures, 30), maxMs);
  return Math.floor(random() * cap);
}

export function* chunks(list, size) {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}
