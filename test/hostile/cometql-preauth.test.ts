// Pre-auth hostility on the CometQL port, against the real daemon: silent sockets cannot lock
// back ends out (a separate, smaller cap on unauthenticated connections, the oldest gives way),
// they are closed after [cometql] login_timeout, and a huge login packet is refused at its
// header, with MySQL error packets (1040, 1159, 1153) and bounded descriptors and memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import mysql from 'mysql2/promise';
import { startServer, sleep, within, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { RawMysqlClient, parseErrPayload } from '../helpers/mysql-clients.js';
import { openFds, rssBytes } from '../helpers/proc-stats.js';

// nofile 400: CometQL cap 40 connections (fd-limit.ts), unauthenticated at most 20 (half of it).
const NOFILE = 400;
const MAX_CONNECTIONS = 40;
const MAX_PREAUTH = 20;
const LOGIN_TIMEOUT = 2;

let server: RunningServer;
let pid: number;
let baselineFds: number;

before(async () => {
  server = await startServer({ nofile: NOFILE, ini: `[cometql]\nlogin_timeout = ${LOGIN_TIMEOUT}\n` });
  pid = server.proc.pid!;
  baselineFds = openFds(pid);
});
after(async () => {
  assert.equal(await server.stop(), 0);
});

const backEnd = () => mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });

/** A TCP connection that never sends a byte; collects what the server sends until it closes. */
interface Silent {
  readonly socket: Socket;
  received: Buffer;
  readonly closed: Promise<void>;
  isClosed: boolean;
}

function openSilent(): Promise<Silent> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.cometqlPort, '127.0.0.1');
    const s: Silent = {
      socket,
      received: Buffer.alloc(0),
      isClosed: false,
      closed: new Promise((r) => socket.once('close', () => ((s.isClosed = true), r()))),
    };
    socket.on('data', (d: Buffer) => (s.received = Buffer.concat([s.received, d])));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(s));
    socket.once('error', reject);
  });
}

/** The errnos of the ERR packets among what a silent socket received. */
function errnos(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let o = 0; o + 4 <= bytes.length; ) {
    const len = bytes.readUIntLE(o, 3);
    const payload = bytes.subarray(o + 4, o + 4 + len);
    if (payload[0] === 0xff) out.push(parseErrPayload(payload).errno);
    o += 4 + len;
  }
  return out;
}

async function eventually(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
    await sleep(50);
  }
}

async function openSilentFlood(n: number): Promise<Silent[]> {
  const out: Silent[] = [];
  for (let i = 0; i < n; i++) out.push(await openSilent());
  return out;
}

test('1,000 silent sockets: back ends still connect and query; the server holds at most the pre-auth cap of them', async () => {
  const flood = await openSilentFlood(1000);
  // The server keeps only the newest MAX_PREAUTH; every other one got ERR 1040 and was closed.
  await eventually(() => flood.filter((s) => s.isClosed).length >= 1000 - MAX_PREAUTH, 'all but the pre-auth cap closed by the server');
  const closed = flood.filter((s) => s.isClosed);
  assert.equal(closed.length, 1000 - MAX_PREAUTH);
  for (const s of closed) assert.deepEqual(errnos(s.received), [1040], 'greeting, then ERR 1040');
  assert.ok(openFds(pid) <= baselineFds + MAX_PREAUTH, `descriptors ${openFds(pid)} <= ${baselineFds} + ${MAX_PREAUTH}`);

  const clients: mysql.Connection[] = [];
  try {
    for (let i = 0; i < MAX_CONNECTIONS - 10; i++) {
      const c = await backEnd();
      clients.push(c);
      const [rows] = await c.query('SHOW TABLES');
      assert.ok((rows as unknown[]).length > 0);
    }
    // A second flood while 30 back ends are logged in: the remaining 10 slots still go to back ends.
    const flood2 = await openSilentFlood(1000);
    for (let i = 0; i < 10; i++) clients.push(await backEnd());
    for (const c of clients) await c.query('SELECT * FROM users_time WHERE id = 1');
    // Every slot is authenticated: the next back end and the next silent socket get ERR 1040 in place of the greeting.
    await assert.rejects(backEnd(), (err: { errno?: number; message: string }) => {
      assert.equal(err.errno, 1040, err.message);
      return true;
    });
    const late = await openSilent();
    await within(late.closed, 5000, 'refused socket closed');
    assert.deepEqual(errnos(late.received), [1040]);
    assert.equal(late.received.readUIntLE(0, 3) + 4, late.received.length, 'only the ERR packet, no greeting');
    for (const s of [...flood, ...flood2]) s.socket.destroy();
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
  const evictionLines = server.logs.filter((l) => l.msg === 'CometQL unauthenticated connection limit reached: closing the oldest (ERR 1040)');
  assert.ok(evictionLines.length >= 1 && evictionLines.length <= 3, `rate-limited: ${evictionLines.length} lines for ~2,000 evictions`);
  assert.ok(server.logs.some((l) => l.msg === 'connection limit reached: refusing new connections' && l.listener === 'cometql'));
});

test('silent sockets are closed after login_timeout with ERR 1159; a logged-in back end stays', async () => {
  await eventually(() => openFds(pid) <= baselineFds, 'earlier sockets released');
  const c = await backEnd();
  try {
    const before = openFds(pid);
    const silent = await openSilentFlood(10);
    await eventually(() => openFds(pid) >= before + 10, 'the server holds the silent sockets');
    await within(Promise.all(silent.map((s) => s.closed)), (LOGIN_TIMEOUT + 5) * 1000, 'silent sockets closed by the server');
    for (const s of silent) assert.deepEqual(errnos(s.received), [1159]);
    await eventually(() => openFds(pid) <= before, 'descriptors released');
    await sleep(LOGIN_TIMEOUT * 1000 + 1000);
    const [rows] = await c.query('SHOW TABLES');
    assert.ok((rows as unknown[]).length > 0, 'an authenticated connection has no login timeout');
  } finally {
    await c.end();
  }
  assert.ok(server.logs.some((l) => l.msg === 'CometQL login timeout: closing unauthenticated connections (ERR 1159)'));
});

test('a partial 16 MiB login packet is refused at its header (ERR 1153); memory stays bounded', async () => {
  await eventually(() => openFds(pid) <= baselineFds, 'earlier sockets released');
  const rssBefore = rssBytes(pid);
  const clients: RawMysqlClient[] = [];
  try {
    for (let i = 0; i < MAX_PREAUTH; i++) clients.push(await RawMysqlClient.connect(server.cometqlPort));
    const header = Buffer.from([0xfe, 0xff, 0xff, 1]); // 16 MiB - 2 bytes announced
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    for (const c of clients) c.write(Buffer.concat([header, chunk]));
    for (const c of clients) {
      const p = await c.readPacket();
      assert.equal(p.seq, 2);
      assert.equal(parseErrPayload(p.payload).errno, 1153);
    }
    // The rest of the packet is discarded, not parked: 20 × 8 MiB more sent.
    for (let mib = 0; mib < 8; mib++) {
      for (const c of clients) if (!c.isClosed) c.write(chunk);
      await sleep(20);
    }
    await sleep(200);
    const grown = rssBytes(pid) - rssBefore;
    assert.ok(grown < 64 * 1024 * 1024, `RSS grew by ${Math.round(grown / 1048576)} MiB for 180 MiB of partial login packets`);
  } finally {
    for (const c of clients) c.end();
  }
  assert.ok(server.logs.some((l) => l.msg === 'CometQL login packet too large: closing (ERR 1153)'));
});
