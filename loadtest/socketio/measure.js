// node measure.js --connections N [--hold S] [--room-size S]
// Starts server.js (node --expose-gc) on a free loopback port, reads its live heap, holds N
// sockets from client.js (another process, so the server's heap holds only its side), waits
// --hold seconds, reads the live heap again and prints one JSON line: heap and RSS per connection.
'use strict';
const { spawn } = require('child_process');
const http = require('http');
const net = require('net');
const path = require('path');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? pairs.concat([[arg.slice(2), all[i + 1]]]) : pairs, []));
const connections = Number(args.connections || 5000);
const holdSeconds = Number(args.hold || 10);
const roomSize = Number(args['room-size'] || 10);
// How long the server's heap reading (a forced GC first) may take.
const heapReadTimeoutMs = Number(args['heap-timeout-ms'] || 60000);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

function heap(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/heap', timeout: heapReadTimeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

function firstLine(child) {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const nl = text.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(text.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code}`)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

(async () => {
  const port = await freePort();
  const server = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'server.js'), '--port', String(port),
    '--connections', String(connections), '--room-size', String(roomSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let client;
  try {
    await firstLine(server);
    const before = await heap(port);
    client = spawn(process.execPath, [path.join(__dirname, 'client.js'), '--url', `http://127.0.0.1:${port}`,
      '--connections', String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const opened = await firstLine(client);
    await sleep(holdSeconds * 1000);
    const after = await heap(port);
    const held = after.sockets;
    console.log(JSON.stringify({
      server: `socket.io ${require('socket.io/package.json').version}, node ${process.version}`,
      connections, roomSize, holdSeconds, connected: opened.connected, failed: opened.failed, socketsHeld: held,
      heapBeforeBytes: before.heapUsed, heapAfterBytes: after.heapUsed,
      heapPerConnectionBytes: held > 0 ? Math.round((after.heapUsed - before.heapUsed) / held) : null,
      rssBeforeBytes: before.rss, rssAfterBytes: after.rss,
      rssPerConnectionBytes: held > 0 ? Math.round((after.rss - before.rss) / held) : null,
      externalPerConnectionBytes: held > 0 ? Math.round((after.external - before.external) / held) : null,
    }));
  } finally {
    if (client) client.kill();
    server.kill();
  }
})().catch((e) => { console.error(e.message); process.exitCode = 1; });
