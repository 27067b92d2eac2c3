// How presence reads on screen. The statuses are protocol v1's; the dots are drawn by CSS from
// data-status.

import { formatRelative } from './util.js';

/** The statuses I can choose (presence.set); "offline" is only ever the server's to say. */
export const MY_STATUSES = Object.freeze(['online', 'away', 'dnd']);

const LABEL = {
  online: 'Online',
  away: 'Away',
  dnd: 'Do not disturb',
  offline: 'Offline',
  unknown: 'Status unknown while you are offline',
};

/** "Online", "Away", "Do not disturb", "Last seen 5 minutes ago", or "Offline" without a time. */
export function presenceText(presence, now = Date.now()) {
  if (!presence) return '';
  if (presence.status === 'offline' && presence.lastSeen) {
    return `Last seen ${formatRelative(presence.lastSeen, now)}`;
  }
  return LABEL[presence.status] || presence.status;
}

/** Anyone not offline counts as around (away and dnd users still get messages). */
export function isAround(presence) {
  return Boolean(presence) && presence.status !== 'offline' && presence.status !== 'unknown';
}
