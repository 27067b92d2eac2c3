// The chat pane: header, message list (ordered by seq, pending ones last) and composer.

import { codePointLength, formatFullTime, formatTime, h, showError } from './util.js';

/** Longest message text, in characters (code points), as the server counts it. */
export const MAX_TEXT_LENGTH = 4000;
/** Show the length counter once a message gets this long. */
const COUNTER_FROM = 3500;
/** Start loading older messages when scrolled this close to the top. */
const LOAD_OLDER_THRESHOLD_PX = 48;
/** Follow new messages only when the reader is already (nearly) at the bottom. */
const STICK_TO_BOTTOM_PX = 80;

const PENDING_STATUS = {
  sending: 'Sending…',
  queued: 'Waiting for connection…',
  failed: 'Not sent',
};

export class ChatView {
  /**
   * @param {import('./store.js').Store} store
   * @param {object} actions
   * @param {(text: string) => void} actions.onSend
   * @param {() => void} actions.onNearTop
   * @param {(clientMsgId: string) => void} actions.onRetry
   * @param {() => void} actions.onBack
   * @param {(username: string) => Promise<void>} actions.onAddMember
   */
  constructor(store, actions) {
    this.store = store;
    this.actions = actions;
    this.nodes = new Map(); // seq → li, for the open room
    this.pendingNodes = new Map(); // clientMsgId → li

    this.screen = document.getElementById('chat-screen');
    this.title = document.getElementById('room-title');
    this.subtitle = document.getElementById('room-subtitle');
    this.scroller = document.getElementById('message-scroller');
    this.historyStatus = document.getElementById('history-status');
    this.list = document.getElementById('messages');
    this.emptyHint = document.getElementById('messages-empty');
    this.composerForm = document.getElementById('composer-form');
    this.composer = document.getElementById('composer');
    this.sendButton = document.getElementById('send');
    this.counter = document.getElementById('composer-count');
    this.composerError = document.getElementById('composer-error');
    this.addMemberForm = document.getElementById('add-member-form');
    this.addMemberInput = document.getElementById('add-member-username');
    this.addMemberButton = document.getElementById('add-member-submit');
    this.addMemberError = document.getElementById('add-member-error');

    this.composer.maxLength = MAX_TEXT_LENGTH;
    this.bind();
    this.showNoRoom();
  }

