// Entry point: session handling (login, register, reload, a new tab, log-out) and wiring of the parts.

import { api, client } from './api.js';
import { AuthView } from './auth-view.js';
import { ChatController } from './chat-controller.js';
import { Notifier } from './notifier.js';
import { WebPush } from './push.js';
import { wipeUserTraces } from './page-state.js';
import { forgetRoomInUrl, onUrlChange, roomInUrl } from './router.js';
import { Store } from './store.js';

/**
 * sessionStorage key of the access token and its expiry: a reload keeps you logged in without a
 * round trip. A new tab signs in with the refresh cookie instead (client.resume()).
 */
const SESSION_KEY = 'chat.session';
/** Treat a kept token as expired a little early rather than fail mid-request. */
const EXPIRY_MARGIN_MS = 5_000;

const SIGNED_OUT_TEXT = {
  expired: 'Your session has expired. Please log in again.',
  disabled: 'This account is disabled.',
};

const store = new Store();
const notifier = new Notifier();
const chatScreen = document.getElementById('chat-screen');
const meName = document.getElementById('me-name');
/** Web Push on this device; the worker asks it which room a visible, logged-in page shows. */
const webPush = new WebPush({
  currentRoom: () => (controller && !chatScreen.hidden && document.visibilityState === 'visible' ? store.openRoomId : null),
});
let controller = null;
let sessionGeneration = 0; // bumps on log-out so a late login/startup step knows it is stale
/**
 * The revocation of the last log-out. A login waits for it: its answer clears the refresh cookie,
 * and arriving after the login's answer it would clear the new user's cookie instead.
 */
let loggingOut = Promise.resolve();

const authView = new AuthView({
  onLogin: (username, password) => login(username, password),
  onRegister: async (username, password, displayName) => {
    await api.register(username, password, displayName);
    await login(username, password);
  },
});

document.getElementById('logout').addEventListener('click', () => logout());
// Back, forward, or an edited address: the page shows the room the URL names.
onUrlChange((roomId) => {
  if (!controller || chatScreen.hidden) return;
  if (roomId && store.rooms.has(roomId)) controller.openRoom(roomId);
  else if (!roomId && store.openRoomId) controller.closeRoom();
});
// Every new access token (login, and each refresh before expiry) is kept for a reload.
client.on('session', ({ session }) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(session)));
// The refresh was refused (expired, revoked by a log-out in another tab, account disabled):
// back to the login screen, with this user's traces wiped as at a log-out.
client.on('signedout', ({ reason }) => {
  if (reason !== 'logout') endSession(SIGNED_OUT_TEXT[reason] || SIGNED_OUT_TEXT.expired);
});

async function login(username, password) {
  await loggingOut;
  await client.login(username, password);
  try {
    await enter();
  } catch (error) {
    // Logged in but could not start (e.g. rooms unavailable): back to a clean logged-out state.
    if (error.status !== 401) logout();
    throw error;
  }
}

/** Starts the logged-in app with the client's session; throws (for the auth screen to show) on failure. */
async function enter() {
  const generation = ++sessionGeneration;
  const me = await api.me();
  if (generation !== sessionGeneration) return;
  store.setMe(me);
  notifier.setUser(me.userId);
  webPush.setUser(me.userId);

  if (!controller) {
    controller = new ChatController(store);
    controller.sidebar.onUnreadTotal = (total) => notifier.setUnreadTotal(total);
    controller.onMessageArrived = (arrival) => notifier.messageArrived(arrival);
    notifier.onOpenRoom = (roomId) => controller.openRoom(roomId);
  }
  await controller.start();
  if (generation !== sessionGeneration) return;

  authView.hide();
  chatScreen.hidden = false;
  // Filled last: a non-empty #me-name means the app is ready to use.
  meName.textContent = me.username;
  meName.title = me.displayName && me.displayName !== me.username ? me.displayName : '';
  openRoomInUrl();
}

/** After a reload (or a shared link): the room the URL names, if it is one of mine. */
function openRoomInUrl() {
  const roomId = roomInUrl();
  if (!roomId) return;
  if (store.rooms.has(roomId)) controller.openRoom(roomId);
  else forgetRoomInUrl();
}

/** Logs out here and on the server (the refresh cookie is revoked: other tabs follow). */
function logout(message = '') {
  webPush.forget(); // first: its DELETE takes the session's token before the session ends
  loggingOut = client.logout(); // never rejects: an unreachable server is only logged
  endSession(message);
}

function endSession(message = '') {
  sessionGeneration++;
  if (controller) controller.stop();
  // Everything this user left in the page goes: the session (SESSION_KEY with the rest of
  // sessionStorage), names, drafts, the room in the URL, caches, notifications (only the
  // per-user sound/notification choice stays).
  wipeUserTraces();
  notifier.reset();
  webPush.reset();
  store.reset();
  meName.textContent = '';
  chatScreen.hidden = true;
  authView.show(message);
}

function savedSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    if (!session || typeof session.accessToken !== 'string') return null;
    if (session.expiresAt && session.expiresAt - EXPIRY_MARGIN_MS < Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

/**
 * A reload finds its token in sessionStorage; a new tab (or a reload after the token expired)
 * signs in with the refresh cookie; only without one is the login screen shown.
 */
async function boot() {
  const saved = savedSession();
  if (saved) {
    client.useSession(saved);
  } else {
    sessionStorage.removeItem(SESSION_KEY);
    let resumed;
    try {
      resumed = await client.resume();
    } catch (error) {
      authView.show(`Could not restore your session: ${error.message}`);
      return;
    }
    if (!resumed) {
      authView.show();
      return;
    }
  }
  try {
    await enter();
  } catch (error) {
    // A refused session has already ended (the `signedout` event). Anything else (server down)
    // keeps the session, so a later reload can pick it up again.
    if (error.status !== 401) {
      if (controller) controller.stop();
      authView.show(`Could not restore your session: ${error.message}`);
    }
  }
}

boot();
