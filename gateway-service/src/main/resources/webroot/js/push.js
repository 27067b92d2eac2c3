// Web Push on this device: the opt-in button in the Alerts panel, and the page's side of the
// service worker (sw.js), which asks the page which room it shows and tells it to open the room
// of a clicked notification. Nothing happens on load: the browser's permission prompt only ever
// comes from a click on the button.
//
// Turning on: permission → the server's VAPID key → the worker registered → PushManager.subscribe
// → POST /devices. Turning off: unsubscribe → DELETE /devices/{id}. A log-out ends it too (the
// device is deleted while the session still has its token; the worker is unregistered with the
// rest of the user's traces, and its subscription with it).

import { api } from './api.js';
import { humanError } from './errors.js';

/** localStorage: {userId, deviceId, endpoint} of this browser's registration (a log-out wipes it). */
const DEVICE_KEY = 'chat.push.device';
const WORKER_URL = '/sw.js';
/**
 * How long the browser's push service may take to subscribe. A browser that cannot reach it may
 * never answer (Chromium without network keeps retrying for minutes), so the page stops waiting.
 */
const SUBSCRIBE_TIMEOUT_MS = 30_000;

const BUTTON_TEXT = { off: 'Notify me on this device', on: 'Stop notifications', starting: 'Turning on…', stopping: 'Turning off…' };
const HINT_TEXT = {
  off: 'Get notifications on this device while the chat is closed.',
  on: 'This device gets notifications while the chat is closed.',
};
const ERROR_TEXT = {
  insecure: 'Notifications need the chat to be opened over https.',
  unsupported: 'This browser cannot show notifications while the chat is closed.',
  denied: 'Notifications are blocked for this site in your browser settings. Allow them there, then try again.',
  dismissed: 'Notifications were not allowed. Click again to be asked once more.',
  unavailable: 'Notifications are not available on this server right now. Please try again later.',
  pushService: 'Your browser could not subscribe at its push service. Check your connection and try again.',
  pushServiceSilent: 'Your browser’s push service did not answer. Check your connection and try again.',
  refused: 'This server does not accept your browser’s push service.',
};

/** A failure with the words to show. */
class PushSetupError extends Error {}

export class WebPush {
  /** @param {{currentRoom: () => string|null}} page the room on screen of a visible, logged-in page */
  constructor({ currentRoom }) {
    this.currentRoom = currentRoom;
    this.userId = null;
    this.state = 'off';
    this.button = document.getElementById('push-toggle');
    this.hint = document.getElementById('push-hint');
    this.error = document.getElementById('push-error');
    this.button.addEventListener('click', () => this.toggle());
    if (navigator.serviceWorker) {
      navigator.serviceWorker.addEventListener('message', (event) => this.fromWorker(event));
      // Messages wait until this (or the end of parsing): the worker may ask before the app is up.
      navigator.serviceWorker.startMessages?.();
    }
    this.show('off');
  }

  /** A user logged in: the button says whether this browser already gets their pushes. */
  async setUser(userId) {
    this.userId = userId;
    this.show('off');
    const saved = readSaved();
    if (!saved || saved.userId !== userId || !supported()) return;
    const subscription = await currentSubscription().catch(() => null);
    if (this.userId !== userId) return;
    if (subscription && subscription.endpoint === saved.endpoint) {
      this.show('on');
      return;
    }
    // The browser dropped or replaced the subscription: the old device can only fail now.
    forgetSaved();
    api.deleteDevice(saved.deviceId).catch(() => {});
  }

  /**
   * Log-out, called before the session ends so the DELETE still carries its token (a session
   * already over leaves the device to the server: its next push is answered 404/410, which
   * deletes it).
   */
  forget() {
    const saved = readSaved();
    this.reset();
    return saved ? api.deleteDevice(saved.deviceId).catch(() => {}) : Promise.resolve();
  }

  /** The session ended: the button goes back to its start. */
  reset() {
    this.userId = null;
    this.show('off');
  }

  // --- internals ---

  toggle() {
    if (this.state === 'off') this.start();
    else if (this.state === 'on') this.stop();
  }

  async start() {
    const userId = this.userId;
    if (!userId) return;
    this.show('starting');
    try {
      const subscription = await subscribe();
      let device;
      try {
        device = await api.registerDevice({ kind: 'webpush', subscription: subscription.toJSON() });
      } catch (error) {
        await subscription.unsubscribe().catch(() => {});
        throw error.status === 400 ? new PushSetupError(ERROR_TEXT.refused) : error;
      }
      if (this.userId !== userId) return; // logged out meanwhile: the wipe took the worker
      save({ userId, deviceId: device.deviceId, endpoint: subscription.endpoint });
      this.show('on');
    } catch (error) {
      if (this.userId !== userId) return;
      console.warn('push opt-in failed', error);
      this.show('off', explain(error));
    }
  }

