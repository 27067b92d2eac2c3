import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket as PlainWebSocket } from 'ws';
import { clientOf, newUser, online, watchedWebSocket } from './support.js';

const ticketOf = (url) => new URL(url).searchParams.get('ticket');

test('connects with a ticket; a lost socket comes back with a fresh one and catches up', async (t) => {
  const alice = await newUser('alice');
  const bob = await newUser('bob');
  const { WebSocket, record } = watchedWebSocket();
  const client = await clientOf(t, alice, { WebSocket });
  const bobClient = await clientOf(t, bob);
  const room = await client.api.createRoom('reconnect', [bob.userId]);
  await online(client);
  await online(bobClient);

  assert.equal(new URL(record.urls[0]).pathname, '/eventbus/websocket');
  assert.ok(ticketOf(record.urls[0]), 'the first socket signs in with a ticket');
  assert.deepEqual(record.sent[0], { type: 'register', address: `user.${alice.userId}` });

  // The socket dies (not closed by the client): it reconnects by itself, with a new ticket.
  const states = [];
  client.on('state', ({ state }) => states.push(state));
  const back = client.next('connected', (e) => e.reconnect);
  record.sockets[0].terminate();
  // Meanwhile bob writes: alice's catch-up brings it.
  await bobClient.send(room.roomId, 'while you were away');
  const missed = client.next('message', (e) => e.message.text === 'while you were away');
  client.retryNow(); // skips the rest of the backoff wait
  await back;
  const { source } = await missed;

  assert.equal(record.urls.length, 2);
  assert.notEqual(ticketOf(record.urls[1]), ticketOf(record.urls[0]), 'a ticket is single use: each attempt gets its own');
  assert.ok(states.includes('reconnecting'));
  assert.ok(['sync', 'live'].includes(source));
  console.log(`the missed message came by ${source}; states: ${states.join(' → ')}`);
});

test('why a fresh ticket per attempt: a reused ticket opens, then is refused (what the stock bridge client runs into)', async (t) => {
  const carol = await newUser('carol');
  const { WebSocket, record } = watchedWebSocket();
  const client = await clientOf(t, carol, { WebSocket });
  await online(client);
  // Replay the URL of the first socket, as @vertx/eventbus-bridge-client.js's reconnect loop does.
  const replay = new PlainWebSocket(record.urls[0]);
  let opened = false;
  replay.on('open', () => (opened = true));
  const closed = await new Promise((resolve) => replay.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  assert.equal(closed.code, 4401, `a used ticket is refused: ${JSON.stringify(closed)}`);
  console.log(`replayed ticket: open fired first: ${opened}; then closed ${closed.code} ${closed.reason}`);
});
