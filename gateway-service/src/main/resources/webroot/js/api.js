// The page's one client of the platform: the library in clients/js (served at /js/lib/, copied
// there at build time), over SockJS, with the refresh token in its HttpOnly cookie.

import { ChatClient, PAGE_SIZE } from './lib/chat-client.js';

export const client = new ChatClient({
  SockJS: globalThis.SockJS,
  device: 'web', // our label of the device, so the server can tell a user's web sessions from their phones
  refreshTokenIn: 'cookie',
});

/** The REST part (rooms, history, users, presence, receipts). */
export const api = client.api;

export { PAGE_SIZE };
