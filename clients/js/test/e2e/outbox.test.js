import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, newUser, online, watchedWebSocket } from './support.js';

test('a send whose answer was lost is resent with the same clientMsgId and stored once', async (t) => {
  const frank = await newUser('frank');
  const { WebSocket, record } = watchedWebSocket();
  // A short request timeout, so the lost answer is noticed quickly (the default is 10 s).
  const client = await clientOf(t, frank, { WebSocket, requestTimeoutMs: 1_000 });
  const room = await client.api.createRoom('resend', []);
  await online(client);

  // The server stores the first send and answers; that answer (and the live event) is lost.
  let lost = null;
  record.swallow = (frame) => {
    const message = frame.body && (frame.body.type === 'message' ? frame.body.message : frame.body);
    if (!message || message.clientMsgId !== 'resend-1') return false;
    if (record.sent.filter((f) => f.address === 'chat.send').length > 1) return false; // the resend's pass
    lost = message.seq;
    return true;
  };
  const events = [];
  client.on('message', ({ message }) => events.push(message.seq));

  const message = await client.send(room.roomId, 'once only', { clientMsgId: 'resend-1' });

  const sends = record.sent.filter((f) => f.address === 'chat.send');
  assert.ok(lost, 'the first send was stored (its answer was swallowed)');
  assert.deepEqual(sends.map((f) => f.body.clientMsgId), ['resend-1', 'resend-1'], 'resent with the same clientMsgId');
  assert.equal(message.seq, lost, 'the resend answers the stored message');
  const history = await client.history(room.roomId);
  assert.deepEqual(history.messages.map((m) => [m.seq, m.clientMsgId]), [[lost, 'resend-1']], 'stored once');
  assert.deepEqual(events, [lost], 'delivered to the app once');
});

test('messages written while disconnected wait in the outbox and go out after the reconnect', async (t) => {
  const gina = await newUser('gina');
  const client = await clientOf(t, gina);
  const room = await client.api.createRoom('outbox', []);
  await online(client);
  client.disconnect();
  const states = [];
  client.on('outbox', ({ item }) => states.push(item.state));
  const first = client.send(room.roomId, 'one');
  const second = client.send(room.roomId, 'two');
  assert.deepEqual(client.pending().map((i) => i.state), ['queued', 'queued']);
  await online(client);
  const [a, b] = await Promise.all([first, second]);
  assert.deepEqual([a.seq, b.seq], [1, 2], 'in the order written');
  assert.equal(client.pending().length, 0);
  assert.deepEqual(states.slice(0, 2), ['queued', 'queued']);
});
