// The chat pane: header (with the peer's presence and the member list), message list (ordered
// by seq, pending ones last, receipt marks on mine, a divider at the first unread), the
// "… is typing" line and the composer (a draft per room, the length rule, emoji).

import { ComposerFiles } from './composer-files.js';
import { EmojiPicker } from './emoji-picker.js';
import { attachmentNode } from './files.js';
import { humanError } from './errors.js';
import { renderText } from './format.js';
import { actionsNode, DELETED_TEXT, editorNode, quoteNode, reactionsNode } from './message-parts.js';
import { isAround, presenceText } from './presence.js';
import { Permission, roomPermissions } from './room-permissions.js';
import { showRoomInUrl } from './router.js';
import { codePointLength, formatFullTime, formatTime, h, showError } from './util.js';

/** Longest message text, in characters (code points), as the server counts it. */
export const MAX_TEXT_LENGTH = 4000;
/** Show the length counter once a message gets this long. */
const COUNTER_FROM = 3500;
/** Start loading older messages when scrolled this close to the top. */
const LOAD_OLDER_THRESHOLD_PX = 48;
/** Space left above the "new messages" divider when the pane opens there. */
const DIVIDER_MARGIN_PX = 8;
/** Follow new messages only when the reader is already (nearly) at the bottom. */
const STICK_TO_BOTTOM_PX = 80;

/**
 * Thresholds at which the read observer re-checks a message: a message counts as seen once half
 * of it (or, for one taller than the pane, half the pane) is on screen.
 */
const SEEN_THRESHOLDS = [0, 0.25, 0.5, 0.75, 1];

/** My messages in direct rooms: ✓ delivered to the other, ✓✓ read by them. */
const RECEIPT_GLYPH = { sent: '', delivered: '✓', read: '✓✓' };
const RECEIPT_LABEL = { sent: 'Sent', delivered: 'Delivered', read: 'Read' };

const PENDING_STATUS = {
  sending: 'Sending…',
  queued: 'Waiting for connection…',
  failed: 'Not sent',
};

