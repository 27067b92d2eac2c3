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

/** An XMLHttpRequest the test answers: it records what was sent and replies when told. */
function fakeXhrClass() {
  const sent = [];
  class FakeXhr {
    constructor() {
      this.headers = {};
      this.upload = {};
      sent.push(this);
    }
    open(method, url) {
      Object.assign(this, { method, url });
    }
    setRequestHeader(name, value) {
      this.headers[name] = value;
    }
    getResponseHeader(name) {
      return (this.responseHeaders || {})[name] ?? null;
    }
    send(body) {
      this.body = body;
    }
    abort() {
      this.onabort();
    }
    answer(status, body, responseHeaders = {}) {
      Object.assign(this, { status, responseText: JSON.stringify(body), responseHeaders });
      this.onload();
    }
  }
  return { FakeXhr, sent };
}

function uploaderWith(tokens = { token: async () => 'access-1', unauthorized: async () => false }) {
  const { FakeXhr, sent } = fakeXhrClass();
  const rest = new RestClient({ baseUrl: 'http://gateway.test', fetch: fakeFetch({}).fetch, XMLHttpRequest: FakeXhr });
  rest.tokens = tokens;
  return { rest, sent };
}

/** Resolves once the fake has an upload in flight (the token is awaited first). */
async function flight(sent, count = 1) {
  while (sent.length < count) await new Promise((resolve) => setImmediate(resolve));
  return sent[count - 1];
}

test('uploadFile posts the file as multipart field `file` with the token, reports progress and answers the file', async () => {
  const { rest, sent } = uploaderWith();
  const progress = [];
  const file = new Blob(['12345678'], { type: 'image/png' });

  const done = rest.uploadFile('r 1', file, { name: 'cat.png', onProgress: (sent, total) => progress.push([sent, total]) });
  const xhr = await flight(sent);
  xhr.upload.onprogress({ loaded: 4, total: 8, lengthComputable: true });
  xhr.answer(201, { fileId: 'f_1', name: 'cat.png', size: 8, contentType: 'image/png', url: '/api/v1/files/f_1?s=x' });

  const answer = await done;
  assert.equal(xhr.method, 'POST');
  assert.equal(xhr.url, 'http://gateway.test/api/v1/rooms/r%201/files');
  assert.equal(xhr.headers.Authorization, 'Bearer access-1');
  assert.equal(xhr.body.get('file').name, 'cat.png');
  assert.equal(await xhr.body.get('file').text(), '12345678');
  assert.deepEqual(progress, [[4, 8]]);
  assert.equal(answer.fileId, 'f_1');
});

test('uploadFile rejects with the server\'s code: quota_exceeded (413), unsupported_media_type (415), rate_limited with its wait', async () => {
  const { rest, sent } = uploaderWith();
  const refusals = [
    [413, 'quota_exceeded', {}],
    [415, 'unsupported_media_type', {}],
    [429, 'rate_limited', { 'Retry-After': '3' }],
  ];
  for (const [i, [status, code, headers]] of refusals.entries()) {
    const done = rest.uploadFile('r1', new Blob(['x']), { name: 'a.svg' });
    (await flight(sent, i + 1)).answer(status, { error: { code, message: `refused: ${code}` } }, headers);
    await assert.rejects(done, (error) => error.code === code && error.status === status);
  }
  const limited = rest.uploadFile('r1', new Blob(['x']));
  (await flight(sent, 4)).answer(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '3' });
  await assert.rejects(limited, (error) => error.retryAfterMs === 3000);
});

test('uploadFile is cancelled by its AbortSignal', async () => {
  const { rest, sent } = uploaderWith();
  const cancel = new AbortController();
  const done = rest.uploadFile('r1', new Blob(['x']), { signal: cancel.signal });
  await flight(sent);
  cancel.abort();
  await assert.rejects(done, (error) => error.code === 'aborted');
});

test('uploadFile sends once more with a renewed token after a 401', async () => {
  let token = 'old';
  const { rest, sent } = uploaderWith({
    token: async () => token,
    unauthorized: async (rejected) => rejected === 'old' && (token = 'new') === 'new',
  });
  const done = rest.uploadFile('r1', new Blob(['x']));
  (await flight(sent)).answer(401, { error: { code: 'unauthorized', message: 'expired' } });
  const second = await flight(sent, 2);
  second.answer(201, { fileId: 'f_2' });
  assert.equal((await done).fileId, 'f_2');
  assert.equal(second.headers.Authorization, 'Bearer new');
});

