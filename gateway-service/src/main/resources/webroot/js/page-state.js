// What a user leaves in the page, and taking it all away at log-out, so the next person at this
// tab finds nothing of theirs: drafts, remembered names, the session, the room in the URL,
// caches and the service worker (sw.js, registered when the user turns on Web Push: unregistering
// it also ends its push subscription, so this browser gets none of their pushes afterwards).

import { PREFS_PREFIX } from './notifier.js';

/**
 * Clears sessionStorage, localStorage but the per-user yes/no choices (sound, notifications),
 * the Cache API, service workers and the room in the address bar. Storage is cleared at once;
 * the asynchronous parts settle later and never throw.
 */
export function wipeUserTraces() {
  try {
    sessionStorage.clear();
  } catch {
    // Storage disabled: nothing was kept there.
  }
  try {
    for (const key of Object.keys(localStorage)) if (!key.startsWith(PREFS_PREFIX)) localStorage.removeItem(key);
  } catch {
    // As above.
  }
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  return Promise.allSettled([clearCaches(), unregisterServiceWorkers()]);
}

async function clearCaches() {
  if (typeof caches === 'undefined') return; // only in secure contexts
  for (const name of await caches.keys()) await caches.delete(name);
}

async function unregisterServiceWorkers() {
  if (!navigator.serviceWorker) return;
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    // The next person at this tab must be shown no push of the last user's, nor the
    // notifications still on screen. Chromium ends the subscription at unregister(), but the Push
    // API ties that to the registration being cleared, which waits until no open page uses the
    // worker: so it is ended here first.
    const subscription = registration.pushManager ? await registration.pushManager.getSubscription().catch(() => null) : null;
    if (subscription) await subscription.unsubscribe().catch(() => false);
    for (const shown of await registration.getNotifications().catch(() => [])) shown.close();
    await registration.unregister();
  }
}