export class ChatView {
  /**
   * @param {import('./store.js').Store} store
   * @param {object} actions
   * @param {(text: string, attachments: string[], replyTo: number|null) => void} actions.onSend
   *   attachments: fileIds; replyTo: the seq of the message answered
   * @param {Function} actions.onUpload uploads a file to a room (RestClient.uploadFile)
   * @param {import('./files.js').FileLinks} actions.fileLinks signed links of attachments
   * @param {() => void} actions.onNearTop
   * @param {(clientMsgId: string) => void} actions.onRetry
   * @param {() => void} actions.onBack
   * @param {(username: string) => Promise<void>} actions.onAddMember
   * @param {(text: string) => void} actions.onComposerInput every edit of the composer
   * @param {(seq: number) => void} actions.onMessagesSeen messages of others up to seq are on screen
   * @param {(userId: string) => Promise<void>} actions.onRemoveMember removes a member (myself: leave)
   * @param {() => Promise<void>} actions.onDeleteRoom deletes the open room
   * @param {(name: string) => Promise<void>} actions.onRenameRoom renames the open group room
   * @param {(seq: number, text: string) => Promise<void>} actions.onEdit edits my message of the open room
   * @param {(seq: number) => Promise<void>} actions.onDelete deletes a message of the open room
   * @param {(seq: number, emoji: string, on: boolean) => Promise<void>} actions.onReact my reaction on or off
   * @param {(seq: number) => void} actions.onJump shows a message of the open room that is not on screen
   * @param {(userId: string, action: string) => Promise<void>} actions.onModerate a member menu's action
   */
  constructor(store, actions) {
    this.store = store;
    this.actions = actions;
    this.nodes = new Map(); // seq → li, for the open room
    this.pendingNodes = new Map(); // clientMsgId → li

    this.screen = document.getElementById('chat-screen');
    this.title = document.getElementById('room-title');
    this.roomPresence = document.getElementById('room-presence');
    this.subtitleText = document.getElementById('room-subtitle-text');
    this.presenceText = document.getElementById('room-presence-text');
    this.typingLine = document.getElementById('typing-line');
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
    this.splitButton = document.getElementById('composer-split');
    this.jumpButton = document.getElementById('jump-unread');
    this.membersToggle = document.getElementById('members-toggle');
    this.membersPanel = document.getElementById('members-panel');
    this.memberList = document.getElementById('member-list');
    this.membersError = document.getElementById('members-error');
    this.renameForm = document.getElementById('rename-form');
    this.renameInput = document.getElementById('rename-input');
    this.leaveButton = document.getElementById('leave-room');
    this.leaveConfirmRow = document.getElementById('leave-confirm-row');
    this.deleteRoomButton = document.getElementById('delete-room');
    this.deleteRoomConfirmRow = document.getElementById('delete-room-confirm-row');
    this.emoji = new EmojiPicker(this.composer);
    this.files = new ComposerFiles({
      upload: actions.onUpload,
      roomId: () => this.store.openRoomId,
      showError: (message) => this.showComposerError(message),
    });
    this.replyBar = document.getElementById('reply-bar');
    this.replyName = document.getElementById('reply-to-name');
    this.replyExcerpt = document.getElementById('reply-excerpt');
    this.panel = null; // {seq, kind: 'react'|'menu'|'confirm-delete'}: the one message panel open
    this.memberMenu = null; // the userId whose moderation menu is open
    this.editing = null; // {seq, text, error}: my message being edited in place
    this.replyTo = null; // the message the composer answers: {seq, senderId, text}
    this.draftRoomId = null; // the room whose draft the composer holds
    this.divider = null; // the "new messages" divider of the open room, if it has one

    // Messages of others on screen now (seqs), fed by an IntersectionObserver: what read
    // receipts are made of.
    this.visibleSeqs = new Set();
    this.readObserver = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => this.handleIntersections(entries), {
          root: this.scroller,
          threshold: SEEN_THRESHOLDS,
        })
      : null;

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
    this.composer.addEventListener('input', () => {
      if (this.draftRoomId) this.store.setDraft(this.draftRoomId, this.composer.value);
      this.updateCounter();
      this.actions.onComposerInput(this.composer.value);
    });
    this.splitButton.addEventListener('click', () => this.sendSplit());
    this.scroller.addEventListener('scroll', () => {
      if (this.scroller.scrollTop <= LOAD_OLDER_THRESHOLD_PX) this.actions.onNearTop();
      this.updateJumpButton();
    }, { passive: true });
    this.jumpButton.addEventListener('click', () => this.scrollToDivider());
    this.membersToggle.addEventListener('click', () => this.toggleMembers());
    this.memberList.addEventListener('click', (event) => {
      const button = event.target.closest('button.remove');
      const li = button && button.closest('li[data-user-id]');
      if (li) this.removeMember(li.dataset.userId, button);
      const control = event.target.closest('button[data-member-action]');
      const member = control && control.closest('li[data-user-id]');
      if (member) this.memberAction(member.dataset.userId, control);
    });
    this.renameForm.addEventListener('submit', (event) => {
      event.preventDefault();
      this.renameRoom(this.renameInput.value.trim(), this.renameForm.querySelector('button'));
    });
    this.leaveButton.addEventListener('click', () => this.askToLeave(true));
    document.getElementById('leave-cancel').addEventListener('click', () => this.askToLeave(false));
    document.getElementById('leave-confirm').addEventListener('click', (event) => {
      this.removeMember(this.store.me?.userId, event.currentTarget);
    });
    this.deleteRoomButton.addEventListener('click', () => this.askToDeleteRoom(true));
    document.getElementById('delete-room-cancel').addEventListener('click', () => this.askToDeleteRoom(false));
    document.getElementById('delete-room-confirm').addEventListener('click', (event) => this.deleteRoom(event.currentTarget));
    this.addMemberInput.addEventListener('input', () => {
      if (!this.addMemberInput.value.trim()) showError(this.addMemberError, '');
    });
    this.list.addEventListener('click', (event) => {
      const retry = event.target.closest('button.retry');
      const li = retry && retry.closest('li[data-client-msg-id]');
      if (li) this.actions.onRetry(li.dataset.clientMsgId);
      const action = event.target.closest('[data-action]');
      const message = action && action.closest('li[data-seq]');
      if (message) this.messageAction(Number(message.dataset.seq), action);
      // Touch screens have no hover: a tap on a message shows its actions (CSS, hover: none).
      const tapped = !action && !event.target.closest('a, button, textarea') && event.target.closest('li.message[data-seq]');
      if (tapped) {
        for (const other of this.list.querySelectorAll('li.message.touched')) if (other !== tapped) other.classList.remove('touched');
        tapped.classList.toggle('touched');
      }
    });
    this.list.addEventListener('submit', (event) => {
      const message = event.target.closest('li[data-seq]');
      if (!message) return;
      event.preventDefault();
      this.saveEdit(Number(message.dataset.seq), event.target);
    });
    this.list.addEventListener('keydown', (event) => {
      const message = event.target.closest('li[data-seq]');
      if (!message) return;
      if (event.key === 'Escape' && (this.editing || this.panel)) {
        event.preventDefault();
        if (this.editing && event.target.matches('textarea.edit-text')) this.cancelEdit();
        else this.closePanel();
        return;
      }
      if (event.target.matches('textarea.edit-text') && event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.saveEdit(Number(message.dataset.seq), event.target.form);
      }
    });
    // A click outside the open panel closes it.
    document.addEventListener('pointerdown', (event) => {
      if (!this.panel) return;
      const li = this.nodes.get(this.panel.seq);
      if (!li || !li.querySelector('.message-actions')?.contains(event.target)) this.closePanel();
    });
    document.getElementById('reply-cancel').addEventListener('click', () => {
      this.setReplyTo(null);
      this.composer.focus();
    });
    document.getElementById('back-to-rooms').addEventListener('click', () => {
      showRoomInUrl(null);
      this.actions.onBack();
    });
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
        showError(this.addMemberError, humanError(error));
      } finally {
        this.addMemberButton.disabled = false;
      }
    });
  }

  submit() {
    const text = this.composer.value;
    if (!this.store.openRoomId) return;
    if (this.files.busy) {
      this.showComposerError('Please wait until the files are uploaded, or cancel them.');
      return;
    }
    if (!text.trim() && !this.files.fileIds.length) return;
    const length = codePointLength(text);
    if (length > MAX_TEXT_LENGTH) {
      // Refused whole rather than cut: the writer decides what goes (shorten it, or split it).
      const parts = splitMessage(text, MAX_TEXT_LENGTH);
      this.showComposerError(
        `This message has ${length} characters; one message can have at most ${MAX_TEXT_LENGTH}. `
          + `Shorten it, or send it as ${parts.length} messages.`,
      );
      this.splitButton.textContent = `Send as ${parts.length} messages`;
      this.splitButton.hidden = false;
      return;
    }
    this.sendTexts([text]);
  }

  /** Sends the over-long text in parts, each within the limit, cut between paragraphs, lines or words. */
  sendSplit() {
    const text = this.composer.value;
    if (!text.trim() || !this.store.openRoomId) return;
    this.sendTexts(splitMessage(text, MAX_TEXT_LENGTH));
  }

  sendTexts(texts) {
    this.showComposerError('');
    // The files go with the first part: they belong to what is said first.
    const attachments = this.files.fileIds;
    const replyTo = this.replyTo ? this.replyTo.seq : null;
    texts.forEach((text, i) => this.actions.onSend(text, i === 0 ? attachments : [], i === 0 ? replyTo : null));
    this.files.clear();
    this.setReplyTo(null);
    this.composer.value = '';
    if (this.draftRoomId) this.store.setDraft(this.draftRoomId, '');
    this.updateCounter();
    this.composer.focus();
  }

  updateCounter() {
    const length = codePointLength(this.composer.value);
    const over = length > MAX_TEXT_LENGTH;
    this.counter.textContent = length >= COUNTER_FROM ? `${length} / ${MAX_TEXT_LENGTH}` : '';
    this.counter.classList.toggle('over', over);
    // An error about what was in the composer goes once the text is fixed or cleared.
    if (!over) this.showComposerError('');
  }

  showComposerError(message) {
    showError(this.composerError, message);
    if (!message) this.splitButton.hidden = true;
  }

  // --- header ---

  showNoRoom() {
    this.screen.classList.remove('room-open');
    this.title.textContent = 'No room selected';
    this.subtitleText.textContent = 'Pick a room or start a conversation.';
    this.showPresence(null);
    this.setTyping('');
    this.clearMessages();
    this.setHistoryStatus('');
    this.emptyHint.hidden = true;
    this.composer.disabled = true;
    this.sendButton.disabled = true;
    this.emoji.disabled = true;
    this.files.disabled = true;
    this.files.clear();
    this.resetMessageState();
    this.showDraft(null);
    this.addMemberForm.hidden = true;
    this.membersToggle.hidden = true;
    this.showMembers(false);
    showError(this.addMemberError, '');
    this.showComposerError('');
  }

  /** The composer shows the draft of `roomId` (none: empty). */
  showDraft(roomId) {
    this.draftRoomId = roomId;
    this.composer.value = roomId ? this.store.draft(roomId) : '';
    this.updateCounter();
  }

  /** Switches the pane to a room (messages are rendered separately). */
  showRoom(room) {
    this.screen.classList.add('room-open');
    this.updateHeader(room);
    this.clearMessages();
    this.composer.disabled = false;
    this.sendButton.disabled = false;
    this.emoji.disabled = false;
    this.files.disabled = false;
    this.files.clear(); // files chosen for another room do not follow to this one
    this.resetMessageState(); // nor a reply, an edit or an open panel
    this.showComposerError('');
    this.showDraft(room.roomId);
    this.showMembers(false);
    showError(this.addMemberError, '');
    this.addMemberInput.value = '';
    showRoomInUrl(room.roomId);
    // On a phone, focusing would pop the keyboard over the messages just opened.
    if (window.matchMedia('(min-width: 641px)').matches) this.composer.focus();
  }

  updateHeader(room) {
    this.title.textContent = this.store.roomName(room);
    const members = Array.isArray(room.members) ? room.members : [];
    if (room.type === 'direct') {
      const other = members.find((m) => m.userId !== this.store.me?.userId);
      const username = other && this.store.usernameOf(other.userId);
      this.subtitleText.textContent = username ? `Direct message · @${username}` : 'Direct message';
    } else {
      this.subtitleText.textContent = `${members.length} member${members.length === 1 ? '' : 's'}`;
    }
    this.updatePresence(room);
    this.addMemberForm.hidden = !roomPermissions(room, this.store.me).may(Permission.ADD_MEMBER);
    this.membersToggle.hidden = room.type !== 'group';
    if (!this.membersPanel.hidden) this.renderMembers(room);
  }

  // --- members ---

  toggleMembers() {
    this.showMembers(this.membersPanel.hidden);
  }

  showMembers(show) {
    const room = show ? this.store.rooms.get(this.store.openRoomId) : null;
    this.membersPanel.hidden = !room;
    this.membersToggle.setAttribute('aria-expanded', String(Boolean(room)));
    this.memberMenu = null;
    this.askToLeave(false);
    this.askToDeleteRoom(false);
    showError(this.membersError, '');
    if (room) this.renderMembers(room);
  }

  /**
   * Who is in the room, with their role and mute; a Remove button and a moderation menu where
   * docs/roles.md lets me act on them (never on myself: leaving is the button below).
   */
  renderMembers(room) {
    const me = this.store.me;
    const members = Array.isArray(room.members) ? room.members : [];
    const permissions = roomPermissions(room, me);
    const actionsOn = (m) => (m.userId === me?.userId ? [] : memberActions(m, (permission) => permissions.may(permission, m.userId)));
    const canRename = permissions.may(Permission.RENAME);
    const canDelete = permissions.may(Permission.ROOM_DELETE);
    if (!canDelete) this.askToDeleteRoom(false);
    this.deleteRoomButton.hidden = !canDelete || !this.deleteRoomConfirmRow.hidden;
    this.renameForm.hidden = !canRename;
    if (canRename && document.activeElement !== this.renameInput) this.renameInput.value = room.name || '';
    this.memberList.replaceChildren(...members.map((m) => {
      const presence = this.store.presenceOf(m.userId);
      const username = this.store.usernameOf(m.userId);
      return h(
        'li',
        { className: 'member', dataset: { userId: m.userId } },
        h('span', { className: 'presence-dot', 'aria-hidden': 'true', dataset: presence ? { status: presence.status } : {}, hidden: !presence }),
        h('span', { className: 'member-name' }, this.store.nameOf(m.userId), m.userId === me?.userId ? ' (you)' : ''),
        username ? h('span', { className: 'user-handle' }, `@${username}`) : null,
        m.role !== 'member' ? h('span', { className: 'role' }, m.role) : null,
        isMutedNow(m)
          ? h('span', { className: 'muted', title: m.mutedUntil ? `Muted until ${formatFullTime(m.mutedUntil)}` : 'Muted until a moderator unmutes them' }, 'muted')
          : null,
        actionsOn(m).length
          ? h('button', { type: 'button', className: 'ghost member-menu-button', dataset: { memberAction: 'open' }, 'aria-haspopup': 'menu',
              'aria-expanded': String(this.memberMenu === m.userId), 'aria-label': `Moderate ${this.store.nameOf(m.userId)}` }, '⋯')
          : null,
        permissions.may(Permission.REMOVE_MEMBER, m.userId) && m.userId !== me?.userId
          ? h('button', { type: 'button', className: 'remove', 'aria-label': `Remove ${this.store.nameOf(m.userId)}` }, 'Remove')
          : null,
        this.memberMenu === m.userId && actionsOn(m).length ? memberMenuNode(actionsOn(m)) : null,
      );
    }));
  }

  /** A member menu's control: open or close it, or one of its moderation actions. */
  async memberAction(userId, control) {
    const action = control.dataset.memberAction;
    const room = this.store.rooms.get(this.store.openRoomId);
    if (action === 'open') {
      this.memberMenu = this.memberMenu === userId ? null : userId;
      if (room) this.renderMembers(room);
      this.memberList.querySelector(`li[data-user-id="${CSS.escape(userId)}"] .member-menu button`)?.focus();
      return;
    }
    showError(this.membersError, '');
    control.disabled = true;
    try {
      await this.actions.onModerate(userId, action);
      this.memberMenu = null;
      const now = this.store.rooms.get(this.store.openRoomId);
      if (now && !this.membersPanel.hidden) this.renderMembers(now);
    } catch (error) {
      showError(this.membersError, humanError(error));
      control.disabled = false;
    }
  }

  askToLeave(ask) {
    this.leaveButton.hidden = ask;
    this.leaveConfirmRow.hidden = !ask;
    if (ask) document.getElementById('leave-confirm').focus();
  }

  askToDeleteRoom(ask) {
    this.deleteRoomButton.hidden = ask;
    this.deleteRoomConfirmRow.hidden = !ask;
    if (ask) document.getElementById('delete-room-confirm').focus();
  }

  async deleteRoom(button) {
    showError(this.membersError, '');
    button.disabled = true;
    try {
      await this.actions.onDeleteRoom();
    } catch (error) {
      showError(this.membersError, humanError(error));
    } finally {
      button.disabled = false;
    }
  }

  async renameRoom(name, button) {
    showError(this.membersError, '');
    if (!name) {
      showError(this.membersError, 'A room needs a name.');
      return;
    }
    button.disabled = true;
    try {
      await this.actions.onRenameRoom(name);
    } catch (error) {
      showError(this.membersError, humanError(error));
    } finally {
      button.disabled = false;
    }
  }

  async removeMember(userId, button) {
    if (!userId) return;
    showError(this.membersError, '');
    button.disabled = true;
    try {
      await this.actions.onRemoveMember(userId);
    } catch (error) {
      showError(this.membersError, humanError(error));
    } finally {
      button.disabled = false;
    }
  }

  /**
   * The header's presence: the peer's dot and status (or "last seen") in a direct room, how
   * many members are around in a group.
   */
  updatePresence(room) {
    if (room.type === 'direct') {
      this.showPresence(this.store.presenceOf(this.store.directPeer(room)));
      return;
    }
    this.showPresence(null);
    const members = Array.isArray(room.members) ? room.members : [];
    const me = this.store.me?.userId;
    // Without any presence known (not loaded yet, unavailable, or we are offline) a count would
    // only mislead.
    if (!this.store.presenceKnown) return;
    if (!members.some((m) => m.userId !== me && this.store.presence.has(m.userId))) return;
    const around = members.filter((m) => m.userId === me || isAround(this.store.presenceOf(m.userId))).length;
    this.presenceText.textContent = ` · ${around} online`;
  }

  showPresence(presence) {
    this.roomPresence.hidden = !presence;
    if (presence) {
      this.roomPresence.dataset.status = presence.status;
      this.roomPresence.title = presenceText(presence);
      this.presenceText.textContent = ` · ${presenceText(presence)}`;
    } else {
      delete this.roomPresence.dataset.status; // no stale status for tests or styles to find
      this.roomPresence.removeAttribute('title');
      this.presenceText.textContent = '';
    }
  }

  /** The "… is typing" line under the messages; empty text hides it. */
  setTyping(text) {
    if (this.typingLine.textContent !== text) this.typingLine.textContent = text;
    this.typingLine.hidden = !text;
  }

  /** Shows `text` above the messages (loading, errors, start of the conversation). */
  setHistoryStatus(text) {
    this.historyStatus.textContent = text;
    this.historyStatus.hidden = !text;
  }

  // --- messages ---

  clearMessages() {
    if (this.readObserver) this.readObserver.disconnect();
    this.visibleSeqs.clear();
    this.nodes.clear();
    this.pendingNodes.clear();
    this.list.replaceChildren();
    this.divider = null;
    this.jumpButton.hidden = true;
  }

  /**
   * Renders a room's whole timeline (on open). With `firstUnreadSeq`, a "new messages" divider
   * goes above that message and the pane opens there, so only what comes on screen is read;
   * otherwise it opens at the newest message.
   */
  renderTimeline(timeline, { firstUnreadSeq = null, unread = 0 } = {}) {
    this.clearMessages();
    const fragment = document.createDocumentFragment();
    const added = [];
    const marker = this.openRoomMarker();
    for (const message of timeline.sorted()) {
      if (firstUnreadSeq !== null && message.seq === firstUnreadSeq) {
        this.divider = h('li', { className: 'unread-divider', id: 'unread-divider' },
          h('span', {}, unread > 1 ? `${unread} new messages` : 'New message'));
        fragment.append(this.divider);
      }
      const li = this.messageNode(message, marker);
      this.nodes.set(message.seq, li);
      fragment.append(li);
      added.push([li, message]);
    }
    for (const pending of timeline.pending.values()) {
      const li = this.pendingNode(pending);
      this.pendingNodes.set(pending.clientMsgId, li);
      fragment.append(li);
    }
    this.list.append(fragment);
    this.updateEmptyHint(timeline);
    if (this.divider) this.scrollToDivider();
    else this.scrollToBottom();
    for (const [li, message] of added) this.watch(li, message);
  }

  /** Brings the "new messages" divider to the top of the pane. */
  scrollToDivider() {
    if (!this.divider) return;
    const offset = this.divider.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top;
    this.scroller.scrollTop += offset - DIVIDER_MARGIN_PX;
    this.updateJumpButton();
  }

  /** "Jump to first unread" shows while the divider is out of sight. */
  updateJumpButton() {
    if (!this.divider) {
      this.jumpButton.hidden = true;
      return;
    }
    const d = this.divider.getBoundingClientRect();
    const s = this.scroller.getBoundingClientRect();
    this.jumpButton.hidden = d.bottom > s.top && d.top < s.bottom;
    this.jumpButton.textContent = d.top < s.top ? '↑ Jump to first unread' : '↓ Jump to first unread';
  }

  updateEmptyHint(timeline) {
    this.emptyHint.hidden = !(timeline.loaded && this.list.childElementCount === 0);
  }

  /** Adds a new message in seq order, or replaces the shown copy of an edited one. */
  upsertMessage(message, timeline) {
    const follow = this.isNearBottom() || message.senderId === this.store.me?.userId;
    const old = this.nodes.get(message.seq);
    // An edit in progress keeps what was typed when the message is drawn again.
    const area = this.editing && this.editing.seq === message.seq && old ? old.querySelector('textarea.edit-text') : null;
    if (area) this.editing.text = area.value;
    const li = this.messageNode(message);
    if (old) {
      if (this.readObserver) this.readObserver.unobserve(old);
      old.replaceWith(li);
    } else {
      this.insertSorted(li, message.seq);
    }
    this.nodes.set(message.seq, li);
    if (timeline) this.updateEmptyHint(timeline);
    if (follow && !old) this.scrollToBottom();
    this.watch(li, message);
  }

  /** Adds older messages above the ones shown without moving what the reader is looking at. */
  prependOlder(messages) {
    const oldHeight = this.scroller.scrollHeight;
    const oldTop = this.scroller.scrollTop;
    const marker = this.openRoomMarker();
    for (const message of messages) {
      if (this.nodes.has(message.seq)) continue;
      const li = this.messageNode(message, marker);
      this.insertSorted(li, message.seq);
      this.nodes.set(message.seq, li);
      this.watch(li, message);
    }
    this.scroller.scrollTop = oldTop + (this.scroller.scrollHeight - oldHeight);
  }

  // --- read receipts and marks ---

  /** Messages of others are watched for being on screen (mine need no read receipt). */
  watch(li, message) {
    if (this.readObserver && message.senderId !== this.store.me?.userId) this.readObserver.observe(li);
  }

  handleIntersections(entries) {
    for (const entry of entries) {
      const seq = Number(entry.target.dataset.seq);
      if (!Number.isInteger(seq)) continue;
      if (isSeen(entry) && entry.target.isConnected) this.visibleSeqs.add(seq);
      else this.visibleSeqs.delete(seq);
    }
    const seq = this.maxVisibleSeq();
    if (seq) this.actions.onMessagesSeen(seq);
  }

  /** The highest seq of a message of others on screen now, 0 if none. */
  maxVisibleSeq() {
    let max = 0;
    for (const seq of this.visibleSeqs) if (seq > max) max = seq;
    return max;
  }

  /** The open room's receipt marker, built once for a batch of messages. */
  openRoomMarker() {
    const room = this.store.rooms.get(this.store.openRoomId);
    return room ? this.store.receiptMarker(room) : undefined;
  }

  /** Redraws the marks of my messages after watermarks or members changed. */
  refreshReceiptMarks(room) {
    if (!room || room.roomId !== this.store.openRoomId) return;
    const marker = this.store.receiptMarker(room);
    for (const [seq, li] of this.nodes) {
      const node = li.querySelector('.receipt-mark, .read-by');
      if (node) applyMark(node, marker(seq));
    }
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

  messageNode(message, marker) {
    const own = message.senderId === this.store.me?.userId;
    const room = own ? this.store.rooms.get(this.store.openRoomId) : null;
    const mark = room ? (marker || this.store.receiptMarker(room))(message.seq) : null;
    const classes = ['message'];
    if (own) classes.push('own');
    if (message.deleted) classes.push('deleted');
    if (!own && this.mentionsMe(message)) classes.push('mentions-me');
    const attachments = Array.isArray(message.attachments) ? message.attachments : [];
    const editing = this.editing && this.editing.seq === message.seq && own && !message.deleted ? this.editing : null;
    const panel = this.panel && this.panel.seq === message.seq && !message.deleted ? this.panel.kind : null;
    const reactions = Array.isArray(message.reactions) && !message.deleted ? message.reactions : [];
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
        mark ? markNode(mark) : null,
      ),
      message.quote && !message.deleted ? this.quoteOf(message.quote) : null,
      // dir=auto isolates the text: a bidi override in it cannot reorder the page around it.
      editing
        ? editorNode(editing.text, editing.error)
        : h('div', { className: 'text', dir: 'auto' },
            message.deleted ? DELETED_TEXT : renderText(message.text || '', { myUsername: this.store.me?.username })),
      reactions.length
        ? reactionsNode(reactions, { nameOf: (userId) => this.store.nameOf(userId), isMine: (r) => this.isMyReaction(message, r) })
        : null,
      message.deleted ? null : actionsNode({ canEdit: own, canDelete: this.mayDelete(message), panel }),
      attachments.length && !message.deleted
        ? h(
            'ul',
            { className: 'attachments' },
            attachments.map((file) => attachmentNode(file, this.actions.fileLinks)),
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
      pending.replyTo ? this.quoteOf(this.quoteOfHeld(pending.replyTo)) : null,
      h('div', { className: 'text', dir: 'auto' }, renderText(pending.text, { myUsername: this.store.me?.username })),
      pending.attachments && pending.attachments.length
        ? h('div', { className: 'attachments' }, `📎 ${pending.attachments.length} file${pending.attachments.length === 1 ? '' : 's'}`)
        : null,
    );
  }

  // --- edits, deletes, reactions, replies ---

  resetMessageState() {
    this.panel = null;
    this.editing = null;
    this.setReplyTo(null);
  }

  /** The open room's held copy of a message. */
  heldMessage(seq) {
    return this.store.timelines.get(this.store.openRoomId)?.messages.get(seq) || null;
  }

  /** Draws a held message again (a panel opened or closed, an edit began or ended). */
  redraw(seq) {
    const message = this.heldMessage(seq);
    if (message && this.nodes.has(seq)) this.upsertMessage(message);
  }

  /** My own messages, and others' where docs/roles.md allows (never an owner's for a moderator). */
  mayDelete(message) {
    if (message.senderId === this.store.me?.userId) return true;
    return roomPermissions(this.store.rooms.get(this.store.openRoomId), this.store.me)
      .may(Permission.DELETE_OTHERS_MESSAGES, message.senderId);
  }

  /**
   * Whether a reaction is mine: the server's list says so when it is complete; past
   * REACTION_NAMES_SHOWN names it is cut, and what this page last set counts.
   */
  isMyReaction(message, reaction) {
    const me = this.store.me?.userId;
    const userIds = Array.isArray(reaction.userIds) ? reaction.userIds : [];
    if (userIds.includes(me)) return true;
    if (userIds.length >= reaction.count) return false;
    return this.store.myReaction(message.roomId || this.store.openRoomId, message.seq, reaction.emoji) === true;
  }

  /** A quote as the server stored it; deleted when the page holds the quoted message deleted. */
  quoteOf(quote) {
    const held = this.heldMessage(quote.seq);
    return quoteNode(quote, { senderName: this.store.nameOf(quote.senderId), deleted: Boolean(quote.deleted || held?.deleted) });
  }

  /** What a pending reply quotes, from the held message it answers. */
  quoteOfHeld(seq) {
    const held = this.heldMessage(seq);
    return { seq, senderId: held?.senderId, excerpt: held ? [...(held.text || '')].slice(0, 100).join('') : '', deleted: Boolean(held?.deleted) };
  }

  /** Replies on screen to `seq` show their quote again (it was deleted). */
  redrawRepliesTo(seq) {
    for (const [replySeq] of this.nodes) {
      if (this.heldMessage(replySeq)?.replyTo === seq) this.redraw(replySeq);
    }
  }

  /** A click on one of a stored message's controls. */
  messageAction(seq, control) {
    const action = control.dataset.action;
    const message = this.heldMessage(seq);
    if (!message) return;
    switch (action) {
      case 'open-react':
      case 'open-menu': {
        const kind = action === 'open-react' ? 'react' : 'menu';
        this.openPanel(this.panel && this.panel.seq === seq && this.panel.kind === kind ? null : { seq, kind });
        break;
      }
      case 'close-panel':
        this.closePanel();
        break;
      case 'react':
        this.closePanel();
        this.react(message, control.dataset.emoji, true);
        break;
      case 'toggle-reaction': {
        const reaction = (message.reactions || []).find((r) => r.emoji === control.dataset.emoji);
        if (reaction) this.react(message, reaction.emoji, !this.isMyReaction(message, reaction));
        break;
      }
      case 'reply':
        this.closePanel();
        this.setReplyTo(message);
        this.composer.focus();
        break;
      case 'edit':
        this.panel = null;
        this.editing = { seq, text: message.text || '', error: '' };
        this.redraw(seq);
        this.nodes.get(seq)?.querySelector('textarea.edit-text')?.focus();
        break;
      case 'cancel-edit':
        this.cancelEdit();
        break;
      case 'delete':
        this.openPanel({ seq, kind: 'confirm-delete' });
        break;
      case 'confirm-delete':
        this.closePanel();
        this.actions.onDelete(seq).catch((error) => this.showComposerError(`Could not delete the message: ${humanError(error)}`));
        break;
      case 'jump':
        this.jumpTo(Number(control.dataset.quoteSeq));
        break;
      default:
        break;
    }
  }

  openPanel(panel) {
    const previous = this.panel;
    this.panel = panel;
    if (previous && (!panel || previous.seq !== panel.seq)) this.redraw(previous.seq);
    if (panel) {
      this.redraw(panel.seq);
      this.nodes.get(panel.seq)?.querySelector('.reaction-picker button, .message-menu button')?.focus();
    }
  }

  closePanel() {
    if (this.panel) this.openPanel(null);
  }

  react(message, emoji, on) {
    this.actions.onReact(message.seq, emoji, on).catch((error) => this.showComposerError(`Could not react: ${humanError(error)}`));
  }

  cancelEdit() {
    const seq = this.editing && this.editing.seq;
    this.editing = null;
    if (seq) {
      this.redraw(seq);
      this.nodes.get(seq)?.querySelector('button[data-action="open-menu"]')?.focus();
    }
  }

  async saveEdit(seq, form) {
    if (!this.editing || this.editing.seq !== seq) return;
    const text = form.querySelector('textarea.edit-text').value;
    const message = this.heldMessage(seq);
    if (!message) return;
    if (text === message.text) {
      this.cancelEdit();
      return;
    }
    this.editing.text = text;
    if (codePointLength(text) > MAX_TEXT_LENGTH) {
      this.editing.error = `A message can have at most ${MAX_TEXT_LENGTH} characters.`;
      this.redraw(seq);
      return;
    }
    for (const button of form.querySelectorAll('button')) button.disabled = true;
    try {
      await this.actions.onEdit(seq, text);
      if (this.editing && this.editing.seq === seq) this.cancelEdit();
    } catch (error) {
      if (!this.editing || this.editing.seq !== seq) return;
      this.editing.error = humanError(error);
      this.redraw(seq);
      this.nodes.get(seq)?.querySelector('textarea.edit-text')?.focus();
    }
  }

  /** The message the composer answers (null: none); shown above the composer. */
  setReplyTo(message) {
    this.replyTo = message ? { seq: message.seq, senderId: message.senderId } : null;
    this.replyBar.hidden = !message;
    this.replyName.textContent = message ? this.store.nameOf(message.senderId) : '';
    this.replyExcerpt.textContent = message ? (message.deleted ? DELETED_TEXT : [...(message.text || '')].slice(0, 100).join('')) : '';
  }

  /** Brings a message of the open room on screen, briefly marked; one not held is the controller's to load. */
  jumpTo(seq) {
    const li = this.nodes.get(seq);
    if (!li) {
      this.actions.onJump(seq);
      return;
    }
    li.scrollIntoView({ block: 'center' });
    li.classList.remove('highlight');
    void li.offsetWidth; // restart the highlight's animation
    li.classList.add('highlight');
  }

  /** The server lists the members a message mentions (docs/protocol.md, Mentions). */
  mentionsMe(message) {
    const me = this.store.me?.userId;
    return Boolean(me) && Array.isArray(message.mentions) && message.mentions.includes(me);
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

/** Half of the message, or half of the pane for a message taller than it, is on screen. */
function isSeen(entry) {
  if (!entry.isIntersecting) return false;
  if (entry.intersectionRatio >= 0.5) return true;
  return Boolean(entry.rootBounds) && entry.intersectionRect.height >= entry.rootBounds.height / 2;
}

function markNode(mark) {
  const node = h('span', { className: mark.type === 'direct' ? 'receipt-mark' : 'read-by' });
  applyMark(node, mark);
  return node;
}

/** Updates a mark in place, so a receipt does not rebuild (or re-observe) the message. */
function applyMark(node, mark) {
  if (mark.type === 'direct') {
    if (node.dataset.state === mark.state) return;
    node.dataset.state = mark.state;
    node.textContent = RECEIPT_GLYPH[mark.state];
    node.title = RECEIPT_LABEL[mark.state];
    node.setAttribute('aria-label', RECEIPT_LABEL[mark.state]);
  } else {
    const count = String(mark.count);
    if (node.dataset.count === count) return;
    node.dataset.count = count;
    node.textContent = mark.count > 0 ? `read by ${mark.count}` : '';
    node.title = `Read by ${mark.count} of ${mark.of}`;
    node.hidden = mark.count === 0;
  }
}

function isoTime(ts) {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * Cuts a text into parts of at most `max` code points, preferring to cut after a blank line,
 * then a line, then a space; a part never starts or ends with the whitespace it was cut at.
 */
export function splitMessage(text, max) {
  const parts = [];
  let rest = [...text];
  while (rest.length > max) {
    const window = rest.slice(0, max + 1).join('');
    let cut = -1;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(separator);
      if (at > 0) {
        cut = [...window.slice(0, at)].length;
        break;
      }
    }
    if (cut <= 0) cut = max; // one unbroken word: cut it
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = [...rest.slice(cut).join('').trimStart()];
  }
  if (rest.length) parts.push(rest.join(''));
  return parts.filter((part) => part.trim());
}

/** A mute the server reported and whose end has not passed since (the server compares at each send). */
function isMutedNow(member) {
  return member.muted === true && !(Number(member.mutedUntil) <= Date.now());
}

const MEMBER_ACTION_LABELS = {
  mute: 'Mute for 1 hour',
  unmute: 'Unmute',
  kick: 'Kick from the room',
  ban: 'Ban from the room',
  'make-owner': 'Make owner',
  'make-moderator': 'Make moderator',
  'make-member': 'Make member',
};
const DANGEROUS_MEMBER_ACTIONS = new Set(['kick', 'ban']);

/** The moderation menu's actions on a member that `may` (docs/roles.md, for me) allows. */
function memberActions(member, may) {
  const actions = [];
  if (may(Permission.MUTE)) actions.push(isMutedNow(member) ? 'unmute' : 'mute');
  if (may(Permission.REMOVE_MEMBER)) actions.push('kick');
  if (may(Permission.BAN)) actions.push('ban');
  if (may(Permission.CHANGE_ROLE)) {
    for (const role of ['owner', 'moderator', 'member']) if (member.role !== role) actions.push(`make-${role}`);
  }
  return actions;
}

function memberMenuNode(actions) {
  return h(
    'div',
    { className: 'member-menu', role: 'menu', 'aria-label': 'Moderation' },
    actions.map((action) => h('button', { type: 'button', role: 'menuitem', className: DANGEROUS_MEMBER_ACTIONS.has(action) ? 'danger-outline' : undefined,
      dataset: { memberAction: action } }, MEMBER_ACTION_LABELS[action])),
  );
}