  bind() {
    this.composerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.composer.addEventListener('keydown', (event) => {
      // Enter sends, Shift+Enter is a newline; never send in the middle of an IME composition.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submit();
      }
    });
    this.composer.addEventListener('input', () => this.updateCounter());
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop <= LOAD_OLDER_THRESHOLD_PX) this.actions.onNearTop();
    }, { passive: true });
    this.list.addEventListener('click', (event) => {
      const retry = event.target.closest('button.retry');
      const li = retry && retry.closest('li[data-client-msg-id]');
      if (li) this.actions.onRetry(li.dataset.clientMsgId);
    });
    document.getElementById('back-to-rooms').addEventListener('click', () => this.actions.onBack());
    this.addMemberForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const username = this.addMemberInput.value.trim().replace(/^@/, '').toLowerCase();
      if (!username) return;
      showError(this.addMemberError, '');
      this.addMemberButton.disabled = true;
      try {
        await this.actions.onAddMember(username);
        this.addMemberInput.value = '';
      } catch (error) {
        showError(this.addMemberError, error.message);
      } finally {
        this.addMemberButton.disabled = false;
      }
    });
  }

  submit() {
    const text = this.composer.value;
    if (!text.trim() || !this.store.openRoomId) return;
    if (codePointLength(text) > MAX_TEXT_LENGTH) {
      this.showComposerError(`A message can have at most ${MAX_TEXT_LENGTH} characters.`);
      return;
    }
    this.showComposerError('');
    this.actions.onSend(text);
    this.composer.value = '';
    this.updateCounter();
    this.composer.focus();
  }

  updateCounter() {
    const length = codePointLength(this.composer.value);
    this.counter.textContent = length >= COUNTER_FROM ? `${length} / ${MAX_TEXT_LENGTH}` : '';
  }

  showComposerError(message) {
    showError(this.composerError, message);
  }

  // --- header ---

  showNoRoom() {
    this.screen.classList.remove('room-open');
    this.title.textContent = 'No room selected';
    this.subtitle.textContent = 'Pick a room or start a conversation.';
    this.clearMessages();
    this.setHistoryStatus('');
    this.emptyHint.hidden = true;
    this.composer.disabled = true;
    this.sendButton.disabled = true;
    this.addMemberForm.hidden = true;
    showError(this.addMemberError, '');
    this.showComposerError('');
  }

  /** Switches the pane to a room (messages are rendered separately). */
  showRoom(room) {
    this.screen.classList.add('room-open');
    this.updateHeader(room);
    this.clearMessages();
    this.composer.disabled = false;
    this.sendButton.disabled = false;
    this.showComposerError('');
    showError(this.addMemberError, '');
    this.addMemberInput.value = '';
    // On a phone, focusing would pop the keyboard over the messages just opened.
    if (window.matchMedia('(min-width: 641px)').matches) this.composer.focus();
  }

  updateHeader(room) {
    this.title.textContent = this.store.roomName(room);
    const members = Array.isArray(room.members) ? room.members : [];
    if (room.type === 'direct') {
      const other = members.find((m) => m.userId !== this.store.me?.userId);
      const username = other && this.store.usernameOf(other.userId);
      this.subtitle.textContent = username ? `Direct message · @${username}` : 'Direct message';
    } else {
      this.subtitle.textContent = `${members.length} member${members.length === 1 ? '' : 's'}`;
    }
    const me = this.store.me;
    const myRole = members.find((m) => m.userId === me?.userId)?.role;
    const isAdmin = Array.isArray(me?.roles) && me.roles.includes('admin');
    this.addMemberForm.hidden = !(room.type === 'group' && (myRole === 'owner' || myRole === 'moderator' || isAdmin));
  }

  /** Shows `text` above the messages (loading, errors, start of the conversation). */
  setHistoryStatus(text) {
    this.historyStatus.textContent = text;
    this.historyStatus.hidden = !text;
  }

  // --- messages ---

  clearMessages() {
    this.nodes.clear();
    this.pendingNodes.clear();
    this.list.replaceChildren();
  }

  /** Renders a room's whole timeline (on open) and scrolls to the newest message. */
  renderTimeline(timeline) {
    this.clearMessages();
    const fragment = document.createDocumentFragment();
    for (const message of timeline.sorted()) {
      const li = this.messageNode(message);
      this.nodes.set(message.seq, li);
      fragment.append(li);
    }
    for (const pending of timeline.pending.values()) {
      const li = this.pendingNode(pending);
      this.pendingNodes.set(pending.clientMsgId, li);
      fragment.append(li);
    }
    this.list.append(fragment);
    this.updateEmptyHint(timeline);
    this.scrollToBottom();
  }

  updateEmptyHint(timeline) {
    this.emptyHint.hidden = !(timeline.loaded && this.list.childElementCount === 0);
  }

  /** Adds a new message in seq order, or replaces the shown copy of an edited one. */
  upsertMessage(message, timeline) {
    const follow = this.isNearBottom() || message.senderId === this.store.me?.userId;
    const li = this.messageNode(message);
    const old = this.nodes.get(message.seq);
    if (old) old.replaceWith(li);
    else this.insertSorted(li, message.seq);
    this.nodes.set(message.seq, li);
    if (timeline) this.updateEmptyHint(timeline);
    if (follow && !old) this.scrollToBottom();
  }

  /** Adds older messages above the ones shown without moving what the reader is looking at. */
  prependOlder(messages) {
    const oldHeight = this.scroller.scrollHeight;
    const oldTop = this.scroller.scrollTop;
    for (const message of messages) {
      if (this.nodes.has(message.seq)) continue;
      const li = this.messageNode(message);
      this.insertSorted(li, message.seq);
      this.nodes.set(message.seq, li);
    }
    this.scroller.scrollTop = oldTop + (this.scroller.scrollHeight - oldHeight);
  }

  /** Inserts before the first shown message with a higher seq; pending messages stay last. */
  insertSorted(li, seq) {
    let before = null;
    // Walk from the end: almost every new message belongs there.
    for (let node = this.list.lastElementChild; node; node = node.previousElementSibling) {
      if (node.dataset.seq === undefined || Number(node.dataset.seq) > seq) before = node;
      else break;
    }
    this.list.insertBefore(li, before);
  }

  addPending(pending) {
    const li = this.pendingNode(pending);
    this.pendingNodes.set(pending.clientMsgId, li);
    this.list.append(li);
    this.emptyHint.hidden = true;
    this.scrollToBottom();
  }

  updatePending(pending) {
    const old = this.pendingNodes.get(pending.clientMsgId);
    if (!old) return;
    const li = this.pendingNode(pending);
    old.replaceWith(li);
    this.pendingNodes.set(pending.clientMsgId, li);
  }

  removePending(clientMsgId) {
    const li = this.pendingNodes.get(clientMsgId);
    if (li) li.remove();
    this.pendingNodes.delete(clientMsgId);
  }

  messageNode(message) {
    const own = message.senderId === this.store.me?.userId;
    const classes = ['message'];
    if (own) classes.push('own');
    if (message.deleted) classes.push('deleted');
    const attachments = Array.isArray(message.attachments) ? message.attachments : [];
    return h(
      'li',
      {
        className: classes.join(' '),
        dataset: { seq: message.seq, senderId: message.senderId, messageId: message.messageId || '' },
      },
      h(
        'div',
        { className: 'meta' },
        h('span', { className: 'sender' }, this.store.nameOf(message.senderId)),
        h('time', { className: 'time', datetime: isoTime(message.ts), title: formatFullTime(message.ts) }, formatTime(message.ts)),
        message.editedAt && !message.deleted ? h('span', { className: 'edited' }, '(edited)') : null,
      ),
      h('div', { className: 'text' }, message.deleted ? 'This message was deleted.' : message.text || ''),
      attachments.length && !message.deleted
        ? h(
            'ul',
            { className: 'attachments' },
            attachments.map((file) => h('li', { className: 'attachment' }, `📎 ${file.name || file.fileId || 'file'}`)),
          )
        : null,
    );
  }

  pendingNode(pending) {
    const failed = pending.state === 'failed';
    return h(
      'li',
      {
        className: `message own pending${failed ? ' failed' : ''}`,
        dataset: { clientMsgId: pending.clientMsgId, state: pending.state },
      },
      h(
        'div',
        { className: 'meta' },
        h('span', { className: 'sender' }, this.store.nameOf(this.store.me?.userId)),
        h('span', { className: 'status', role: failed ? 'alert' : null },
          failed && pending.error ? `${PENDING_STATUS.failed}: ${pending.error}` : PENDING_STATUS[pending.state] || ''),
        failed ? h('button', { type: 'button', className: 'retry' }, 'Retry') : null,
      ),
      h('div', { className: 'text' }, pending.text),
    );
  }

  /** Names may be learnt after messages were drawn (e.g. from a user search). */
  refreshNames(room) {
    for (const li of this.list.querySelectorAll('li.message[data-sender-id]')) {
      const sender = li.querySelector('.sender');
      const name = this.store.nameOf(li.dataset.senderId);
      if (sender && sender.textContent !== name) sender.textContent = name;
    }
    if (room) this.updateHeader(room);
  }

  // --- scrolling ---

  isNearBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= STICK_TO_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  /** True while the messages do not fill the pane, so the reader cannot scroll up to load more. */
  needsMoreHistory() {
    return this.scroller.scrollHeight <= this.scroller.clientHeight + LOAD_OLDER_THRESHOLD_PX;
  }
}

function isoTime(ts) {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
