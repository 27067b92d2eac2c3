// The sidebar: room list, "direct message" search and "new group room" form.
// Lists are updated in place (keyed by id) rather than rebuilt, so an element a user (or a
// test) is about to click is not swapped out underneath them by a live update.

import { humanError } from './errors.js';
import { presenceText } from './presence.js';
import { debounce, h, showError } from './util.js';

/** Wait for a pause in typing before searching users. */
export const SEARCH_DEBOUNCE_MS = 250;

export class SidebarView {
  /**
   * @param {import('./store.js').Store} store
   * @param {object} actions
   * @param {(roomId: string) => void} actions.onOpenRoom
   * @param {(query: string) => void} actions.onDirectSearch
   * @param {(user: object) => Promise<void>} actions.onDirectPick
   * @param {(name: string, usernames: string[]) => Promise<void>} actions.onCreateRoom
   */
  constructor(store, actions) {
    this.store = store;
    this.actions = actions;
    this.roomList = document.getElementById('room-list');
    this.roomsEmpty = document.getElementById('room-list-empty');
    this.roomNodes = new Map(); // roomId → li
    /** Called with the sum of all unread counts whenever the list is drawn (the tab title shows it). */
    this.onUnreadTotal = null;

    this.directForm = document.getElementById('direct-form');
    this.directQuery = document.getElementById('direct-query');
    this.directResults = document.getElementById('direct-results');
    this.directHint = document.getElementById('direct-hint');
    this.directError = document.getElementById('direct-error');
    this.userNodes = new Map(); // userId → li

    this.newRoomForm = document.getElementById('new-room-form');
    this.newRoomName = document.getElementById('new-room-name');
    this.newRoomMembers = document.getElementById('new-room-members');
    this.newRoomCreate = document.getElementById('new-room-create');
    this.newRoomError = document.getElementById('new-room-error');

    this.bindRoomList();
    this.bindDirect();
    this.bindNewRoom();
  }

  // --- room list ---

  bindRoomList() {
    // Each room is a link to its URL (#/rooms/<id>), so it can be opened in a new tab too; a
    // plain click opens it here directly (the address bar follows).
    this.roomList.addEventListener('click', (event) => {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const li = event.target.closest('li[data-room-id]');
      if (!li) return;
      event.preventDefault();
      this.actions.onOpenRoom(li.dataset.roomId);
    });
  }

  /** Brings #room-list in line with the store: order, names, presence, unread counts, the open room. */
  renderRooms() {
    const rooms = this.store.orderedRooms();
    const seen = new Set();
    let previous = null;
    for (const room of rooms) {
      seen.add(room.roomId);
      let li = this.roomNodes.get(room.roomId);
      if (!li) {
        li = this.createRoomNode(room.roomId);
        this.roomNodes.set(room.roomId, li);
      }
      this.updateRoomNode(li, room);
      // Move only nodes that are out of place; moving keeps the element (and its identity).
      const expectedNext = previous ? previous.nextElementSibling : this.roomList.firstElementChild;
      if (expectedNext !== li) this.roomList.insertBefore(li, expectedNext);
      previous = li;
    }
    for (const [roomId, li] of this.roomNodes) {
      if (!seen.has(roomId)) {
        li.remove();
        this.roomNodes.delete(roomId);
      }
    }
    this.roomsEmpty.hidden = rooms.length > 0;
    if (this.onUnreadTotal) this.onUnreadTotal(rooms.reduce((sum, room) => sum + Math.max(0, Number(room.unread) || 0), 0));
  }

  createRoomNode(roomId) {
    return h(
      'li',
      { className: 'room', dataset: { roomId } },
      h(
        'a',
        { className: 'room-link', href: `#/rooms/${encodeURIComponent(roomId)}` },
        // The avatar letter is drawn by CSS from a data attribute; the presence dot sits on the
        // avatar (direct rooms only). Screen readers get both from the link's aria-label.
        h('span', { className: 'room-avatar', 'aria-hidden': 'true' }, h('span', { className: 'presence-dot', hidden: true })),
        h('span', { className: 'room-name' }),
        h('span', { className: 'unread-badge', 'aria-hidden': 'true', hidden: true }),
      ),
    );
  }

  updateRoomNode(li, room) {
    const name = this.store.roomName(room);
    const nameNode = li.querySelector('.room-name');
    if (nameNode.textContent !== name) nameNode.textContent = name;
    li.querySelector('.room-avatar').dataset.initial = (name.trim()[0] || '#').toUpperCase();
    li.dataset.type = room.type || 'group';

    const presence = this.store.presenceOf(this.store.directPeer(room));
    const status = presence ? presenceText(presence) : '';
    const dot = li.querySelector('.presence-dot');
    dot.hidden = !presence;
    if (presence) dot.dataset.status = presence.status;
    else delete dot.dataset.status;
    const link = li.querySelector('.room-link');
    link.title = status ? `${name} · ${status}` : name;

    const unread = Math.max(0, Number(room.unread) || 0);
    li.dataset.unread = String(unread);
    const badge = li.querySelector('.unread-badge');
    const count = unread > 99 ? '99+' : String(unread);
    if (badge.textContent !== count) badge.textContent = count;
    badge.hidden = unread === 0;
    li.classList.toggle('has-new', unread > 0);
    link.setAttribute('aria-label', [name, status, unread > 0 ? `${unread} new` : ''].filter(Boolean).join(', '));
    const active = room.roomId === this.store.openRoomId;
    li.classList.toggle('active', active);
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }

