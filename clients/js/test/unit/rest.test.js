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
