// The parts of a message that edits, deletes, reactions and replies added (issue 17): the quote
// of the message a reply answers, the reactions with who reacted, the actions (react, reply, a
// menu with edit and delete) with their small panels, and the editor of one's own message.
// Built with h(): user text only ever goes in as text nodes or attribute values.

import { h } from './util.js';

/** The reactions offered: a fixed set (the server takes any one emoji; others show as sent). */
export const REACTION_EMOJI = [
  ['👍', 'thumbs up'], ['❤️', 'red heart'], ['😂', 'face with tears of joy'], ['😮', 'face with open mouth'],
  ['😢', 'crying face'], ['🎉', 'party popper'], ['🙏', 'folded hands'], ['👀', 'eyes'],
];

/** What a deleted message (and a quote of one) shows instead of its text. */
export const DELETED_TEXT = 'message deleted';

/**
 * The quote above a reply; a click shows the quoted message. `deleted`: the quote says so, or
 * the page holds the quoted message as deleted (a reply held before the delete is not sent again).
 */
export function quoteNode(quote, { senderName, deleted }) {
  return h(
    'button',
    { type: 'button', className: 'quote', dataset: { action: 'jump', quoteSeq: quote.seq }, title: 'Show the message this answers' },
    h('span', { className: 'quote-sender' }, senderName),
    h('span', { className: `quote-text${deleted ? ' deleted' : ''}`, dir: 'auto' }, deleted ? DELETED_TEXT : quote.excerpt || ''),
  );
}

/**
 * One button per emoji with its count; hovering names who reacted (the first ones the server
 * lists, "and N more" for the rest). A click turns my reaction on or off.
 * @param {{emoji: string, count: number, userIds: string[]}[]} reactions
 * @param {{nameOf: (userId: string) => string, isMine: (reaction: object) => boolean}} how
 */
export function reactionsNode(reactions, { nameOf, isMine }) {
  return h(
    'ul',
    { className: 'reactions', 'aria-label': 'Reactions' },
    reactions.map((reaction) => {
      const userIds = Array.isArray(reaction.userIds) ? reaction.userIds : [];
      const count = Number(reaction.count) || userIds.length;
      const names = userIds.map(nameOf);
      const more = count - names.length;
      const who = more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
      const mine = isMine(reaction);
      return h(
        'li',
        {},
        h(
          'button',
          {
            type: 'button',
            className: `reaction${mine ? ' mine' : ''}`,
            dataset: { action: 'toggle-reaction', emoji: reaction.emoji, count },
            'aria-pressed': String(mine),
            title: `${who} reacted with ${reaction.emoji}`,
            'aria-label': `${reaction.emoji} ${count}: ${who}`,
          },
          h('span', { className: 'reaction-emoji' }, reaction.emoji),
          h('span', { className: 'reaction-count' }, String(count)),
        ),
      );
    }),
  );
}

/**
 * The actions of a stored message, shown on hover or focus, and the panel open on it (`react`:
 * the emoji picker, `menu`: edit and delete, `confirm-delete`).
 */
export function actionsNode({ canEdit, canDelete, panel }) {
  const hasMenu = canEdit || canDelete;
  return h(
    'div',
    { className: `message-actions${panel ? ' open' : ''}` },
    h('button', { type: 'button', className: 'ghost msg-action', dataset: { action: 'open-react' }, title: 'React', 'aria-label': 'React', 'aria-expanded': String(panel === 'react') }, '☺'),
    h('button', { type: 'button', className: 'ghost msg-action', dataset: { action: 'reply' }, title: 'Reply', 'aria-label': 'Reply' }, '↩'),
    hasMenu
      ? h('button', { type: 'button', className: 'ghost msg-action', dataset: { action: 'open-menu' }, title: 'More', 'aria-label': 'More actions', 'aria-haspopup': 'menu', 'aria-expanded': String(panel === 'menu') }, '⋯')
      : null,
    panel === 'react'
      ? h('div', { className: 'reaction-picker', role: 'group', 'aria-label': 'Pick a reaction' },
          REACTION_EMOJI.map(([emoji, name]) => h('button', { type: 'button', className: 'emoji', dataset: { action: 'react', emoji }, title: name, 'aria-label': name }, emoji)))
      : null,
    panel === 'menu'
      ? h('div', { className: 'message-menu', role: 'menu' },
          canEdit ? h('button', { type: 'button', role: 'menuitem', dataset: { action: 'edit' } }, 'Edit') : null,
          canDelete ? h('button', { type: 'button', role: 'menuitem', className: 'danger-outline', dataset: { action: 'delete' } }, 'Delete') : null)
      : null,
    panel === 'confirm-delete'
      ? h('div', { className: 'message-menu confirm', role: 'group', 'aria-label': 'Delete this message?' },
          h('span', {}, 'Delete this message for everyone?'),
          h('button', { type: 'button', className: 'danger', dataset: { action: 'confirm-delete' } }, 'Delete'),
          h('button', { type: 'button', dataset: { action: 'close-panel' } }, 'Cancel'))
      : null,
  );
}

/** The editor that takes the place of my message's text while I edit it. */
export function editorNode(text, error) {
  const area = h('textarea', { className: 'edit-text', rows: 2, 'aria-label': 'Edit the message', dir: 'auto' });
  area.value = text;
  return h(
    'form',
    { className: 'message-editor', novalidate: true },
    area,
    h('div', { className: 'editor-buttons' },
      h('button', { type: 'submit', className: 'primary' }, 'Save'),
      h('button', { type: 'button', dataset: { action: 'cancel-edit' } }, 'Cancel'),
      h('span', { className: 'hint' }, 'Enter saves, Escape cancels')),
    error ? h('p', { className: 'form-error', role: 'alert' }, error) : null,
  );
}
