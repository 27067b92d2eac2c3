// Message search in the sidebar (GET /search): a query (in every room, or the open one only),
// results newest first with "More results" while the server gives a `next`, and a click that
// opens the message's room at it, or, when it is too far back to join the messages held there,
// shows the messages around it under the result.

import { humanError } from './errors.js';
import { formatTime, h } from './util.js';

/** A result shows this much of its text; the message itself is one click away. */
const EXCERPT_CHARS = 200;

export class SearchView {
  /**
   * @param {import('./store.js').Store} store
   * @param {object} actions
   * @param {(query: string, options: {roomId?: string, before?: string}) => Promise<{messages: object[], next?: string}>} actions.onSearch
   * @param {(roomId: string, seq: number) => Promise<{shown: boolean, context?: object[]|null}>} actions.onShowResult
   */
  constructor(store, actions) {
    this.store = store;
    this.actions = actions;
    this.form = document.getElementById('search-form');
    this.query = document.getElementById('search-query');
    this.thisRoom = document.getElementById('search-this-room');
    this.results = document.getElementById('search-results');
    this.status = document.getElementById('search-status');
    this.more = document.getElementById('search-more');
    this.run = 0; // answers to older searches are dropped
    this.next = null; // the cursor of the next page of the current search
    this.current = null; // {query, roomId}

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.search();
    });
    this.query.addEventListener('input', () => {
      if (!this.query.value.trim()) this.reset();
    });
    this.more.addEventListener('click', () => this.search({ more: true }));
    this.results.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-seq]');
      const li = button && button.closest('li.search-result');
      if (li) this.show(li, button.dataset.roomId, Number(button.dataset.seq));
    });
  }

  /** The "open room only" choice follows the room on screen. */
  roomChanged(roomId) {
    this.thisRoom.disabled = !roomId;
    if (!roomId) this.thisRoom.checked = false;
  }

  reset() {
    this.run++;
    this.next = null;
    this.current = null;
    this.results.replaceChildren();
    this.setStatus('');
    this.more.hidden = true;
  }

  setStatus(text) {
    this.status.textContent = text;
    this.status.hidden = !text;
  }

  async search({ more = false } = {}) {
    const query = more && this.current ? this.current.query : this.query.value.trim();
    if (!query) return;
    const roomId = more && this.current ? this.current.roomId : (this.thisRoom.checked && this.store.openRoomId) || undefined;
    const run = ++this.run;
    if (!more) {
      this.results.replaceChildren();
      this.current = { query, roomId };
      this.next = null;
    }
    this.more.hidden = true;
    this.setStatus('Searching…');
    let answer;
    try {
      answer = await this.actions.onSearch(query, { roomId, before: more ? this.next : undefined });
    } catch (error) {
      if (run === this.run) this.setStatus(humanError(error));
      return;
    }
    if (run !== this.run) return;
    const found = Array.isArray(answer?.messages) ? answer.messages : [];
    this.results.append(...found.map((result) => this.resultNode(result)));
    this.next = typeof answer?.next === 'string' ? answer.next : null;
    this.more.hidden = this.next === null;
    this.setStatus(this.results.childElementCount ? '' : 'No messages found.');
  }

  resultNode(result) {
    const room = this.store.rooms.get(result.roomId);
    const text = [...String(result.text ?? '')];
    return h(
      'li',
      { className: 'search-result' },
      h(
        'button',
        { type: 'button', dataset: { roomId: result.roomId, seq: result.seq } },
        h('span', { className: 'result-meta' },
          h('span', { className: 'result-room' }, room ? this.store.roomName(room) : 'a room you left'),
          result.senderId ? h('span', {}, this.store.nameOf(result.senderId)) : null,
          Number.isFinite(result.ts) ? h('time', {}, formatTime(result.ts)) : null),
        // dir=auto: the text cannot reorder the list around it.
        h('span', { className: 'result-text', dir: 'auto' }, text.slice(0, EXCERPT_CHARS).join('') + (text.length > EXCERPT_CHARS ? '…' : '')),
      ),
    );
  }

  /** Opens the result's room at the message; too far back, the messages around it show here. */
  async show(li, roomId, seq) {
    if (!Number.isInteger(seq) || !this.store.rooms.has(roomId)) {
      this.setStatus('That message is in a room you are no longer in.');
      return;
    }
    li.querySelector('.search-context')?.remove();
    this.setStatus('');
    let outcome;
    try {
      outcome = await this.actions.onShowResult(roomId, seq);
    } catch (error) {
      this.setStatus(humanError(error));
      return;
    }
    if (outcome.context && outcome.context.length) li.append(this.contextNode(outcome.context, seq));
    else if (!outcome.shown) this.setStatus('That message is too far back to show here.');
  }

  contextNode(messages, seq) {
    return h(
      'ol',
      { className: 'search-context', 'aria-label': 'The message in its context' },
      messages.map((m) => h(
        'li',
        { className: m.seq === seq ? 'hit' : '' },
        h('span', { className: 'context-sender' }, this.store.nameOf(m.senderId)),
        h('span', { dir: 'auto' }, m.deleted ? 'message deleted' : String(m.text ?? '')),
      )),
    );
  }
}
