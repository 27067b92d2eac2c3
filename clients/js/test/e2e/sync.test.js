import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uuid } from '../../src/chat-client.js';
import { clientOf, newUser, online, watchedWebSocket } from './support.js';

/** Messages stored while the client was away: more than one chat.sync page, and big ones. */
const MISSED = 230;
/** 230 messages of 3000 characters are ~700 KiB: beyond one reply's 256 KiB budget (SYNC_MAX_REPLY_BYTES). */
const TEXT = 'x'.repeat(3000);

test('after being away, chat.sync from the last seq follows hasMore until every message is in, each once and in order', async (t) => {
  const dave = await newUser('dave');
  const erin = await newUser('erin');
  const { WebSocket, record } = watchedWebSocket();
  const client = await clientOf(t, dave, { WebSocket });
  const writer = await clientOf(t, erin);
  const room = await client.api.createRoom('catch-up', [erin.userId]);
  await online(client);
  await client.send(room.roomId, 'before');
  client.disconnect();

  for (let i = 1; i <= MISSED; i++) {
    await writer.api.postMessage(room.roomId, { clientMsgId: uuid(), text: `${i} ${TEXT}` });
  }

  const seqs = [];
  client.on('message', ({ message, source }) => {
    if (message.roomId === room.roomId && source === 'sync') seqs.push(message.seq);
  });
  const syncsBefore = record.sent.filter((f) => f.address === 'chat.sync').length;
  await online(client);

  const syncs = record.sent.filter((f) => f.address === 'chat.sync').slice(syncsBefore);
  assert.deepEqual(seqs, Array.from({ length: MISSED }, (_, i) => i + 2), 'every missed seq once, in order');
  assert.equal(syncs[0].body.rooms[room.roomId], 1, 'from the last seq held');
  assert.ok(syncs.length >= 3, `a page holds at most 100 messages and 256 KiB: ${syncs.length} rounds`);
  console.log(`${MISSED} messages caught up in ${syncs.length} chat.sync rounds: from ${syncs.map((f) => f.body.rooms[room.roomId]).join(', ')}`);
});