  async stop() {
    const saved = readSaved();
    this.show('stopping');
    try {
      const subscription = await currentSubscription();
      if (subscription) await subscription.unsubscribe();
    } catch (error) {
      console.warn('push unsubscribe failed', error);
      this.show('on', `Could not turn notifications off (${error.name || 'error'}). Please try again.`);
      return;
    }
    forgetSaved();
    this.show('off');
    if (saved) {
      // Unsubscribed, so nothing more reaches this browser either way; a device the DELETE
      // missed is deleted by the server at its next push (404/410).
      api.deleteDevice(saved.deviceId).catch((error) => console.warn('device not deleted', error.code));
    }
  }

  /** The worker's questions: which room is on screen, and "open this room" after a click. */
  fromWorker(event) {
    const data = event.data;
    if (!data || typeof data.type !== 'string') return;
    if (data.type === 'chat.which-room' && event.ports && event.ports[0]) {
      event.ports[0].postMessage({ roomId: this.currentRoom() });
    } else if (data.type === 'chat.open-room' && typeof data.roomId === 'string') {
      // The router opens it (now, or after a log-in if the page is logged out).
      location.hash = `#/rooms/${encodeURIComponent(data.roomId)}`;
    }
  }

  show(state, error = '') {
    this.state = state;
    this.button.dataset.state = state;
    this.button.textContent = BUTTON_TEXT[state];
    const busy = state === 'starting' || state === 'stopping';
    this.button.disabled = busy;
    this.button.setAttribute('aria-busy', String(busy));
    if (!busy) this.hint.textContent = HINT_TEXT[state];
    this.error.textContent = error;
    this.error.hidden = !error;
  }
}

function supported() {
  return Boolean(navigator.serviceWorker) && typeof PushManager === 'function' && typeof Notification === 'function';
}

async function currentSubscription() {
  const registration = await navigator.serviceWorker.getRegistration('/');
  return registration ? registration.pushManager.getSubscription() : null;
}

/** Permission, the server's key, the worker, the push service: a PushSubscription, or an error. */
async function subscribe() {
  if (!window.isSecureContext) throw new PushSetupError(ERROR_TEXT.insecure);
  if (!supported()) throw new PushSetupError(ERROR_TEXT.unsupported);
  // Asked here, in the user's click: browsers refuse (or penalise) prompts nobody asked for.
  const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') throw new PushSetupError(permission === 'denied' ? ERROR_TEXT.denied : ERROR_TEXT.dismissed);
  const applicationServerKey = await api.webPushKey();
  // updateViaCache 'none': a new sw.js is picked up at the next check, whatever HTTP caches hold.
  await navigator.serviceWorker.register(WORKER_URL, { scope: '/', updateViaCache: 'none' });
  const registration = await navigator.serviceWorker.ready;
  const options = { userVisibleOnly: true, applicationServerKey };
  try {
    return await withTimeout(registration.pushManager.subscribe(options));
  } catch (error) {
    if (error.name !== 'InvalidStateError') throw error;
    // Subscribed before with another server key (the server's VAPID key changed): start afresh.
    const old = await registration.pushManager.getSubscription();
    if (old) await old.unsubscribe();
    return withTimeout(registration.pushManager.subscribe(options));
  }
}

function withTimeout(promise) {
  let timer;
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new PushSetupError(ERROR_TEXT.pushServiceSilent)), SUBSCRIBE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function explain(error) {
  if (error instanceof PushSetupError) return error.message;
  // The REST client's errors have a string code (a DOMException's is a legacy number).
  if (error && error.code === 'unavailable') return ERROR_TEXT.unavailable;
  if (error && typeof error.code === 'string') return humanError(error);
  switch (error && error.name) {
    case 'NotAllowedError':
      return ERROR_TEXT.denied;
    case 'AbortError': // "Registration failed - push service error"
      return ERROR_TEXT.pushService;
    case 'NotSupportedError':
      return ERROR_TEXT.unsupported;
    default:
      return `Could not turn notifications on (${(error && error.name) || 'error'}). Please try again.`;
  }
}

function readSaved() {
  try {
    const saved = JSON.parse(localStorage.getItem(DEVICE_KEY) || 'null');
    return saved && typeof saved.deviceId === 'string' && typeof saved.userId === 'string' ? saved : null;
  } catch {
    return null;
  }
}

function save(saved) {
  try {
    localStorage.setItem(DEVICE_KEY, JSON.stringify(saved));
  } catch {
    // Storage disabled: after a reload the button offers to turn on again, which registers the
    // same subscription again (the server moves it, never duplicates it).
  }
}

function forgetSaved() {
  try {
    localStorage.removeItem(DEVICE_KEY);
  } catch {
    // As above.
  }
}
