// Small helpers shared by the other modules. Nothing here touches app state.

/**
 * Builds an element. User text only ever goes in as text nodes or attribute values, never as
 * markup, so nothing a user types can become HTML.
 *   h('li', { className: 'x', dataset: { seq: 3 }, title: 'y' }, 'text', childElement)
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A short, still recognisable form of an opaque id, for users whose name we do not know. */
export function shortId(id) {
  const s = String(id ?? '');
  return s.length > 8 ? `${s.slice(0, 8)}…` : s;
}

const TIME_FORMAT = { hour: '2-digit', minute: '2-digit' };
const DATE_TIME_FORMAT = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };

/** Time of day for today's messages, date and time for older ones. */
export function formatTime(ts) {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return date.toLocaleString([], sameDay ? TIME_FORMAT : DATE_TIME_FORMAT);
}

export function formatFullTime(ts) {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const RELATIVE_STEPS = [
  ['minute', 60_000, 60],
  ['hour', 3_600_000, 24],
  ['day', 86_400_000, 7],
];

/** "just now", "5 minutes ago", "yesterday", or a date for anything older than a week. */
export function formatRelative(ts, now = Date.now()) {
  const date = new Date(ts);
  if (Number.isNaN(date.getTime())) return '';
  const ago = Math.max(0, now - date.getTime());
  if (ago < 60_000) return 'just now';
  for (const [unit, ms, limit] of RELATIVE_STEPS) {
    const amount = Math.floor(ago / ms);
    if (amount < limit) return RELATIVE.format(-amount, unit);
  }
  return `on ${date.toLocaleDateString([], { month: 'short', day: 'numeric' })}`;
}

export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/** Shows an inline error (or hides it when message is empty). */
export function showError(node, message) {
  node.textContent = message || '';
  node.hidden = !message;
}

/** Length in Unicode code points, which is how the server counts message text. */
export function codePointLength(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
