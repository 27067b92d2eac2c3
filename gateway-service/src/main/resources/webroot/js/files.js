// Files on the page: the attachments of messages (image thumbnails, native audio/video players,
// download links) and the uploads of the composer.
//
// Stored messages carry file objects without links; links are signed and expire
// (FILE_URL_TTL_SECONDS), because <img>/<audio>/<video> send no Authorization header and a
// token must never go in a URL. So links are asked for when an attachment is rendered (one
// GET /files/links for all files rendered together), kept until shortly before they expire, and
// asked again when a player or image fails to load (its link may have expired while the page
// stayed open) or a stale link is clicked.

import { humanError } from './errors.js';
import { h } from './util.js';

/** A link this close to its expiry is asked for again rather than used. */
const EXPIRY_MARGIN_MS = 60_000;
/** Largest side a thumbnail is shown at, in CSS pixels (the server makes them at most 320). */
const THUMB_SIDE = 240;

/** Signed links by fileId, fetched in batches and kept until shortly before they expire. */
export class FileLinks {
  /**
   * @param {(fileIds: string[]) => Promise<{links: Map<string, {url: string, thumbnailUrl: string}>, expiresAt: number}>} fetchLinks
   * @param {() => number} [now]
   */
  constructor(fetchLinks, now = Date.now) {
    this.fetchLinks = fetchLinks;
    this.now = now;
    this.cache = new Map(); // fileId → {url, thumbnailUrl, expiresAt}
    this.queue = new Map(); // fileId → [{resolve, reject}], asked at the next flush
  }

  /** Whether a usable link of this file is at hand now (a click can then follow it at once). */
  fresh(fileId) {
    const entry = this.cache.get(fileId);
    return Boolean(entry) && entry.expiresAt - EXPIRY_MARGIN_MS > this.now();
  }

  /**
   * The links of a file: from the cache while fresh, else asked with the others asked for in the
   * same turn. `renew` forgets the cached one first (it failed to load).
   * @returns {Promise<{url: string, thumbnailUrl: string}>}
   */
  get(fileId, { renew = false } = {}) {
    if (renew) this.cache.delete(fileId);
    if (this.fresh(fileId)) return Promise.resolve(this.cache.get(fileId));
    return new Promise((resolve, reject) => {
      const waiting = this.queue.get(fileId);
      if (waiting) {
        waiting.push({ resolve, reject });
        return;
      }
      this.queue.set(fileId, [{ resolve, reject }]);
      if (this.queue.size === 1) setTimeout(() => this.flush(), 0);
    });
  }

  async flush() {
    const asked = this.queue;
    this.queue = new Map();
    try {
      const { links, expiresAt } = await this.fetchLinks([...asked.keys()]);
      for (const [fileId, waiters] of asked) {
        const link = links.get(fileId);
        if (link) this.cache.set(fileId, { ...link, expiresAt });
        for (const w of waiters) link ? w.resolve(this.cache.get(fileId)) : w.reject(new Error(`no link for ${fileId}`));
      }
    } catch (error) {
      for (const waiters of asked.values()) for (const w of waiters) w.reject(error);
    }
  }
}

/** 1536 → "1.5 KB": sizes as people read them (powers of 1024, one decimal below 10). */
export function formatSize(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** What to tell the person whose upload of `name` failed; empty when they cancelled it. */
export function uploadError(error, name) {
  switch (error && error.code) {
    case 'aborted':
      return '';
    case 'payload_too_large': {
      const limit = /larger than (\d+) bytes/.exec(error.message || '');
      return limit ? `${name} is too large to send (at most ${formatSize(Number(limit[1]))}).` : `${name} is too large to send.`;
    }
    case 'quota_exceeded':
      return `${name} cannot be sent: your storage for files is full. Files of messages you no longer need free it.`;
    case 'unsupported_media_type':
      return `${name} cannot be sent: files of this type are not accepted.`;
    default:
      return `${name} could not be uploaded. ${humanError(error)}`;
  }
}

/**
 * The node of one attachment of a stored message. Its links are filled in when they arrive.
 * @param {import('./lib/types.js').FileInfo} file
 * @param {FileLinks} links
 */
export function attachmentNode(file, links) {
  const type = file.contentType || '';
  const label = `${file.name} (${formatSize(file.size)})`;
  if (type.startsWith('image/') && file.width && file.height) return imageNode(file, links, label);
  if (type.startsWith('audio/') || type.startsWith('video/')) return playerNode(file, links, label, type.startsWith('audio/') ? 'audio' : 'video');
  return h('li', { className: 'attachment file', dataset: { fileId: file.fileId } }, downloadLink(file, links, label, `📎 ${label}`));
}

function imageNode(file, links, label) {
  const scale = Math.min(1, THUMB_SIDE / Math.max(file.width, file.height));
  const img = h('img', {
    alt: file.name,
    width: Math.max(1, Math.round(file.width * scale)),
    height: Math.max(1, Math.round(file.height * scale)),
    decoding: 'async',
  });
  const open = h('a', { className: 'attachment-open', title: `Open ${label}`, target: '_blank', rel: 'noopener' }, img);
  withLinks(file, links, img, (link) => {
    img.src = link.thumbnailUrl;
    open.href = link.url;
  });
  followFresh(open, file, links, (link) => link.url);
  return h('li', { className: 'attachment image', dataset: { fileId: file.fileId } }, open);
}

function playerNode(file, links, label, kind) {
  // preload=metadata: the duration shows without fetching the whole file; seeking asks for Ranges.
  const player = h(kind, { controls: true, preload: 'metadata', 'aria-label': label });
  withLinks(file, links, player, (link) => {
    player.src = link.url;
  });
  return h('li', { className: `attachment ${kind}`, dataset: { fileId: file.fileId } },
    player, h('div', { className: 'attachment-name' }, downloadLink(file, links, label, label)));
}

function downloadLink(file, links, label, text) {
  const a = h('a', { download: file.name, title: `Download ${label}` }, text);
  links.get(file.fileId).then((link) => { a.href = link.url; }, () => {});
  followFresh(a, file, links, (link) => link.url);
  return a;
}

/** Sets the links on `media` now and once more, with new links, when it fails to load (expired). */
function withLinks(file, links, media, apply) {
  let renewed = false;
  media.addEventListener('error', () => {
    if (renewed) return;
    renewed = true;
    links.get(file.fileId, { renew: true }).then(apply, () => {});
  });
  links.get(file.fileId).then(apply, () => {});
}

/** A click on a link whose signature is about to expire opens a freshly signed one instead. */
function followFresh(anchor, file, links, urlOf) {
  anchor.addEventListener('click', (event) => {
    if (anchor.href && links.fresh(file.fileId)) return;
    event.preventDefault();
    links.get(file.fileId).then((link) => {
      anchor.href = urlOf(link);
      anchor.click();
    }, () => {});
  });
}
