import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, newUser, online } from './support.js';

test('typed events: room, message, typing, receipt and presence reach the other member', async (t) => {
  const hana = await newUser('hana');
  const ivan = await newUser('ivan');
  const hanaClient = await clientOf(t, hana);
  const ivanClient = await clientOf(t, ivan);
  await online(hanaClient);
  await online(ivanClient);

  // room: ivan hears of the room hana creates with him.
  const joined = ivanClient.next('room', (e) => e.event === 'joined');
  const room = await hanaClient.api.createRoom('events', [ivan.userId]);
  const roomEvent = await joined;
  assert.equal(roomEvent.room.roomId, room.roomId);
  assert.deepEqual(roomEvent.room.members.map((m) => m.userId).sort(), [hana.userId, ivan.userId].sort());

  // message: live, with its seq and sender; hana's own copy comes as the answer to her send.
  const arrived = ivanClient.next('message', (e) => e.message.roomId === room.roomId);
  const mine = hanaClient.next('message', (e) => e.message.roomId === room.roomId);
  const stored = await hanaClient.send(room.roomId, 'hello @' + ivan.username);
  const messageEvent = await arrived;
  assert.equal(messageEvent.source, 'live');
  assert.equal(messageEvent.message.seq, stored.seq);
  assert.equal(messageEvent.message.senderId, hana.userId);
  assert.deepEqual(messageEvent.message.mentions, [ivan.userId]);
  assert.ok(['send', 'live'].includes((await mine).source));

  // typing: ivan types, hana sees it.
  const typing = hanaClient.next('typing', (e) => e.roomId === room.roomId);
  await ivanClient.typing(room.roomId, true);
  assert.deepEqual(await typing, { type: 'typing', roomId: room.roomId, userId: ivan.userId, typing: true });

  // receipt: ivan read it; the answer is his watermarks, hana gets the event.
  const receipt = hanaClient.next('receipt', (e) => e.userId === ivan.userId && e.kind === 'read');
  assert.deepEqual(await ivanClient.receipt(room.roomId, 'read', stored.seq), { delivered: stored.seq, read: stored.seq });
  assert.deepEqual(await receipt, { type: 'receipt', roomId: room.roomId, userId: ivan.userId, kind: 'read', seq: stored.seq });

  // presence: ivan steps away.
  const presence = hanaClient.next('presence', (e) => e.userId === ivan.userId && e.status === 'away');
  await ivanClient.setPresence('away');
  assert.equal((await presence).type, 'presence');

  // A refused request rejects with the protocol's error word.
  await assert.rejects(hanaClient.send('r_0000000000000000000000000000000f', 'nobody here'), { code: 'not_found', status: 404 });
});
