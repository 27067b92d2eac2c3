import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatClient } from '../../src/chat-client.js';
import { fakeFetch, fakeGateway } from './fakes.js';

function backend({ expiresIn = 3600 } = {}) {
  let tickets = 0;
  let tokens = 0;
  let refreshWorks = true;
  const login = () => {
    tokens++;
    return { status: 200, body: { accessToken: `access-${tokens}`, expiresIn, userId: 'u1', refreshToken: `refresh-${tokens}` } };
  };
  const { fetch, calls } = fakeFetch({
    'POST /auth/login': login,
    'POST /auth/refresh': () => (refreshWorks ? login() : { status: 401, body: { error: { code: 'unauthorized', message: 'refresh token reused' } } }),
    'POST /auth/ticket': () => ({ status: 200, body: { ticket: `ticket-${++tickets}`, expiresIn: 30 } }),
    'GET /rooms': () => ({ status: 200, body: { rooms: [{ roomId: 'r1', type: 'group', lastSeq: 3 }] } }),
  });
  return { fetch, calls, refuseRefresh: () => (refreshWorks = false) };
}

/** Connects and resolves once the client is online. */
async function online(client) {
  const ready = client.next('state', (e) => e.state === 'online');
  client.connect();
  await ready;
}

/** Every connection state the client goes through from now on. */
function statesOf(client) {
  const states = [];
  client.on('state', ({ state }) => states.push(state));
  return states;
}

async function signedIn(t, gateway, server) {
  const client = new ChatClient({ baseUrl: 'http://gateway.test', fetch: server.fetch, WebSocket: gateway.WebSocket, device: 'test' });
  t.after(() => client.close());
  await client.login('alice', 'pw');
  return client;
}

test('every connection attempt gets a fresh ticket; "online" only once a request proved the socket', async (t) => {
  const gateway = fakeGateway();
  const client = await signedIn(t, gateway, backend());
  const states = statesOf(client);
  await online(client);
  const first = new URL(gateway.sockets[0].url);
  assert.equal(first.pathname, '/eventbus/websocket');
  assert.equal(first.searchParams.get('ticket'), 'ticket-1');
  assert.equal(first.searchParams.get('device'), 'test');
  assert.deepEqual(gateway.sockets[0].sent.slice(0, 1), [{ type: 'register', address: 'user.u1' }]);

  const again = client.next('state', (e) => e.state === 'online');
  gateway.sockets[0].serverClose(1006, 'lost');
  await again;
  assert.equal(new URL(gateway.sockets[1].url).searchParams.get('ticket'), 'ticket-2');
  assert.deepEqual(states, ['connecting', 'online', 'reconnecting', 'online']);
});

test('a socket that opens and is then refused (bad ticket) is not online; the next attempt has a new ticket', async (t) => {
  let refuse = true;
  const gateway = fakeGateway({
    'chat.sync': (socket, frame) => {
      if (refuse) {
        refuse = false;
        // What the gateway does with a used ticket: the reason, then the close.
        socket.receive({ type: 'err', failureCode: 401, message: 'unauthorized: invalid, used or expired ticket', body: 'unauthorized' });
        socket.serverClose(4401, 'unauthorized');
        return;
      }
      socket.reply(frame, { rooms: {} });
    },
  });
  const client = await signedIn(t, gateway, backend());
  const states = statesOf(client);
  await online(client);
  assert.deepEqual(states, ['connecting', 'reconnecting', 'online']);
  assert.deepEqual(gateway.sockets.map((s) => new URL(s.url).searchParams.get('ticket')), ['ticket-1', 'ticket-2']);
});

test('a refreshed token renews the live socket with auth.renew', async (t) => {
  const renewals = [];
  const gateway = fakeGateway({
    'auth.renew': (socket, frame) => {
      renewals.push(frame.body.accessToken);
      socket.reply(frame, { expiresAt: 1_900_000_000_000 });
    },
  });
  const client = await signedIn(t, gateway, backend());
  await online(client);
  const renewed = client.next('renewed');
  await client.refresh();
  assert.deepEqual(await renewed, { type: 'renewed', expiresAt: 1_900_000_000_000 });
  assert.deepEqual(renewals, ['access-2']);
  assert.equal(gateway.sockets.length, 1, 'no reconnect needed');
});

