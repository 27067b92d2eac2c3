// Stand-ins for the network in unit tests: a fetch that answers from a table of routes, and
// sockets whose server side the test plays.

/**
 * A fetch answering `routes['POST /auth/login'](request)` → {status, body, headers}. Every call is
 * kept in `calls` as {method, path, body, headers}.
 */
export function fakeFetch(routes) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const path = new URL(url, 'http://gateway.test').pathname.replace(/^\/api\/v1/, '');
    const request = {
      method: init.method || 'GET',
      path,
      url,
      body: init.body ? JSON.parse(init.body) : undefined,
      headers: init.headers || {},
    };
    calls.push(request);
    const route = routes[`${request.method} ${path}`];
    const answer = route ? await route(request) : { status: 404, body: { error: { code: 'not_found', message: 'no such endpoint' } } };
    const status = answer.status ?? 200;
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: { get: (name) => (answer.headers || {})[name] ?? null },
      text: async () => text,
    };
  };
  return { fetch, calls };
}

/** A WebSocket-like socket; the test opens it, sends it frames and closes it from the server side. */
export class FakeSocket {
  constructor(url, server) {
    this.url = url;
    this.server = server;
    this.sent = [];
    this.closed = false;
    this.binaryType = 'blob';
    this.onopen = this.onclose = this.onmessage = this.onerror = null;
  }

  send(data) {
    const frame = JSON.parse(data);
    this.sent.push(frame);
    this.server.onFrame(this, frame);
  }

  close(code = 1000, reason = '') {
    if (this.closed) return;
    this.closed = true;
    queueMicrotask(() => this.onclose?.({ code, reason }));
  }

  // --- the server's side ---

  open() {
    this.onopen?.();
  }

  /** Sends a frame the way the raw WebSocket endpoint does: as a binary message. */
  receive(frame) {
    this.onmessage?.({ data: new TextEncoder().encode(JSON.stringify(frame)).buffer });
  }

  reply(request, body) {
    this.receive({ type: 'rec', address: request.replyAddress, body });
  }

  fail(request, code, text, failureCode = 400) {
    this.receive({ type: 'err', address: request.replyAddress, failureCode, failureType: 'RECIPIENT_FAILURE', message: `${code}: ${text}`, body: code });
  }

  serverClose(code = 1000, reason = '') {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.({ code, reason });
  }
}

/**
 * A gateway for ChatClient: `WebSocket` is the constructor to give the client; each socket it
 * makes opens at once and answers what `handlers[address](socket, frame)` says (default: an
 * empty chat.sync answer).
 */
export function fakeGateway(handlers = {}) {
  const sockets = [];
  const server = {
    onFrame(socket, frame) {
      if (frame.type !== 'send') return;
      const handler = handlers[frame.address];
      if (handler) handler(socket, frame);
      else if (frame.address === 'chat.sync') socket.reply(frame, { rooms: {} });
    },
  };
  class WebSocket extends FakeSocket {
    constructor(url) {
      super(url, server);
      sockets.push(this);
      // Like a real one, it opens on a later turn of the event loop, after its handlers are set.
      if (handlers.open !== false) setTimeout(() => this.open(), 0);
    }
  }
  return { WebSocket, sockets, server };
}

/** Resolves once `condition()` holds, checking after every turn of the event loop. */
export async function until(condition, what = 'condition') {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
