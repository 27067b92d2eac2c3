import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventBus } from '../../src/bridge.js';
import { FakeSocket } from './fakes.js';

function openBus(listeners = {}, options = {}) {
  const frames = [];
  const socket = new FakeSocket('ws://test', { onFrame: (_, frame) => frames.push(frame) });
  const bus = new EventBus(socket, listeners, options);
  return { socket, bus, frames };
}

test('registers on open, decodes binary frames, answers requests by replyAddress', async () => {
  const { socket, bus, frames } = openBus();
  assert.equal(socket.binaryType, 'arraybuffer', 'binary frames are read as ArrayBuffer, not Blob');
  const events = [];
  bus.register('user.u1', (body) => events.push(body));
  socket.open();
  assert.deepEqual(frames[0], { type: 'register', address: 'user.u1' });

  const reply = bus.request('chat.sync', { rooms: {} });
  const request = frames[1];
  assert.equal(request.type, 'send');
  assert.equal(request.address, 'chat.sync');
  socket.reply(request, { rooms: { r1: { messages: [], hasMore: false, epoch: null } } });
  assert.deepEqual(await reply, { rooms: { r1: { messages: [], hasMore: false, epoch: null } } });

  socket.receive({ type: 'rec', address: 'user.u1', body: { type: 'typing', roomId: 'r1', userId: 'u2', typing: true } });
  assert.deepEqual(events, [{ type: 'typing', roomId: 'r1', userId: 'u2', typing: true }]);
  bus.close();
});

test('an err reply rejects with its code and status; a rate limit carries the wait it asks for', async () => {
  const { socket, bus, frames } = openBus();
  socket.open();
  const refused = bus.request('chat.send', {});
  socket.fail(frames[0], 'not_found', 'room not found', 404);
  await assert.rejects(refused, { name: 'ChatError', code: 'not_found', status: 404, message: 'room not found' });

  const limited = bus.request('chat.sync', {});
  socket.fail(frames[1], 'rate_limited', 'too many chat.sync, retry in 2 s', 429);
  await assert.rejects(limited, { code: 'rate_limited', retryAfterMs: 2000 });

  const muted = bus.request('chat.send', {});
  socket.fail(frames[2], 'forbidden', 'you are muted in this room until 2030-03-17T17:46:40Z (mutedUntil 1900000000000)', 403);
  await assert.rejects(muted, { code: 'forbidden', muted: true, mutedUntil: 1_900_000_000_000 });
  bus.close();
});

test('an err without address (the reason before a close) goes to onError; a close fails what waits', async () => {
  const errors = [];
  const closes = [];
  const { socket, bus } = openBus({ onError: (error) => errors.push(error.code), onClose: (event) => closes.push(event.code) });
  socket.open();
  const waiting = bus.request('chat.sync', {});
  socket.receive({ type: 'err', failureCode: 401, failureType: 'RECIPIENT_FAILURE', message: 'unauthorized: invalid, used or expired ticket', body: 'unauthorized' });
  socket.serverClose(4401, 'unauthorized');
  await assert.rejects(waiting, { code: 'disconnected' });
  assert.deepEqual(errors, ['unauthorized']);
  assert.deepEqual(closes, [4401]);
  assert.equal(bus.isOpen, false);
});

test('a request without an answer times out', async () => {
  const { socket, bus } = openBus({}, { requestTimeoutMs: 20 });
  socket.open();
  await assert.rejects(bus.request('chat.send', {}), { code: 'timeout' });
  bus.close();
});