  // --- direct message search ---

  bindDirect() {
    const search = debounce(() => this.actions.onDirectSearch(this.directQuery.value.trim()), SEARCH_DEBOUNCE_MS);
    this.directQuery.addEventListener('input', () => {
      if (!this.directQuery.value.trim()) showError(this.directError, '');
      search();
    });
    this.directForm.addEventListener('submit', (event) => {
      event.preventDefault();
      search.cancel();
      this.actions.onDirectSearch(this.directQuery.value.trim());
    });
    this.directResults.addEventListener('click', (event) => {
      const li = event.target.closest('button') && event.target.closest('li[data-user-id]');
      if (li) this.pickUser(li);
    });
  }

  async pickUser(li) {
    if (this.directResults.getAttribute('aria-busy') === 'true') return;
    const user = {
      userId: li.dataset.userId,
      username: li.dataset.username,
      displayName: li.dataset.displayName,
    };
    showError(this.directError, '');
    this.directResults.setAttribute('aria-busy', 'true');
    try {
      await this.actions.onDirectPick(user);
      this.clearDirect();
    } catch (error) {
      showError(this.directError, humanError(error));
    } finally {
      this.directResults.setAttribute('aria-busy', 'false');
    }
  }

  /** Shows search results; `users` null clears them. */
  showDirectResults(users, query) {
    const list = users || [];
    const seen = new Set();
    let previous = null;
    for (const user of list) {
      seen.add(user.userId);
      let li = this.userNodes.get(user.userId);
      if (!li) {
        li = h(
          'li',
          { className: 'user', dataset: { userId: user.userId } },
          h('button', { type: 'button', className: 'user-pick' },
            h('span', { className: 'user-display' }),
            h('span', { className: 'user-handle' })),
        );
        this.userNodes.set(user.userId, li);
      }
      li.dataset.username = user.username;
      li.dataset.displayName = user.displayName || '';
      const display = user.displayName || user.username;
      li.querySelector('.user-display').textContent = display;
      // The handle always shows: a display name alone may be shared by several people.
      li.querySelector('.user-handle').textContent = `@${user.username}`;
      const expectedNext = previous ? previous.nextElementSibling : this.directResults.firstElementChild;
      if (expectedNext !== li) this.directResults.insertBefore(li, expectedNext);
      previous = li;
    }
    for (const [userId, li] of this.userNodes) {
      if (!seen.has(userId)) {
        li.remove();
        this.userNodes.delete(userId);
      }
    }
    const noMatch = users !== null && list.length === 0 && query;
    this.directHint.textContent = noMatch ? `No users found for “${query}”.` : '';
    this.directHint.hidden = !noMatch;
  }

  showDirectError(error) {
    showError(this.directError, typeof error === 'string' ? error : humanError(error));
  }

  clearDirect() {
    this.directQuery.value = '';
    this.showDirectResults(null);
    showError(this.directError, '');
  }

  // --- new group room ---

  bindNewRoom() {
    // An error about these fields goes once both are cleared (or edited: see submit).
    for (const input of [this.newRoomName, this.newRoomMembers]) {
      input.addEventListener('input', () => {
        if (!this.newRoomName.value.trim() && !this.newRoomMembers.value.trim()) showError(this.newRoomError, '');
      });
    }
    this.newRoomForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const name = this.newRoomName.value.trim();
      if (!name) {
        showError(this.newRoomError, 'Give the room a name.');
        return;
      }
      const usernames = [
        ...new Set(
          this.newRoomMembers.value
            .split(',')
            .map((s) => s.trim().replace(/^@/, '').toLowerCase())
            .filter(Boolean),
        ),
      ];
      showError(this.newRoomError, '');
      this.newRoomCreate.disabled = true;
      try {
        await this.actions.onCreateRoom(name, usernames);
        this.newRoomName.value = '';
        this.newRoomMembers.value = '';
      } catch (error) {
        showError(this.newRoomError, humanError(error));
      } finally {
        this.newRoomCreate.disabled = false;
      }
    });
  }

  reset() {
    this.roomNodes.clear();
    this.roomList.replaceChildren();
    this.roomsEmpty.hidden = false;
    this.clearDirect();
    this.newRoomName.value = '';
    this.newRoomMembers.value = '';
    showError(this.newRoomError, '');
  }
}