test('a refused refresh signs out: the socket closes, unsent messages fail with signed_out', async (t) => {
  const gateway = fakeGateway({ 'chat.send': () => {} }); // never acknowledged
  const server = backend();
  const client = await signedIn(t, gateway, server);
  await online(client);
  const unsent = client.send('r1', 'hello');
  const signedOut = client.next('signedout');
  server.refuseRefresh();
  await assert.rejects(client.refresh(), { code: 'signed_out' });
  assert.equal((await signedOut).reason, 'expired');
  await assert.rejects(unsent, { code: 'signed_out' });
  assert.equal(client.state, 'offline');
  assert.equal(gateway.sockets[0].closed, true);
});

test('catch-up after a reconnect: room list, chat.sync from the last seq, then the outbox', async (t) => {
  const order = [];
  let connections = 0;
  const gateway = fakeGateway({
    'chat.sync': (socket, frame) => {
      order.push(`sync ${JSON.stringify(frame.body.rooms)}`);
      const rooms = connections > 1 ? { r1: { messages: [{ roomId: 'r1', seq: 4, senderId: 'u2', text: 'missed' }], hasMore: false, epoch: 'e' } } : {};
      socket.reply(frame, { rooms });
    },
    'chat.send': (socket, frame) => {
      order.push(`send ${frame.body.clientMsgId}`);
      socket.reply(frame, { roomId: 'r1', seq: 5, senderId: 'u1', clientMsgId: frame.body.clientMsgId, text: frame.body.text });
    },
  });
  const server = backend();
  const client = await signedIn(t, gateway, server);
  await client.api.listRooms(); // the app read the rooms before connecting: not read again
  const messages = [];
  client.on('message', ({ message, source }) => messages.push(`${message.seq}:${source}`));
  client.on('connected', () => connections++);
  const online = client.next('connected');
  connections++;
  client.connect();
  await online;
  client.disconnect();
  const sent = client.send('r1', 'while away', { clientMsgId: 'c1' });
  const back = client.next('connected');
  client.connect();
  await back;
  assert.equal((await sent).seq, 5);
  assert.deepEqual(order, ['sync {"r1":3}', 'sync {"r1":3}', 'send c1']);
  assert.deepEqual(messages, ['4:sync', '5:send']);
  assert.equal(server.calls.filter((c) => c.path === '/rooms').length, 2, 'listed by the app, then once on the reconnect');
});

test('send passes attachments on in chat.send, with empty text allowed; without them the frame has none', async (t) => {
  const frames = [];
  const gateway = fakeGateway({
    'chat.sync': (socket, frame) => socket.reply(frame, { rooms: {} }),
    'chat.send': (socket, frame) => {
      frames.push(frame.body);
      socket.reply(frame, { roomId: 'r1', seq: frames.length, senderId: 'u1', clientMsgId: frame.body.clientMsgId, text: frame.body.text });
    },
  });
  const client = await signedIn(t, gateway, backend());
  const online = client.next('connected');
  client.connect();
  await online;

  await client.send('r1', '', { clientMsgId: 'c1', attachments: ['f_1', 'f_2'] });
  await client.send('r1', 'plain', { clientMsgId: 'c2' });

  assert.deepEqual(frames[0].attachments, ['f_1', 'f_2']);
  assert.equal(frames[0].text, '');
  assert.equal('attachments' in frames[1], false);
});

/** A gateway whose edit, delete and react answer like the server's, and that keeps every request. */
function messagingGateway(frames) {
  const stored = { roomId: 'r1', seq: 2, senderId: 'u1', text: 'hello', editedAt: null, deleted: false };
  let updatedSeq = 0;
  const answer = (socket, frame, changed) => {
    frames.push({ address: frame.address, body: frame.body });
    Object.assign(stored, changed, { updatedSeq: ++updatedSeq });
    socket.reply(frame, { ...stored });
  };
  return fakeGateway({
    'chat.edit': (socket, frame) => answer(socket, frame, { text: frame.body.text, editedAt: 1000 }),
    'chat.delete': (socket, frame) => answer(socket, frame, { text: '', deleted: true }),
    'chat.react': (socket, frame) => answer(socket, frame, { reactions: [{ emoji: frame.body.emoji, count: 1, userIds: ['u1'] }] }),
    'chat.send': (socket, frame) => {
      frames.push({ address: frame.address, body: frame.body });
      socket.reply(frame, { roomId: 'r1', seq: 3, senderId: 'u1', clientMsgId: frame.body.clientMsgId, text: frame.body.text, replyTo: frame.body.replyTo });
    },
  });
}

