// Entry point: session handling (login, register, reload, log-out) and wiring of the parts.

import { api } from './api.js';
import { AuthView } from './auth-view.js';
import { ChatController } from './chat-controller.js';
import { Notifier } from './notifier.js';
import { wipeUserTraces } from './page-state.js';
import { forgetRoomInUrl, onUrlChange, roomInUrl } from './router.js';
import { Store } from './store.js';

/** sessionStorage key of {accessToken, expiresAt}: a reload keeps you logged in, a new tab does not. */
const SESSION_KEY = 'chat.session';
/** Treat a token as expired a little early rather than fail mid-request. */
const EXPIRY_MARGIN_MS = 5_000;

const store = new Store();
const notifier = new Notifier();
const chatScreen = document.getElementById('chat-screen');
const meName = document.getElementById('me-name');
let controller = null;
let sessionGeneration = 0; // bumps on log-out so a late login/startup step knows it is stale

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
api.onUnauthorized = () => logout('Your session has expired. Please log in again.');

async function login(username, password) {
  const result = await api.login(username, password);
  const session = {
    accessToken: result.accessToken,
    expiresAt: Number(result.expiresIn) > 0 ? Date.now() + Number(result.expiresIn) * 1000 : null,
  };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  try {
    await enter(session);
  } catch (error) {
    // Logged in but could not start (e.g. rooms unavailable): back to a clean logged-out state.
    if (error.status !== 401) logout();
    throw error;
  }
}

/** Starts the logged-in app with a session; throws (for the auth screen to show) on failure. */
async function enter(session) {
  const generation = ++sessionGeneration;
  api.setAccessToken(session.accessToken);
  const me = await api.me();
  if (generation !== sessionGeneration) return;
  store.setMe(me);
  notifier.setUser(me.userId);

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

function logout(message = '') {
  sessionGeneration++;
  if (controller) controller.stop();
  // Everything this user left in the page goes: session, names, drafts, the room in the URL,
  // caches, notifications (only the per-user sound/notification choice stays).
  wipeUserTraces();
  notifier.reset();
  api.setAccessToken(null);
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

async function boot() {
  const session = savedSession();
  if (!session) {
    sessionStorage.removeItem(SESSION_KEY);
    authView.show();
    return;
  }
  try {
    await enter(session);
  } catch (error) {
    // A 401 has already logged us out (api.onUnauthorized). Anything else (server down) keeps
    // the session, so a later reload can pick it up again.
    if (error.status !== 401) {
      if (controller) controller.stop();
      authView.show(`Could not restore your session: ${error.message}`);
    }
  }
}

boot();
