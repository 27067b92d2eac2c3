// Typing indicators: when to tell the server that I type and who is typing in each room come
// from the client library; what the typing line says is the page's.

export { TypingSender, TypingTracker, TYPING_REFRESH_MS, TYPING_IDLE_MS, TYPING_EXPIRY_MS } from './lib/chat-client.js';

/** "alice is typing…", "alice and bob are typing…", "alice, bob and 3 others are typing…". */
export function typingText(names) {
  switch (names.length) {
    case 0:
      return '';
    case 1:
      return `${names[0]} is typing…`;
    case 2:
      return `${names[0]} and ${names[1]} are typing…`;
    case 3:
      return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
    default:
      return `${names[0]}, ${names[1]} and ${names.length - 2} others are typing…`;
  }
}
