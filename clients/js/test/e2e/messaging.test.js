import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, newUser, online } from './support.js';

test('edit, react, reply and delete reach the other member live; what changed while away comes with the catch-up as message.updated', async (t) => {
  const owner = await newUser('owner');
  const guest = await newUser('guest');
  const ownerClient = await clientOf(t, owner);
  const guestClient = await clientOf(t, guest);
  const room = await ownerClient.api.createRoom('changes', [guest.userId]);
  await online(ownerClient);
  await online(guestClient);

  const greeting = await guestClient.send(room.roomId, 'helo');
  const liveEdit = ownerClient.next('message.updated', (e) => e.source === 'live' && e.message.seq === greeting.seq);
  const edited = await guestClient.edit(room.roomId, greeting.seq, 'hello');
  assert.equal(edited.text, 'hello');
  assert.equal((await liveEdit).message.text, 'hello');

  const liveReaction = guestClient.next('message.updated', (e) => e.source === 'live' && Array.isArray(e.message.reactions));
  const reacted = await ownerClient.react(room.roomId, greeting.seq, '👍');
  assert.deepEqual(reacted.reactions, [{ emoji: '👍', count: 1, userIds: [owner.userId] }]);
  assert.deepEqual((await liveReaction).message.reactions, reacted.reactions);

  const reply = await ownerClient.reply(room.roomId, greeting.seq, 'welcome');
  assert.equal(reply.replyTo, greeting.seq);
  assert.equal(reply.quote.excerpt, 'hello');

  await assert.rejects(ownerClient.edit(room.roomId, greeting.seq, 'not mine'), { code: 'forbidden' });

  // The guest goes away; the owner reacts to the reply and deletes the guest's greeting meanwhile.
  guestClient.disconnect();
  await ownerClient.react(room.roomId, reply.seq, '🎉');
  const tombstone = await ownerClient.deleteMessage(room.roomId, greeting.seq);
  assert.equal(tombstone.deleted, true);

  const caughtUp = [];
  guestClient.on('message.updated', ({ message, source }) => {
    if (source === 'sync') caughtUp.push(`${message.seq}:${message.deleted ? 'deleted' : message.reactions?.map((r) => r.emoji).join('')}`);
  });
  await online(guestClient);
  assert.deepEqual(caughtUp.sort(), [`${greeting.seq}:deleted`, `${reply.seq}:🎉`].sort());
  console.log(`caught up after the reconnect: ${caughtUp.join(', ')}; held updatedSeq ${guestClient.cursors.updatedSeq(room.roomId)}`);
});
