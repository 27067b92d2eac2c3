// A small emoji picker for the composer: a button opens a grid of emoji; arrow keys move,
// Enter or Space (or a click) inserts at the caret, Escape or a click elsewhere closes and gives
// the focus back.

const EMOJI = [
  ['😀', 'grinning face'], ['😂', 'face with tears of joy'], ['🙂', 'slightly smiling face'], ['😉', 'winking face'],
  ['😍', 'smiling face with heart-eyes'], ['🤔', 'thinking face'], ['😮', 'face with open mouth'], ['😢', 'crying face'],
  ['👍', 'thumbs up'], ['👎', 'thumbs down'], ['👏', 'clapping hands'], ['🙏', 'folded hands'],
  ['🎉', 'party popper'], ['❤️', 'red heart'], ['🔥', 'fire'], ['✅', 'check mark'],
  ['👀', 'eyes'], ['🚀', 'rocket'], ['☕', 'hot beverage'], ['🍕', 'pizza'],
];
/** Emoji per row: arrow up and down move by this many. */
const COLUMNS = 4;

export class EmojiPicker {
  /** @param {HTMLTextAreaElement} target where emoji go */
  constructor(target) {
    this.target = target;
    this.button = document.getElementById('emoji-button');
    this.panel = document.getElementById('emoji-picker');
    this.buttons = EMOJI.map(([emoji, name], i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'emoji';
      b.textContent = emoji;
      b.title = name;
      b.setAttribute('aria-label', name);
      b.tabIndex = i === 0 ? 0 : -1; // one tab stop; arrows move inside
      b.addEventListener('click', () => this.pick(emoji));
      return b;
    });
    this.panel.replaceChildren(...this.buttons);
    this.button.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close(true)));
    this.panel.addEventListener('keydown', (event) => this.onKey(event));
    document.addEventListener('pointerdown', (event) => {
      if (!this.panel.hidden && !this.panel.contains(event.target) && event.target !== this.button) this.close(false);
    });
  }

  open() {
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.focusAt(0);
  }

  close(returnFocus) {
    if (this.panel.hidden) return;
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.button.focus();
  }

  /** Closing when the composer goes (another room, no room). */
  reset() {
    this.close(false);
  }

  set disabled(value) {
    this.button.disabled = value;
    if (value) this.close(false);
  }

  onKey(event) {
    const index = this.buttons.indexOf(document.activeElement);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS };
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close(true);
    } else if (event.key in moves && index >= 0) {
      event.preventDefault();
      this.focusAt(Math.min(this.buttons.length - 1, Math.max(0, index + moves[event.key])));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      this.focusAt(event.key === 'Home' ? 0 : this.buttons.length - 1);
    }
  }

  focusAt(index) {
    this.buttons.forEach((b, i) => (b.tabIndex = i === index ? 0 : -1));
    this.buttons[index].focus();
  }

  /** Inserts at the caret (replacing a selection) and tells the composer's listeners. */
  pick(emoji) {
    const t = this.target;
    const start = t.selectionStart ?? t.value.length;
    const end = t.selectionEnd ?? start;
    t.setRangeText(emoji, start, end, 'end');
    t.dispatchEvent(new Event('input', { bubbles: true }));
    this.close(false);
    t.focus();
  }
}
