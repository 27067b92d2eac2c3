#!/usr/bin/env node
// Runs the client's tests with Node's own test runner.
//   node scripts/test.mjs          unit tests, then the end-to-end tests against a real platform
//   node scripts/test.mjs --unit   unit tests only
// The platform is the embedded one (every service in one JVM, embedded stores), started from
// platform/target/chat-platform.jar (built by `mvn package`) on a free port with its data in a
// temporary folder, and stopped afterwards. Set CHAT_URL to test against one already running.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const clientDir = resolve(here, '..');
const repoDir = resolve(clientDir, '../..');
const unitOnly = process.argv.includes('--unit');

/** How long the platform may take to start on a 2-core machine. */
const START_TIMEOUT_MS = 120_000;

/**
 * The platform's production settings, except what these tests need room for:
 * - PASSWORD_HASH_ITERATIONS: every test registers users; the production cost only slows them.
 * - RATE_LIMIT_AUTH_IP_BURST: every test user registers and logs in from 127.0.0.1 (30 a burst).
 * - RATE_LIMIT_SEND_BURST, RATE_LIMIT_REST_WRITES_BURST: the sync test stores a few hundred
 *   messages of one user over REST at once, for the client to catch up on.
 */
const TEST_SETTINGS = {
  PASSWORD_HASH_ITERATIONS: '1000',
  RATE_LIMIT_AUTH_IP_BURST: '100000',
  RATE_LIMIT_SEND_BURST: '100000',
  RATE_LIMIT_REST_WRITES_BURST: '100000',
};

function testFiles(folder) {
  const dir = join(clientDir, 'test', folder);
  return readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort().map((f) => join(dir, f));
}

function runTests(files, env) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--test', ...files], { cwd: clientDir, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

/** Starts the jar; resolves with {url, stop} once it listens. */
async function startPlatform() {
  const jar = process.env.CHAT_PLATFORM_JAR || join(repoDir, 'platform/target/chat-platform.jar');
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build it first (mvn -DskipTests package)`);
  const outDir = join(clientDir, 'target');
  mkdirSync(outDir, { recursive: true });
  const logPath = join(outDir, 'platform.log');
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-js-client-'));
  const log = createWriteStream(logPath);
  console.log(`starting the platform (${jar}); its log: ${logPath}`);
  const java = spawn('java', ['-jar', jar], {
    env: { ...process.env, ...TEST_SETTINGS, DATA_DIR: dataDir, HTTP_PORT: '0', HTTP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  java.stderr.pipe(log, { end: false });
  // 'close', not 'exit': its output is all read (and logged) by then.
  const exited = new Promise((resolveExit) => java.on('close', resolveExit));
  const stop = async () => {
    if (java.exitCode === null && java.signalCode === null) {
      java.kill('SIGTERM');
      const killer = setTimeout(() => java.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    }
    log.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const url = await new Promise((resolveUrl, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the platform did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    java.stdout.on('data', (chunk) => {
      log.write(chunk);
      seen = (seen + chunk.toString()).slice(-4096);
      const match = /open (http:\/\/localhost:\d+)\//.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1].replace('localhost', '127.0.0.1'));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the platform exited (code ${code}) before it listened`));
    });
  }).catch(async (error) => {
    await stop();
    throw error;
  });
  return { url, stop, logPath };
}

let code = await runTests(testFiles('unit'), {});
if (!unitOnly) {
  let platform = null;
  let url = process.env.CHAT_URL;
  try {
    if (!url) {
      platform = await startPlatform();
      url = platform.url;
    }
    console.log(`end-to-end tests against ${url}`);
    code = (await runTests(testFiles('e2e'), { CHAT_URL: url })) || code;
  } catch (error) {
    console.error(error.message);
    code = 1;
  } finally {
    if (platform) {
      await platform.stop();
      console.log(`platform stopped; its log: ${platform.logPath}`);
    }
  }
}
process.exit(code);