test('fileLinks asks GET /files/links in batches of 100 ids and keeps the earliest expiry', async () => {
  const ids = Array.from({ length: 150 }, (_, i) => `f_${i}`);
  const { rest, calls } = restWith({
    'GET /files/links': (request) => {
      const asked = new URL(request.url).searchParams.get('fileIds').split(',');
      return { body: { links: asked.map((id) => ({ fileId: id, url: `/u/${id}`, thumbnailUrl: `/t/${id}` })), expiresAt: 1000 + asked.length } };
    },
  });

  const { links, expiresAt } = await rest.fileLinks(ids);

  assert.deepEqual(calls.map((c) => new URL(c.url).searchParams.get('fileIds').split(',').length), [100, 50]);
  assert.equal(links.size, 150);
  assert.deepEqual(links.get('f_149'), { url: '/u/f_149', thumbnailUrl: '/t/f_149' });
  assert.equal(expiresAt, 1050);
});

test('search, messagesAround, setMemberRole, moderate and deleteRoom call their endpoints and answer the documented shapes', async () => {
  const { rest, calls } = restWith({
    'GET /search': () => ({ body: { messages: [{ roomId: 'r1', seq: 4, text: 'found it' }], next: '1733050000123:r1:4' } }),
    'GET /rooms/r1/messages': () => ({ body: { messages: [{ seq: 3 }, { seq: 4 }], hasMore: true, epoch: 'e', around: { seq: 4, before: 3, after: null } } }),
    'PUT /rooms/r1/members/u2/role': () => ({ body: { roomId: 'r1', members: [{ userId: 'u2', role: 'moderator' }], lastSeq: 4 } }),
    'POST /rooms/r1/moderation': (request) => ({ body: { roomId: 'r1', ...request.body, actorId: 'u1', at: 1 } }),
    'DELETE /rooms/r1': () => ({ status: 204 }),
  });

  const found = await rest.search('found it', { roomId: 'r1', before: '1733050000200:r1:9', limit: 10 });
  assert.deepEqual(found.messages.map((m) => m.seq), [4]);
  assert.equal(found.next, '1733050000123:r1:4');
  const around = await rest.messagesAround('r1', 4);
  assert.deepEqual(around.messages.map((m) => `${m.roomId}:${m.seq}`), ['r1:3', 'r1:4']);
  assert.deepEqual(around.around, { seq: 4, before: 3, after: null });
  assert.equal((await rest.setMemberRole('r1', 'u2', 'moderator')).members[0].role, 'moderator');
  assert.equal((await rest.moderate('r1', { action: 'mute', userId: 'u2', durationSec: 3600, reason: 'calm down' })).action, 'mute');
  await rest.moderate('r1', { action: 'kick', userId: 'u2' });
  await rest.deleteRoom('r1', { reason: 'spam room' });

  assert.deepEqual(calls.map((c) => `${c.method} ${new URL(c.url).pathname}${new URL(c.url).search}`), [
    'GET /api/v1/search?q=found+it&roomId=r1&before=1733050000200%3Ar1%3A9&limit=10',
    'GET /api/v1/rooms/r1/messages?around=4',
    'PUT /api/v1/rooms/r1/members/u2/role',
    'POST /api/v1/rooms/r1/moderation',
    'POST /api/v1/rooms/r1/moderation',
    'DELETE /api/v1/rooms/r1?reason=spam+room',
  ]);
  assert.deepEqual(calls[2].body, { role: 'moderator' });
  assert.deepEqual(calls[3].body, { action: 'mute', userId: 'u2', durationSec: 3600, reason: 'calm down' });
  assert.deepEqual(calls[4].body, { action: 'kick', userId: 'u2' });
});

test('a muted member\'s refusal says until when, read from its documented text; a mute until an unmute has no end', async () => {
  const refusal = (message) => ({ status: 403, body: { error: { code: 'forbidden', message } } });
  const { rest } = restWith({
    'POST /rooms/r1/messages': () => refusal('you are muted in this room until 2030-03-17T17:46:40Z (mutedUntil 1900000000000)'),
    'POST /rooms/r2/messages': () => refusal('you are muted in this room until a moderator unmutes you'),
    'POST /rooms/r3/messages': () => refusal('only owners and moderators add members'),
  });

  await assert.rejects(rest.postMessage('r1', { clientMsgId: 'c1', text: 'hi' }), { code: 'forbidden', muted: true, mutedUntil: 1_900_000_000_000 });
  await assert.rejects(rest.postMessage('r2', { clientMsgId: 'c2', text: 'hi' }), (error) => error.muted === true && error.mutedUntil === null);
  await assert.rejects(rest.postMessage('r3', { clientMsgId: 'c3', text: 'hi' }), (error) => error.code === 'forbidden' && error.muted === undefined);
});
