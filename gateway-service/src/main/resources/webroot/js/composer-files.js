// The files of the composer: chosen with the attach button, dropped on the composer or pasted
// into it, each uploaded at once (with its progress and a Cancel button), listed until the
// message goes out with their fileIds. A refused upload says why under the composer.

import { formatSize, uploadError } from './files.js';
import { h } from './util.js';

export class ComposerFiles {
  /**
   * @param {object} options
   * @param {(roomId: string, file: File, progress: {onProgress: Function, signal: AbortSignal}) => Promise<{fileId: string}>} options.upload
   * @param {() => string|null} options.roomId the open room, where an upload goes
   * @param {(message: string) => void} options.showError
   */
  constructor({ upload, roomId, showError }) {
    this.upload = upload;
    this.roomId = roomId;
    this.showError = showError;
    this.items = []; // {key, file, abort, fileId|null, node, bar}
    this.nextKey = 1;

    this.button = document.getElementById('attach-button');
    this.input = document.getElementById('attach-input');
    this.list = document.getElementById('composer-files');
    this.form = document.getElementById('composer-form');
    this.button.addEventListener('click', () => this.input.click());
    this.input.addEventListener('change', () => {
      this.addAll(this.input.files);
      this.input.value = ''; // the same file may be chosen again
    });
    this.form.addEventListener('dragover', (event) => {
      if (!this.button.disabled && hasFiles(event.dataTransfer)) {
        event.preventDefault();
        this.form.classList.add('drop-target');
      }
    });
    this.form.addEventListener('dragleave', () => this.form.classList.remove('drop-target'));
    this.form.addEventListener('drop', (event) => {
      this.form.classList.remove('drop-target');
      if (this.button.disabled || !hasFiles(event.dataTransfer)) return;
      event.preventDefault();
      this.addAll(event.dataTransfer.files);
    });
    document.getElementById('composer').addEventListener('paste', (event) => {
      const files = event.clipboardData ? [...event.clipboardData.files] : [];
      if (!files.length || this.button.disabled) return;
      event.preventDefault(); // a pasted screenshot is a file, not text
      this.addAll(files);
    });
  }

  set disabled(disabled) {
    this.button.disabled = disabled;
  }

  /** Whether an upload is still running (the message waits for it). */
  get busy() {
    return this.items.some((item) => !item.fileId);
  }

  /** The fileIds of the finished uploads, in the order they were added. */
  get fileIds() {
    return this.items.filter((item) => item.fileId).map((item) => item.fileId);
  }

  addAll(files) {
    const roomId = this.roomId();
    if (!roomId) return;
    this.showError('');
    for (const file of files) this.add(roomId, file);
  }

  add(roomId, file) {
    const abort = new AbortController();
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Uploading ${file.name}` });
    const cancel = h('button', { type: 'button', className: 'ghost attachment-cancel', 'aria-label': `Cancel ${file.name}` }, '✕');
    const node = h('li', { className: 'composer-file uploading' },
      h('span', { className: 'composer-file-name' }, `${file.name} (${formatSize(file.size)})`), bar, cancel);
    const item = { key: this.nextKey++, file, abort, fileId: null, node, bar };
    cancel.addEventListener('click', () => this.remove(item));
    this.items.push(item);
    this.list.append(node);
    this.list.hidden = false;
    this.upload(roomId, file, {
      signal: abort.signal,
      onProgress: (sent, total) => {
        if (total > 0) bar.value = sent / total;
      },
    }).then(
      (answer) => {
        if (!this.items.includes(item)) return;
        item.fileId = answer.fileId;
        node.classList.remove('uploading');
        bar.remove();
        cancel.setAttribute('aria-label', `Remove ${file.name}`);
      },
      (error) => {
        if (!this.items.includes(item)) return;
        this.remove(item);
        const message = uploadError(error, file.name);
        if (message) this.showError(message);
      },
    );
  }

  /** Cancels an upload still running, or takes a finished one off the message. */
  remove(item) {
    this.items = this.items.filter((i) => i !== item);
    if (!item.fileId) item.abort.abort();
    item.node.remove();
    this.list.hidden = this.items.length === 0;
  }

  /** Empties the list (the message went out, or another room opened): running uploads stop. */
  clear() {
    for (const item of [...this.items]) this.remove(item);
  }
}

function hasFiles(dataTransfer) {
  return Boolean(dataTransfer) && [...dataTransfer.types].includes('Files');
}
