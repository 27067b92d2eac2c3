// Rooms have URLs: #/rooms/<roomId>. A hash keeps the gateway's static serving as it is (every
// route is the one page at /), survives a reload, and the browser's back and forward buttons
// move between the rooms opened.

const ROOM_ROUTE = /^#\/rooms\/([A-Za-z0-9_.:-]{1,200})$/;

/** The room the address bar names, or null. */
export function roomInUrl() {
  const match = ROOM_ROUTE.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/** The address bar follows what the page shows: a new history entry per room opened. */
export function showRoomInUrl(roomId) {
  const hash = roomId ? `#/rooms/${encodeURIComponent(roomId)}` : '';
  if (location.hash === hash || (!hash && !location.hash)) return;
  history.pushState(null, '', hash || location.pathname + location.search);
}

/** Replaces the address without a history entry (a room that turned out not to be ours). */
export function forgetRoomInUrl() {
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
}

/** Calls onChange(roomId|null) when the user moves through history or edits the address. */
export function onUrlChange(onChange) {
  const handler = () => onChange(roomInUrl());
  window.addEventListener('popstate', handler);
  window.addEventListener('hashchange', handler);
}
