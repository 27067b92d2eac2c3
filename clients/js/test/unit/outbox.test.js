import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatError } from '../../src/errors.js';
import { Outbox } from '../../src/outbox.js';

function outbox(send, { connected = true } = {}) {
  const changes = [];
  const box = new Outbox({
    send,
    isConnected: () => connected,
    onChange: (item) => changes.push(`${item.clientMsgId}:${item.state}`),
    onSent: () => {},
  });
  return { box, changes, setConnected: (value) => (connected = value) };
}

test('waits while disconnected, then goes out with the same clientMsgId after the reconnect', async () => {
  const sent = [];
  const { box, changes, setConnected } = outbox(async (item) => (sent.push(item.clientMsgId), { seq: 1 }), { connected: false });
  const done = box.add({ roomId: 'r1', text: 'hi', clientMsgId: 'c1' });
  assert.deepEqual(box.list().map((i) => i.state), ['queued']);
  setConnected(true);
  box.flush();
  const message = await done;
  assert.deepEqual(sent, ['c1']);
  assert.equal(message.seq, 1);
  assert.equal(message.clientMsgId, 'c1');
  assert.deepEqual(changes, ['c1:queued', 'c1:sending', 'c1:sent']);
  assert.equal(box.list().length, 0);
});

test('a send whose answer never came is retried by itself with the same clientMsgId', async () => {
  const attempts = [];
  const { box } = outbox(async (item) => {
    attempts.push(item.clientMsgId);
    if (attempts.length === 1) throw Object.assign(new ChatError('timeout', 'no answer'), { retryAfterMs: 1 });
    return { seq: 7 };
  });
  const message = await box.add({ roomId: 'r1', text: 'hi', clientMsgId: 'c1' });
  assert.deepEqual(attempts, ['c1', 'c1']);
  assert.equal(message.seq, 7);
});

test('a refusal fails the message, which stays for retry()', async () => {
  let refuse = true;
  const { box } = outbox(async () => {
    if (refuse) throw new ChatError('bad_request', 'text must be at most 4000 characters');
    return { seq: 2 };
  });
  await assert.rejects(box.add({ roomId: 'r1', text: 'x', clientMsgId: 'c1' }), { code: 'bad_request' });
  assert.deepEqual(box.list().map((i) => [i.state, i.error.code]), [['failed', 'bad_request']]);
  refuse = false;
  assert.equal((await box.retry('c1')).seq, 2);
});

test('the live event of the stored message acknowledges it, whichever comes first', async () => {
  let answer;
  const { box } = outbox(() => new Promise((resolve) => (answer = resolve)));
  const done = box.add({ roomId: 'r1', text: 'hi', clientMsgId: 'c1' });
  box.acknowledge({ roomId: 'r1', clientMsgId: 'c1', seq: 3 });
  assert.equal((await done).seq, 3);
  answer({ seq: 3 }); // the late reply changes nothing
  assert.equal(box.list().length, 0);
});
