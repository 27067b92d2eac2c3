// Token refresh and socket re-authentication (docs/protocol.md, POST /auth/refresh and auth.renew).
// These need a server with refresh tokens (issue 13's contract).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baseUrl, clientOf, newUser, online, watchedWebSocket } from './support.js';

async function refreshWith(refreshToken) {
  const response = await fetch(`${baseUrl}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  return response.status;
}

test('the token is refreshed before it expires and the live socket follows it (auth.renew), without reconnecting', async (t) => {
  const jack = await newUser('jack');
  const { WebSocket, record } = watchedWebSocket();
  const client = await clientOf(t, jack, { WebSocket });
  const room = await client.api.createRoom('refresh', []);
  await online(client);
  const before = { ...client.session.state };
  assert.ok(before.refreshToken, 'login answers a refresh token');

  // Tell the client its token expires in 4 s: it refreshes a quarter of that before, by itself.
  const renewed = client.next('renewed');
  const session = client.next('session');
  client.session.use({ ...before, expiresAt: Date.now() + 4_000, lifetimeMs: 4_000 });
  const { session: after } = await session;
  const { expiresAt } = await renewed;

  assert.notEqual(after.accessToken, before.accessToken);
  assert.notEqual(after.refreshToken, before.refreshToken, 'refresh tokens rotate');
  assert.ok(expiresAt >= after.expiresAt - 5_000, `the socket now lives until the new token's expiry: ${expiresAt} vs ${after.expiresAt}`);
  const renewFrame = record.sent.find((f) => f.address === 'auth.renew');
  assert.equal(renewFrame.body.accessToken, after.accessToken);
  assert.equal(record.urls.length, 1, 'the same socket');
  assert.equal((await client.send(room.roomId, 'still here')).seq, 1);
});

test('a refresh token works once: presenting it again revokes the login, and the client is signed out', async (t) => {
  const kate = await newUser('kate');
  const client = await clientOf(t, kate);
  await online(client);
  const first = client.session.state.refreshToken;
  await client.refresh();
  assert.equal(await refreshWith(first), 401, 'a used refresh token is refused');

  const signedOut = client.next('signedout');
  await assert.rejects(client.refresh(), { code: 'signed_out' });
  assert.equal((await signedOut).reason, 'expired');
  assert.equal(client.state, 'offline');
  assert.equal(client.signedIn, false);
});

test('a client started later resumes with a kept refresh token', async (t) => {
  const liam = await newUser('liam');
  const first = await clientOf(t, liam);
  const kept = first.session.state.refreshToken;
  first.session.end(); // as if the program stopped, keeping only its refresh token

  const { ChatClient } = await import('../../src/chat-client.js');
  const { WebSocket } = await import('ws');
  const later = new ChatClient({ baseUrl, WebSocket });
  t.after(() => later.close());
  assert.equal(await later.resume(kept), true);
  assert.equal(later.userId, liam.userId);
  await online(later);
  assert.equal(await later.resume('not-a-token'), false);
});

test('auth.renew refuses another user\'s token and an invalid one', async (t) => {
  const mia = await newUser('mia');
  const noah = await newUser('noah');
  const client = await clientOf(t, mia);
  const other = await clientOf(t, noah);
  await online(client);
  await assert.rejects(client.request('auth.renew', { accessToken: other.session.state.accessToken }), { code: 'forbidden' });
  await assert.rejects(client.request('auth.renew', { accessToken: 'not.a.jwt' }), { code: 'unauthorized' });
});
