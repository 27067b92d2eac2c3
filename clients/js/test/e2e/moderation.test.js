import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientOf, newUser, online } from './support.js';

test('search finds a message and around shows it with cursors; a role change, a mute as an event, and the muted refusal with its end, over REST and the socket', async (t) => {
  const owner = await newUser('mod-owner');
  const member = await newUser('mod-member');
  const ownerClient = await clientOf(t, owner);
  const memberClient = await clientOf(t, member);
  const room = await ownerClient.api.createRoom('moderated', [member.userId]);
  await online(ownerClient);
  await online(memberClient);

  const needle = await memberClient.send(room.roomId, 'the zeppelin lands at noon');
  await memberClient.send(room.roomId, 'see you there');
  const found = await ownerClient.api.search('Zeppelin', { roomId: room.roomId });
  assert.deepEqual(found.messages.map((m) => m.seq), [needle.seq]);
  assert.equal(found.next, undefined, 'one result: no next page');
  const around = await ownerClient.api.messagesAround(room.roomId, needle.seq);
  assert.deepEqual(around.messages.map((m) => m.seq), [needle.seq, needle.seq + 1]);
  assert.deepEqual(around.around, { seq: needle.seq, before: null, after: null });

  const promoted = await ownerClient.api.setMemberRole(room.roomId, member.userId, 'moderator');
  assert.equal(promoted.members.find((m) => m.userId === member.userId).role, 'moderator');
  await ownerClient.api.setMemberRole(room.roomId, member.userId, 'member');

  const told = memberClient.next('moderation', (e) => e.action === 'mute');
  const act = await ownerClient.api.moderate(room.roomId, { action: 'mute', userId: member.userId, durationSec: 600, reason: 'spam' });
  const event = await told;
  assert.deepEqual({ ...event, type: undefined }, { ...act, type: undefined });
  assert.equal(event.reason, 'spam');
  assert.ok(event.mutedUntil > Date.now(), 'a mute with a duration has its end');

  await assert.rejects(memberClient.request('chat.send', { roomId: room.roomId, clientMsgId: crypto.randomUUID(), text: 'still here?' }),
    { code: 'forbidden', muted: true, mutedUntil: event.mutedUntil });
  await assert.rejects(memberClient.api.postMessage(room.roomId, { clientMsgId: crypto.randomUUID(), text: 'still here?' }),
    { code: 'forbidden', muted: true, mutedUntil: event.mutedUntil });

  await ownerClient.api.moderate(room.roomId, { action: 'mute', userId: member.userId });
  await assert.rejects(memberClient.edit(room.roomId, needle.seq, 'edited'), (error) => error.muted === true && error.mutedUntil === null);
});