test('edit, deleteMessage, react and reply send their requests; each answer is handed on as message.updated at once', async (t) => {
  const frames = [];
  const gateway = messagingGateway(frames);
  const client = await signedIn(t, gateway, backend());
  await online(client);
  const updates = [];
  client.on('message.updated', ({ message, source }) => updates.push(`${message.seq}:${message.updatedSeq}:${source}`));

  assert.equal((await client.react('r1', 2, '👍')).reactions[0].emoji, '👍');
  assert.equal((await client.react('r1', 2, '👍', false)).seq, 2);
  assert.equal((await client.edit('r1', 2, 'hello, fixed')).text, 'hello, fixed');
  assert.equal((await client.deleteMessage('r1', 2)).deleted, true);
  const reply = await client.reply('r1', 2, 'answering', { clientMsgId: 'c9' });

  assert.deepEqual(frames.map((f) => [f.address, f.body]), [
    ['chat.react', { roomId: 'r1', seq: 2, emoji: '👍', on: true }],
    ['chat.react', { roomId: 'r1', seq: 2, emoji: '👍', on: false }],
    ['chat.edit', { roomId: 'r1', seq: 2, text: 'hello, fixed' }],
    ['chat.delete', { roomId: 'r1', seq: 2 }],
    ['chat.send', { roomId: 'r1', clientMsgId: 'c9', text: 'answering', replyTo: 2 }],
  ]);
  assert.equal(reply.replyTo, 2);
  assert.deepEqual(updates, ['2:1:request', '2:2:request', '2:3:request', '2:4:request']);
});

test('a refused edit rejects with the server\'s code and hands nothing on', async (t) => {
  const gateway = fakeGateway({ 'chat.edit': (socket, frame) => socket.fail(frame, 'forbidden', 'you may edit only your own messages', 403) });
  const client = await signedIn(t, gateway, backend());
  await online(client);
  const updates = [];
  client.on('message.updated', (event) => updates.push(event));
  await assert.rejects(client.edit('r1', 2, 'not mine'), { code: 'forbidden' });
  assert.deepEqual(updates, []);
});

test('catch-up asks chat.sync for changes: from 0 once for a room met afresh, then from where the last answer left; live events do not move it', async (t) => {
  const syncs = [];
  let round = 0;
  const gateway = fakeGateway({
    'chat.sync': (socket, frame) => {
      syncs.push(frame.body);
      round++;
      const changes = round === 1
        // The first answer: where the room stands (the change of seq 9, not held yet, is dropped).
        ? { messages: [{ seq: 2, text: 'old edit', updatedSeq: 1 }, { seq: 9, text: 'far', updatedSeq: 2 }], hasMore: true, updatedSeq: 12 }
        : { messages: [{ seq: 3, text: '', deleted: true, updatedSeq: 14 }], hasMore: false, updatedSeq: 14 };
      socket.reply(frame, { rooms: { r1: { messages: [], hasMore: false, epoch: 'e', changes } } });
    },
  });
  const client = await signedIn(t, gateway, backend());
  const updates = [];
  client.on('message.updated', ({ message, source }) => updates.push(`${message.roomId}:${message.seq}:${message.updatedSeq}:${source}`));
  await client.api.listRooms(); // r1 at lastSeq 3
  const first = client.next('connected');
  client.connect();
  await first;

  // A live event of a later change, then the socket drops.
  gateway.sockets[0].receive({ type: 'rec', address: 'user.u1', body: { type: 'message.updated', message: { roomId: 'r1', seq: 1, updatedSeq: 20 } } });
  const back = client.next('connected');
  gateway.sockets[0].serverClose(1006, 'lost');
  await back;

  assert.deepEqual(syncs, [
    { rooms: { r1: 3 }, changes: { r1: 0 } },
    { rooms: { r1: 3 }, changes: { r1: 12 } },
  ]);
  assert.deepEqual(updates, ['r1:2:1:sync', 'r1:1:20:live', 'r1:3:14:sync']);
  assert.equal(client.cursors.updatedSeq('r1'), 14);
});
