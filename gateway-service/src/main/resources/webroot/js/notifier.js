// Telling the user a message came: the unread count in the tab title, an optional sound, and
// desktop notifications while the tab is hidden. Sound and notifications are the user's choice,
// off by default and remembered per user in this browser (localStorage, the only thing a
// log-out leaves behind: a yes/no per user, no content).

const BASE_TITLE = 'Chat';
export const PREFS_PREFIX = 'chat.prefs.';
/** At most one sound in this long, so a burst of messages (a catch-up) is one beep, not twenty. */
const SOUND_GAP_MS = 2_000;
/** A notification shows at most this much of the message. */
const NOTIFICATION_TEXT_MAX = 140;

export class Notifier {
  constructor() {
    this.userId = null;
    this.prefs = { sound: false, notify: false };
    this.audio = null; // AudioContext, made on the first user gesture that turns sound on
    this.lastSoundAt = 0;
    this.shown = new Map(); // roomId → Notification still on the desktop
    this.onOpenRoom = null; // (roomId) => void, for a click on a notification

    this.soundBox = document.getElementById('pref-sound');
    this.notifyBox = document.getElementById('pref-notify');
    this.notifyHint = document.getElementById('pref-notify-hint');
    this.soundBox.addEventListener('change', () => {
      this.save({ sound: this.soundBox.checked });
      if (this.soundBox.checked) this.beep(true); // a sample, and it unlocks audio in this gesture
    });
    this.notifyBox.addEventListener('change', () => this.toggleNotifications());
  }

  /** A user logged in: their choices. */
  setUser(userId) {
    this.userId = userId;
    this.prefs = { sound: false, notify: false, ...readPrefs(userId) };
    this.showPrefs();
  }

  /** Log-out: the title, the choices on screen and every notification still showing go. */
  reset() {
    this.userId = null;
    this.prefs = { sound: false, notify: false };
    this.showPrefs();
    for (const n of this.shown.values()) n.close();
    this.shown.clear();
    document.title = BASE_TITLE;
  }

  /** The sum of the unread counts of all rooms. */
  setUnreadTotal(total) {
    const title = total > 0 ? `(${total > 999 ? '999+' : total}) ${BASE_TITLE}` : BASE_TITLE;
    if (document.title !== title) document.title = title;
  }

  /**
   * A new message of someone else. `reading`: it arrived in the open room of a visible page, where
   * the user sees it anyway.
   */
  messageArrived({ message, title, reading }) {
    if (!this.userId || reading) return;
    if (this.prefs.sound) this.beep(false);
    if (this.prefs.notify && document.visibilityState === 'hidden' && notificationsGranted()) {
      this.notify(message, title);
    }
  }

  // --- internals ---

  async toggleNotifications() {
    const wanted = this.notifyBox.checked;
    if (wanted && typeof Notification === 'function' && Notification.permission === 'default') {
      // Asked here, in the change event of the user's click: browsers refuse prompts at load.
      await Notification.requestPermission().catch(() => 'denied');
    }
    const usable = wanted && notificationsGranted();
    this.save({ notify: usable });
    this.showPrefs();
    if (wanted && !usable) {
      this.notifyHint.textContent = typeof Notification === 'function'
        ? 'Notifications are blocked for this site in your browser settings.'
        : 'This browser cannot show notifications here.';
      this.notifyHint.hidden = false;
    }
  }

  notify(message, title) {
    const roomId = message.roomId;
    const text = String(message.text || '');
    const body = text.length > NOTIFICATION_TEXT_MAX ? `${text.slice(0, NOTIFICATION_TEXT_MAX - 1)}…` : text;
    try {
      const n = new Notification(title, { body, tag: roomId });
      n.onclick = () => {
        window.focus();
        if (this.onOpenRoom) this.onOpenRoom(roomId);
        n.close();
      };
      n.onclose = () => {
        if (this.shown.get(roomId) === n) this.shown.delete(roomId);
      };
      this.shown.get(roomId)?.close();
      this.shown.set(roomId, n);
    } catch (error) {
      console.warn('notification failed', error);
    }
  }

  /** A short two-tone chime from Web Audio (no sound file to fetch). */
  beep(force) {
    const now = Date.now();
    if (!force && now - this.lastSoundAt < SOUND_GAP_MS) return;
    this.lastSoundAt = now;
    try {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      this.audio ??= new Context();
      const ctx = this.audio;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0.0001, ctx.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.15, ctx.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.35);
      gain.connect(ctx.destination);
      for (const [freq, at] of [[880, 0], [1175, 0.12]]) {
        const osc = ctx.createOscillator();
        osc.frequency.value = freq;
        osc.connect(gain);
        osc.start(ctx.currentTime + at);
        osc.stop(ctx.currentTime + at + 0.2);
      }
    } catch (error) {
      console.warn('sound failed', error);
    }
  }

  save(change) {
    this.prefs = { ...this.prefs, ...change };
    if (!this.userId) return;
    try {
      localStorage.setItem(PREFS_PREFIX + this.userId, JSON.stringify(this.prefs));
    } catch {
      // Storage disabled: the choice lasts for this page.
    }
  }

  showPrefs() {
    this.soundBox.checked = Boolean(this.prefs.sound);
    this.notifyBox.checked = Boolean(this.prefs.notify) && notificationsGranted();
    this.notifyHint.hidden = true;
  }
}

function readPrefs(userId) {
  try {
    const saved = JSON.parse(localStorage.getItem(PREFS_PREFIX + userId) || '{}');
    return { sound: saved.sound === true, notify: saved.notify === true };
  } catch {
    return {};
  }
}

function notificationsGranted() {
  return typeof Notification === 'function' && Notification.permission === 'granted';
}
