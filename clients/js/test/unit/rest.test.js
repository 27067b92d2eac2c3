import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestClient } from '../../src/chat-client.js';
import { fakeFetch } from './fakes.js';

function restWith(routes) {
  const { fetch, calls } = fakeFetch(routes);
  const rest = new RestClient({ baseUrl: 'http://gateway.test', fetch });
  rest.tokens = { token: async () => 'access-1', unauthorized: async () => false };
  return { rest, calls };
}

test('listRooms follows `next` until the last page and tells the observer the whole list once', async () => {
  const pages = {
    '': { rooms: [{ roomId: 'r1' }, { roomId: 'r2' }], next: 'r2' },
    r2: { rooms: [{ roomId: 'r3' }], next: 'r3' },
    r3: { rooms: [], next: null },
  };
  const { rest, calls } = restWith({
    'GET /rooms': (request) => ({ body: pages[new URL(request.url).searchParams.get('after') || ''] }),
  });
  const observed = [];
  rest.observer = { roomList: (rooms) => observed.push(rooms.map((r) => r.roomId)) };

  const rooms = await rest.listRooms();

  assert.deepEqual(rooms.map((r) => r.roomId), ['r1', 'r2', 'r3']);
  assert.deepEqual(calls.map((c) => new URL(c.url).search), ['', '?after=r2', '?after=r3']);
  assert.deepEqual(observed, [['r1', 'r2', 'r3']]);
});

test('renameRoom is PATCH /rooms/{id} with the name; the answered room is observed', async () => {
  const { rest, calls } = restWith({
    'PATCH /rooms/r%201': (request) => ({ body: { roomId: 'r 1', name: request.body.name, version: 2, lastSeq: 4 } }),
  });
  const seen = [];
  rest.observer = { room: (room) => seen.push(room) };

  const room = await rest.renameRoom('r 1', 'Book club');

  assert.equal(calls[0].method, 'PATCH');
  assert.equal(new URL(calls[0].url).pathname, '/api/v1/rooms/r%201');
  assert.deepEqual(calls[0].body, { name: 'Book club' });
  assert.equal(calls[0].headers.Authorization, 'Bearer access-1');
  assert.equal(room.name, 'Book club');
  assert.deepEqual(seen.map((r) => r.version), [2]);
});

test('removeMember is DELETE /rooms/{id}/members/{userId}', async () => {
  const { rest, calls } = restWith({ 'DELETE /rooms/r1/members/u2': () => ({ status: 204 }) });

  assert.equal(await rest.removeMember('r1', 'u2'), null);
  assert.equal(calls[0].method, 'DELETE');
});

test('Web Push: the key, a subscription registered as a device, the device deleted', async () => {
  const subscription = { endpoint: 'https://push.example/sub/1', expirationTime: null, keys: { p256dh: 'BP', auth: 'AU' } };
  const { rest, calls } = restWith({
    'GET /push/webpush-key': () => ({ body: { publicKey: 'BKey' } }),
    'POST /devices': (request) => ({ status: 201, body: { deviceId: 'd_1', kind: request.body.kind, createdAt: 1, endpointHost: 'push.example' } }),
    'GET /devices': () => ({ body: { devices: [{ deviceId: 'd_1', kind: 'webpush' }] } }),
    'DELETE /devices/d_1': () => ({ status: 204 }),
  });

  assert.equal(await rest.webPushKey(), 'BKey');
  const device = await rest.registerDevice({ kind: 'webpush', subscription });
  assert.equal(device.deviceId, 'd_1');
  assert.deepEqual(calls[1].body, { kind: 'webpush', subscription });
  assert.deepEqual((await rest.devices()).map((d) => d.deviceId), ['d_1']);
  assert.equal(await rest.deleteDevice('d_1'), null);
  assert.deepEqual(calls.map((c) => `${c.method} ${c.path}`), ['GET /push/webpush-key', 'POST /devices', 'GET /devices', 'DELETE /devices/d_1']);
  assert.ok(calls.every((c) => c.headers.Authorization === 'Bearer access-1'));
});

test('a 503 of the Web Push key is an `unavailable` error with its status', async () => {
  const { rest } = restWith({
    'GET /push/webpush-key': () => ({ status: 503, body: { error: { code: 'unavailable', message: 'push not configured' } } }),
  });

  await assert.rejects(rest.webPushKey(), (error) => error.code === 'unavailable' && error.status === 503);
});

test('setRoomNotifications is PUT /rooms/{id}/notifications with the mode', async () => {
  const { rest, calls } = restWith({ 'PUT /rooms/r%201/notifications': (request) => ({ body: { roomId: 'r 1', mode: request.body.mode } }) });

  assert.deepEqual(await rest.setRoomNotifications('r 1', 'mentions'), { roomId: 'r 1', mode: 'mentions' });
  assert.deepEqual(calls[0].body, { mode: 'mentions' });
});
