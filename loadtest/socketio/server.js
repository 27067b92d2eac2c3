// A Socket.IO server holding idle sockets, for the heap-per-connection comparison of
// docs/benchmarks.md ("A leaner edge"). WebSocket transport only; each socket keeps its user id
// and joins two rooms of --room-size, as the Java idle scenario's users do. GET /heap forces a
// full GC (node --expose-gc) and answers the live heap as JSON. Listens on 127.0.0.1 only.
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? pairs.concat([[arg.slice(2), all[i + 1]]]) : pairs, []));
const port = Number(args.port || 8095);
const roomSize = Number(args['room-size'] || 10);
const connections = Number(args.connections || 5000);
const rooms = Math.max(1, Math.ceil(connections / roomSize));

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc: the heap is read after a forced GC');
  process.exit(2);
}

function liveHeap() {
  // Several passes: one full GC can leave garbage that finalizers or weak references free later.
  for (let i = 0; i < 3; i++) global.gc();
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers };
}

const httpServer = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/heap') {
    const body = JSON.stringify({ ...liveHeap(), sockets: io.of('/').sockets.size });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(body);
  } else if (req.method !== 'GET' || !req.url.startsWith('/socket.io/')) {
    res.writeHead(404);
    res.end();
  }
});
const io = new Server(httpServer, { transports: ['websocket'] });

io.on('connection', (socket) => {
  const i = Number(socket.handshake.auth.user);
  if (!Number.isInteger(i) || i < 0) {
    socket.disconnect(true);
    return;
  }
  socket.data.userId = 'u_' + i;
  // Two rooms of roomSize: consecutive users, and users roomSize apart in the other direction.
  socket.join('a' + Math.floor(i / roomSize));
  socket.join('b' + (i % rooms));
});

httpServer.listen(port, '127.0.0.1', () => console.log(JSON.stringify({ listening: port, pid: process.pid })));
