import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncRooms } from '../../src/sync.js';

const msgs = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i }));

test('follows hasMore per room from the last seq received, and from the same seq for a room the budget did not reach', async () => {
  const asked = [];
  const answers = [
    { rooms: { a: { messages: msgs(11, 12), hasMore: true, epoch: 'ea' }, b: { messages: [], hasMore: true, epoch: null } } },
    { rooms: { a: { messages: msgs(13, 13), hasMore: false, epoch: 'ea' }, b: { messages: msgs(1, 1), hasMore: false, epoch: 'eb' } } },
  ];
  const received = [];
  const result = await syncRooms(
    async (body) => {
      asked.push(body.rooms);
      return answers.shift();
    },
    { a: 10, b: 0 },
    (roomId, room) => {
      received.push(...room.messages.map((x) => `${roomId}${x.seq}`));
      return true;
    },
  );
  assert.deepEqual(asked, [{ a: 10, b: 0 }, { a: 12, b: 0 }]);
  assert.deepEqual(received, ['a11', 'a12', 'a13', 'b1']);
  assert.deepEqual(result, { rounds: 2, messages: 4, complete: true });
});

test('stops when a round brings nothing while rooms still answer hasMore', async () => {
  let calls = 0;
  const result = await syncRooms(
    async () => {
      calls++;
      return { rooms: { a: { messages: [], hasMore: true, epoch: null } } };
    },
    { a: 3 },
    () => true,
  );
  assert.equal(calls, 1);
  assert.equal(result.complete, false);
});

test('a room its taker refuses (new epoch) is not followed', async () => {
  let calls = 0;
  await syncRooms(
    async () => {
      calls++;
      return { rooms: { a: { messages: msgs(1, 5), hasMore: true, epoch: 'new' } } };
    },
    { a: 9 },
    () => false,
  );
  assert.equal(calls, 1);
});

test('no rooms: one empty chat.sync proves the socket; many rooms go in chunks', async () => {
  const asked = [];
  await syncRooms(async (body) => (asked.push(body.rooms), { rooms: {} }), {}, () => true);
  assert.deepEqual(asked, [{}]);
  asked.length = 0;
  const cursors = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`r${i}`, 0]));
  await syncRooms(async (body) => (asked.push(Object.keys(body.rooms).length), { rooms: {} }), cursors, () => true, { roomsPerRequest: 2 });
  assert.deepEqual(asked, [2, 2, 1]);
});

test('changes: asked from the held updatedSeq and followed from the last change; a room met afresh is asked from 0 once', async () => {
  const asked = [];
  const answers = [
    {
      rooms: {
        a: { messages: [], hasMore: false, epoch: 'ea', changes: { messages: [{ seq: 2, updatedSeq: 6 }, { seq: 1, updatedSeq: 7 }], hasMore: true, updatedSeq: 9 } },
        b: { messages: [], hasMore: false, epoch: 'eb', changes: { messages: [{ seq: 1, updatedSeq: 1 }], hasMore: true, updatedSeq: 40 } },
      },
    },
    { rooms: { a: { messages: [], hasMore: false, epoch: 'ea', changes: { messages: [{ seq: 3, updatedSeq: 9 }], hasMore: false, updatedSeq: 9 } } } },
  ];
  const taken = [];
  const result = await syncRooms(
    async (body) => {
      asked.push(body);
      return answers.shift();
    },
    { a: 3, b: 1 },
    () => true,
    {
      changes: { a: 5, b: null },
      onChanges: (roomId, changes, settled) => taken.push(`${roomId}:${changes.messages.map((m) => m.updatedSeq).join(',')}:${settled}`),
    },
  );
  assert.deepEqual(asked, [
    { rooms: { a: 3, b: 1 }, changes: { a: 5, b: 0 } },
    { rooms: { a: 3 }, changes: { a: 7 } },
  ]);
  assert.deepEqual(taken, ['a:6,7:false', 'b:1:true', 'a:9:true']);
  assert.deepEqual(result, { rounds: 2, messages: 4, complete: true });
});

test('changes: a room the byte budget did not reach is asked again from the same updatedSeq; without changes none are asked', async () => {
  const asked = [];
  const answers = [
    { rooms: { a: { messages: [], hasMore: true, epoch: null, changes: { messages: [], hasMore: true, updatedSeq: 4 } }, b: { messages: msgs(1, 1), hasMore: false, epoch: 'eb' } } },
    { rooms: { a: { messages: msgs(2, 2), hasMore: false, epoch: 'ea', changes: { messages: [], hasMore: false, updatedSeq: 4 } } } },
  ];
  await syncRooms(async (body) => (asked.push(body), answers.shift()), { a: 1, b: 0 }, () => true, { changes: { a: 3 } });
  assert.deepEqual(asked, [{ rooms: { a: 1, b: 0 }, changes: { a: 3 } }, { rooms: { a: 1 }, changes: { a: 3 } }]);

  asked.length = 0;
  await syncRooms(async (body) => (asked.push(body), { rooms: {} }), { a: 1 }, () => true);
  assert.deepEqual(asked, [{ rooms: { a: 1 } }]);
});
