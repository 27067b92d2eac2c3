import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RestClient } from '../../src/rest.js';
import { refreshDelay, REFRESH_LOCK, Session } from '../../src/session.js';
import { fakeFetch } from './fakes.js';

/** A server that rotates refresh tokens as the contract says: each one works once. */
function tokenServer({ expiresIn = 3600 } = {}) {
  let issued = 0;
  const valid = new Set();
  const answer = () => {
    issued++;
    const refreshToken = `refresh-${issued}`;
    valid.add(refreshToken);
    return { status: 200, body: { accessToken: `access-${issued}`, tokenType: 'Bearer', expiresIn, userId: 'u1', refreshToken, refreshExpiresIn: 2592000 } };
  };
  return fakeFetch({
    'POST /auth/login': answer,
    'POST /auth/refresh': async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // long enough for callers to pile up
      const token = request.body && request.body.refreshToken;
      if (!valid.delete(token)) return { status: 401, body: { error: { code: 'unauthorized', message: 'invalid refresh token' } } };
      return answer();
    },
    'GET /me': (request) =>
      request.headers.Authorization === `Bearer access-${issued}`
        ? { status: 200, body: { userId: 'u1' } }
        : { status: 401, body: { error: { code: 'unauthorized', message: 'token expired' } } },
  });
}

function session(fetch, options = {}) {
  const rest = new RestClient({ baseUrl: 'http://gateway.test', fetch });
  const changes = [];
  const signedOut = [];
  const s = new Session({
    rest,
    refreshTokenIn: 'memory',
    onChange: (state) => changes.push(state),
    onSignedOut: (reason) => signedOut.push(reason),
    ...options,
  });
  return { s, rest, changes, signedOut };
}

describe('refreshDelay', () => {
  test('a quarter of the lifetime before expiry, at most a minute before', () => {
    const now = 1_000_000;
    assert.equal(refreshDelay({ expiresAt: now + 3_600_000, lifetimeMs: 3_600_000 }, now), 3_540_000);
    assert.equal(refreshDelay({ expiresAt: now + 20_000, lifetimeMs: 20_000 }, now), 15_000);
    assert.equal(refreshDelay({ expiresAt: now - 1, lifetimeMs: 20_000 }, now), 0);
    assert.equal(refreshDelay({ expiresAt: null }, now), null);
  });
});

describe('Session', () => {
  test('refreshes that overlap make one request: a refresh token is never presented twice', async () => {
    const { fetch, calls } = tokenServer();
    const { s, changes } = session(fetch);
    await s.login('alice', 'pw');
    const results = await Promise.all([s.refresh(), s.refresh(), s.refresh()]);
    assert.equal(calls.filter((c) => c.path === '/auth/refresh').length, 1);
    assert.deepEqual(calls.find((c) => c.path === '/auth/refresh').body, { refreshToken: 'refresh-1' });
    assert.ok(results.every((r) => r.accessToken === 'access-2'));
    assert.deepEqual(changes.map((c) => c.refreshToken), ['refresh-1', 'refresh-2']);
    s.close();
  });

  test('across tabs: every refresh runs inside the shared Web Lock', async () => {
    const { fetch } = tokenServer();
    const held = [];
    const locks = {
      async request(name, callback) {
        held.push(name);
        return callback();
      },
    };
    const { s } = session(fetch, { locks });
    await s.login('alice', 'pw');
    await s.refresh();
    assert.deepEqual(held, [REFRESH_LOCK]);
    s.close();
  });

  test('a 401 on a call refreshes once and repeats the call with the new token', async () => {
    const { fetch, calls } = tokenServer();
    const { s, rest } = session(fetch);
    await s.login('alice', 'pw');
    s.state.accessToken = 'access-stale'; // as if it had expired on the server
    assert.deepEqual(await rest.me(), { userId: 'u1' });
    assert.deepEqual(calls.map((c) => c.path), ['/auth/login', '/me', '/auth/refresh', '/me']);
    s.close();
  });

  test('a refused refresh ends the session: signed out, and calls fail with signed_out', async () => {
    const { fetch } = tokenServer();
    const { s, rest, signedOut } = session(fetch);
    await s.login('alice', 'pw');
    s.state.refreshToken = 'refresh-used';
    await assert.rejects(s.refresh(), { code: 'signed_out' });
    assert.deepEqual(signedOut, ['expired']);
    assert.equal(s.signedIn, false);
    await assert.rejects(rest.me(), { code: 'signed_out' });
  });

  test('refreshes by itself before the token expires', async () => {
    const { fetch } = tokenServer({ expiresIn: 1 }); // refreshed 250 ms before its expiry
    const { s, changes } = session(fetch);
    const refreshed = new Promise((resolve) => {
      s.onChange = (state) => {
        changes.push(state);
        if (changes.length === 2) resolve();
      };
    });
    await s.login('alice', 'pw');
    await refreshed;
    assert.equal(changes[1].accessToken, 'access-2');
    s.close();
  });

  test('memory mode: resume with a kept refresh token signs in; a bad one is false and ends nothing', async () => {
    const { fetch, calls } = tokenServer();
    const first = session(fetch);
    await first.s.login('alice', 'pw');
    const kept = first.s.state.refreshToken;
    first.s.close();
    const later = session(fetch);
    assert.equal(await later.s.resume('refresh-forged'), false);
    assert.deepEqual(later.signedOut, []);
    assert.equal(await later.s.resume(kept), true);
    assert.equal(later.s.userId, 'u1');
    assert.deepEqual(calls.filter((c) => c.path === '/auth/refresh').map((c) => c.body.refreshToken), ['refresh-forged', kept]);
    later.s.close();
  });

  test('a login while the logout is on its way is not ended by the logout\'s late answer', async () => {
    let answer;
    const { fetch } = fakeFetch({
      'POST /auth/login': () => ({ status: 200, body: { accessToken: 'a', expiresIn: 3600, userId: 'u1', refreshToken: 'r' } }),
      'POST /auth/logout': () => new Promise((resolve) => (answer = resolve)),
    });
    const { s, signedOut } = session(fetch);
    await s.login('alice', 'pw');
    const loggingOut = s.logout();
    await s.login('alice', 'pw');
    answer({ status: 204 });
    await loggingOut;
    assert.deepEqual(signedOut, []);
    assert.equal(s.signedIn, true);
    s.close();
  });

  test('cookie mode: the body names no token, and scripts never see the refresh token', async () => {
    const { fetch, calls } = fakeFetch({
      'POST /auth/refresh': () => ({ status: 200, body: { accessToken: 'a', expiresIn: 3600, userId: 'u1', refreshToken: 'secret' } }),
    });
    const { s, changes } = session(fetch, { refreshTokenIn: 'cookie' });
    assert.equal(await s.resume(), true);
    assert.equal(calls[0].body, undefined);
    assert.equal(changes[0].refreshToken, undefined);
    assert.equal(s.state.refreshToken, undefined);
    s.close();
  });

  test('resume without a valid cookie is false, not an error; an unreachable server is an error', async () => {
    const refused = session(fakeFetch({ 'POST /auth/refresh': () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'no refresh token' } } }) }).fetch, { refreshTokenIn: 'cookie' });
    assert.equal(await refused.s.resume(), false);
    assert.deepEqual(refused.signedOut, [], 'there was no session to end');
    const down = session(async () => {
      throw new TypeError('fetch failed');
    }, { refreshTokenIn: 'cookie' });
    await assert.rejects(down.s.resume(), { code: 'network' });
    down.s.close();
  });
});
