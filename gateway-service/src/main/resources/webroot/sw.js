// The page's service worker (scope "/"): it shows Web Push notifications while the chat is not on
// screen, and a click on one opens the chat on that room. It handles no fetch: the page never
// runs offline from a cache. A classic script without imports, so every browser with Web Push can
// run it (module service workers are not everywhere yet).
//
// A push is the JSON notification-service builds (WebPushPayload):
//   {roomId, roomName, seq, count, senderName[, preview]}
// roomName is "" for a direct room; with PUSH_CONTENT=id-only roomName and senderName are "" and
// there is no preview, so the notification says only that something new came (docs/push.md).
//
// Which room a page shows is asked of the page at each push (a message over a MessageChannel),
// not remembered here: the browser stops an idle worker and its memory with it, and a page's
// address is not a reliable record of the room on screen (the page moves between rooms with
// history.pushState, which not every browser reports in Client.url).

/** A visible page that does not say which room it shows within this long counts as showing none. */
const ROOM_ANSWER_TIMEOUT_MS = 1000;
/** The page's name, for a notification with no room or sender to name (id-only mode). */
const APP_NAME = 'Chat';

self.addEventListener('install', () => {
  // A new version takes over at once: the worker keeps no cache, so nothing can be mixed up.
  self.skipWaiting();
});

// Pushes are handled one after the other, so of two pushes for a room the later one's
// notification is the one left showing (both carry the room as tag), however long each waits
// for the pages' answers.
let pushes = Promise.resolve();

self.addEventListener('push', (event) => {
  const payload = readPayload(event);
  const handled = pushes.then(() => showUnlessVisible(payload));
  pushes = handled.catch(() => {});
  event.waitUntil(handled);
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const roomId = event.notification.data && event.notification.data.roomId;
  event.waitUntil(openRoom(typeof roomId === 'string' ? roomId : null));
});

/** The push's JSON, or null when it has none or it is not ours (then a plain notification is shown). */
function readPayload(event) {
  try {
    const payload = event.data ? event.data.json() : null;
    return payload && typeof payload.roomId === 'string' && payload.roomId ? payload : null;
  } catch {
    return null;
  }
}

async function showUnlessVisible(payload) {
  if (payload && (await roomOnScreen(payload.roomId))) return;
  const { title, options } = notificationFor(payload);
  await self.registration.showNotification(title, options);
}

/** Whether a visible page of ours shows this room right now. */
async function roomOnScreen(roomId) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const visible = windows.filter((client) => client.visibilityState === 'visible');
  const shown = await Promise.all(visible.map(askRoom));
  return shown.includes(roomId);
}

/** The room a page shows, or null (none, no answer in time, or not a chat page). */
function askRoom(client) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), ROOM_ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      const roomId = event.data && event.data.roomId;
      resolve(typeof roomId === 'string' ? roomId : null);
    };
    client.postMessage({ type: 'chat.which-room' }, [channel.port2]);
  });
}

/**
 * Title and body as notification-service's PushTexts writes them for FCM and APNs: the room's
 * name (the sender's in a direct room); the preview, after the sender's name in a named room,
 * with how many more messages the push stands for.
 */
function notificationFor(payload) {
  if (!payload) return { title: APP_NAME, options: { body: 'New message' } };
  const roomName = text(payload.roomName);
  const senderName = text(payload.senderName);
  const count = Number.isInteger(payload.count) && payload.count > 1 ? payload.count : 1;
  const title = roomName || senderName || APP_NAME;
  let body;
  if (typeof payload.preview === 'string') {
    const line = senderName && title !== senderName ? `${senderName}: ${payload.preview}` : payload.preview;
    body = count > 1 ? `${line} (+${count - 1} more)` : line;
  } else {
    // No preview (id-only): nothing of the message, only that there is something to read.
    body = count > 1 ? `${count} new messages` : 'New message';
    if (roomName && senderName) body += ` from ${senderName}`;
  }
  return {
    title,
    options: {
      body,
      tag: payload.roomId, // the collapse key: a newer push of the room replaces the older one
      renotify: true, // a replacement still alerts: it is a new message
      data: { roomId: payload.roomId, seq: Number.isInteger(payload.seq) ? payload.seq : null },
    },
  };
}

function text(value) {
  return typeof value === 'string' ? value : '';
}

/**
 * Brings the chat to the front on this room: an open page is told to switch (its router opens
 * #/rooms/<id>) and focused; with no page open, a new one opens on the room.
 */
async function openRoom(roomId) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const page = windows.find((client) => client.focused) || windows.find((client) => client.visibilityState === 'visible') || windows[0];
  if (page) {
    if (roomId) page.postMessage({ type: 'chat.open-room', roomId });
    // Refused when the browser grants no window interaction (the click's permission used up).
    await page.focus().catch(() => {});
    return;
  }
  await self.clients.openWindow(roomId ? `/#/rooms/${encodeURIComponent(roomId)}` : '/');
}
