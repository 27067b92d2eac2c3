// End-to-end tests run against a real platform at CHAT_URL (scripts/test.mjs starts one).

import { WebSocket as NodeWebSocket } from 'ws';
import { ChatClient } from '../../src/chat-client.js';

export const baseUrl = process.env.CHAT_URL;
if (!baseUrl) throw new Error('CHAT_URL is not set: run these tests through scripts/test.mjs (npm test)');

export const PASSWORD = 'correct-horse-battery';
let names = 0;

/** A fresh user, registered through REST. */
export async function newUser(prefix) {
  const username = `${prefix}-${process.pid % 10000}-${++names}-${Date.now() % 100000}`;
  const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (response.status !== 201) throw new Error(`register ${username}: HTTP ${response.status} ${await response.text()}`);
  return { username, ...(await response.json()) };
}

/**
 * The `ws` package's WebSocket, watched: every socket it opens, every frame written, and an
 * optional filter that swallows frames from the server (a lost answer) before the client sees them.
 */
export function watchedWebSocket() {
  const record = { urls: [], sockets: [], sent: [], swallow: null, swallowed: [] };
  class WatchedWebSocket extends NodeWebSocket {
    constructor(url) {
      super(url);
      record.urls.push(url);
      record.sockets.push(this);
    }

    send(data) {
      record.sent.push(JSON.parse(data));
      super.send(data);
    }

    get onmessage() {
      return super.onmessage;
    }

    set onmessage(listener) {
      super.onmessage = listener
        ? (event) => {
          const frame = JSON.parse(Buffer.from(event.data).toString('utf8'));
          if (record.swallow && record.swallow(frame, this)) {
            record.swallowed.push(frame);
            return;
          }
          listener(event);
        }
        : null;
    }
  }
  return { WebSocket: WatchedWebSocket, record };
}

/** A client of `user`, logged in (not connected); closed after the test. */
export async function clientOf(t, user, { WebSocket = NodeWebSocket, ...options } = {}) {
  const client = new ChatClient({ baseUrl, WebSocket, device: 'node-test', ...options });
  t.after(() => client.close());
  await client.login(user.username, PASSWORD);
  return client;
}

/** Connects and resolves once the catch-up is done and the client is online. */
export async function online(client) {
  const ready = client.next('state', (e) => e.state === 'online');
  client.connect();
  await ready;
}
