// Opens --connections idle Socket.IO sockets (WebSocket transport) to --url, --concurrency at a
// time, prints {"connected": n, "failed": m} once all have settled, then holds them until killed.
'use strict';
const { io } = require('socket.io-client');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? pairs.concat([[arg.slice(2), all[i + 1]]]) : pairs, []));
const url = args.url || 'http://127.0.0.1:8095';
const connections = Number(args.connections || 5000);
const concurrency = Number(args.concurrency || 100);
// How long one socket may take to connect before it counts as failed.
const connectTimeoutMs = Number(args['connect-timeout-ms'] || 30000);

const sockets = [];
let next = 0;
let connected = 0;
let failed = 0;

function openOne() {
  if (next >= connections) return;
  const user = next++;
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { user }, timeout: connectTimeoutMs });
  sockets.push(socket);
  socket.once('connect', () => { connected++; settled(); });
  socket.once('connect_error', () => { failed++; settled(); });
}

function settled() {
  if (connected + failed === connections) {
    console.log(JSON.stringify({ connected, failed }));
  } else {
    openOne();
  }
}

for (let i = 0; i < Math.min(concurrency, connections); i++) openOne();
