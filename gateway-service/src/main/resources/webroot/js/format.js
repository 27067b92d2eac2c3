// Message text as people expect it: links, @mentions, **bold**, _italic_, `code` and ``` blocks.
// Built as DOM nodes from the plain text: every piece of the message goes in as a text node, so
// nothing in it can become markup, an attribute or a script. Only http(s) URLs become links.

/**
 * One inline token, first match wins at each position:
 *  1 `code` (no formatting inside), 2 a bare http(s) URL, 3 an @mention (the server's rule:
 *  not after a name character, 3–32 of [a-z0-9_.-]), 4 **bold**, 5 _italic_ (not inside a word).
 */
const INLINE = new RegExp(
  [
    '`([^`\\n]+)`',
    '(https?:\\/\\/[^\\s<>"`]+)',
    '(?<![A-Za-z0-9_.-])@([A-Za-z0-9_.-]{3,32})',
    '\\*\\*(?=\\S)([^]*?\\S)\\*\\*',
    '(?<![A-Za-z0-9_])_(?=\\S)([^_\\n]*?\\S)_(?![A-Za-z0-9_])',
  ].join('|'),
  'g',
);
/** ``` fenced blocks; the newline after the opening fence and before the closing one are not part of the code. */
const FENCE = /```\n?([^]*?)\n?```/g;
/** Punctuation that ends a sentence rather than a URL. */
const URL_TRAILING = /[.,;:!?'")\]]+$/;
/** Trailing characters the server does not count as part of a mentioned name. */
const MENTION_TRAILING = /[.-]+$/;
/** Formatting nests at most this deep (bold inside italic inside bold…). */
const MAX_DEPTH = 4;

/**
 * The message text as a fragment of nodes.
 * @param {string} text
 * @param {{myUsername?: string}} [context] my mentions get the class `me`
 */
export function renderText(text, context = {}) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(FENCE)) {
    appendInline(fragment, text.slice(last, match.index), context, 0);
    const pre = document.createElement('pre');
    const code = document.createElement('code');
    code.textContent = match[1];
    pre.append(code);
    fragment.append(pre);
    last = match.index + match[0].length;
  }
  appendInline(fragment, text.slice(last), context, 0);
  return fragment;
}

/** True when the text mentions `username` by the server's rule. */
export function mentions(text, username) {
  if (!username) return false;
  for (const match of text.matchAll(INLINE)) {
    if (match[3] !== undefined && match[3].replace(MENTION_TRAILING, '').toLowerCase() === username.toLowerCase()) return true;
  }
  return false;
}

function appendInline(parent, text, context, depth) {
  if (!text) return;
  if (depth >= MAX_DEPTH) {
    parent.append(document.createTextNode(text));
    return;
  }
  let last = 0;
  for (const match of text.matchAll(new RegExp(INLINE.source, 'g'))) {
    const [whole, code, url, mention, bold, italic] = match;
    let consumed = whole;
    let node;
    if (code !== undefined) {
      node = element('code', code);
    } else if (url !== undefined) {
      const trimmed = url.replace(URL_TRAILING, '');
      consumed = trimmed;
      node = link(trimmed);
    } else if (mention !== undefined) {
      const name = mention.replace(MENTION_TRAILING, '');
      consumed = `@${name}`;
      if (name.length < 3) node = null;
      else {
        node = element('span', consumed);
        node.className = context.myUsername && name.toLowerCase() === context.myUsername.toLowerCase() ? 'mention me' : 'mention';
      }
    } else if (bold !== undefined) {
      node = document.createElement('strong');
      appendInline(node, bold, context, depth + 1);
    } else {
      node = document.createElement('em');
      appendInline(node, italic, context, depth + 1);
    }
    if (!node) continue;
    parent.append(document.createTextNode(text.slice(last, match.index)));
    parent.append(node);
    last = match.index + consumed.length;
    // A URL or mention whose tail was trimmed: the tail is plain text, taken with what follows.
  }
  parent.append(document.createTextNode(text.slice(last)));
}

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}

/** A link for an http(s) URL that parses; anything else stays text. */
function link(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return element('span', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return element('span', raw);
  const a = element('a', raw);
  a.href = url.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}
