// Persistence end to end against the real daemon (store from TSCOMET_TEST_STORE): what CometQL
// acknowledged survives SIGTERM and kill -9; with MySQL, an outage behind a TCP proxy loses
// nothing and never disturbs live WebSocket delivery.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import WebSocket from 'ws';
import { startServer, testStore, mysqlUrl, TEST_PASSWORD, type RunningServer, type StartOptions } from '../helpers/server.js';
import { MysqlProxy } from '../helpers/mysql-proxy.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Row = Record<string, string>;

async function cometql(server: RunningServer): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
}

async function select(c: mysql.Connection, sql: string): Promise<Row[]> {
  const [rows] = await c.query(sql);
  return rows as Row[];
}

/** Bounded wait for a condition (a timeout fails the test; nothing asserts on durations). */
async function until(what: string, cond: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A minimal browser-like client: the v4.08 URL, JSON frames collected in arrival order. */
class WsProbe {
  readonly frames: any[] = [];
  closed = false;
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on('close', () => (this.closed = true));
  }

  static async open(server: RunningServer, userId: number, hash: string): Promise<WsProbe> {
    const uuid = randomBytes(16).toString('hex');
    const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/ws/sesion=${hash}&myid=${userId}&devid=0&v=4.08&uuid=${uuid}&api=js`);
    const probe = new WsProbe(ws);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await until('serverInfo', () => probe.frames.length > 0);
    return probe;
  }

  /** Subscribe and wait until the server has handled it (pipe_count round trip). */
  async subscribe(...pipes: string[]): Promise<void> {
    this.ws.send(`subscription\n${pipes.join('\n')}`);
    const marker = String(1_000_000_000 + Math.floor(Math.random() * 1e9));
    this.ws.send(`pipe_count\nweb_sync_barrier\n${marker}\n`); // answered after the subscription was handled
    await until('subscription handled', () => this.frames.some((f) => f.marker === marker));
  }

  data(pred: (f: any) => boolean): string[] {
    return this.frames.filter(pred).map((f) => (typeof f.data === 'string' ? f.data : JSON.stringify(f.data)));
  }

  close(): void {
    this.ws.terminate();
  }
}

const store = testStore();
const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tscomet-persist-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe(`persistence across restarts (store=${store})`, () => {
  it('SIGTERM and restart: auth, users_data, history, queue, revoked tokens and last-online time are all back', async () => {
    const dir = dataDir();
    const opts: StartOptions = { dir };
    let server = await startServer(opts);
    let c = await cometql(server);
    const history = range(7, (i) => `history ${i} Привет`);
    const queued = range(3, (i) => `queued ${i} 😀`);
    try {
      await c.query("INSERT INTO users_auth (id, hash) VALUES (101, 'hash101')");
      await c.query("INSERT INTO users_auth (id, hash) VALUES (102, 'hash102')");
      await c.query("INSERT INTO users_data (id, data) VALUES (101, '{\"name\":\"Ann\"}')");
      await c.query("INSERT INTO pipes_settings (name, length) VALUES ('e2e_hist', 5)");
      for (const m of history) await c.query('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['e2e_hist', 'ev', m]);
      for (const m of queued) await c.query('INSERT INTO users_messages (id, event, message) VALUES (?, ?, ?)', [102, 'pm', m]);
      await c.query("INSERT INTO revoked_tokens (token) VALUES ('header.payload.signature')");
      const visitor = await WsProbe.open(server, 101, 'hash101');
      visitor.close();
      await until('user 101 offline', async () => Number((await select(c, 'SELECT * FROM users_time WHERE id IN (101)'))[0]?.time) > 0);
    } finally {
      await c.end();
    }
    assert.equal(await server.stop(), 0);

    server = await startServer({ ...opts, keepData: true });
    c = await cometql(server);
    try {
      assert.deepEqual((await select(c, 'SELECT * FROM users_auth WHERE id IN (101, 102)')).map((r) => [r.id, r.hash]), [['101', 'hash101'], ['102', 'hash102']]);
      assert.deepEqual((await select(c, 'SELECT * FROM users_data WHERE id IN (101)')).map((r) => r.data), ['{"name":"Ann"}']);
      assert.deepEqual((await select(c, "SELECT * FROM pipes_settings WHERE name IN ('e2e_hist')")).map((r) => r.length), ['5']);
      assert.deepEqual((await select(c, "SELECT * FROM pipes_messages WHERE name IN ('e2e_hist')")).map((r) => r.message), history.slice(2));
      assert.deepEqual((await select(c, 'SELECT * FROM users_messages WHERE id IN (102)')).map((r) => r.message), queued);
      assert.deepEqual((await select(c, "SELECT * FROM revoked_tokens WHERE token IN ('header.payload.signature')")).length, 1);
      assert.ok(Number((await select(c, 'SELECT * FROM users_time WHERE id IN (101)'))[0].time) > 0, 'last-online time survived');

      const offline = await WsProbe.open(server, 102, 'hash102');
      assert.equal(offline.frames[0].event, 'serverInfo');
      assert.equal(offline.frames[0].authorized, true);
      await until('every queued message', () => offline.data((f) => f.fromQueue === true && f.pipe === 'msg').length === queued.length);
      assert.deepEqual(offline.data((f) => f.fromQueue === true && f.pipe === 'msg'), queued);
      offline.close();
      await until('queue emptied', async () => (await select(c, 'SELECT * FROM users_messages WHERE id IN (102)')).length === 0);
    } finally {
      await c.end();
    }
    assert.equal(await server.stop(), 0);

    server = await startServer({ ...opts, keepData: true });
    c = await cometql(server);
    try {
      assert.deepEqual(await select(c, 'SELECT * FROM users_messages WHERE id IN (102)'), [], 'delivered messages stay deleted');
    } finally {
      await c.end();
      await server.stop();
    }
  });

  it('kill -9: every write CometQL acknowledged, and everything written before it, is there after restart', async () => {
    const dir = dataDir();
    let server = await startServer({ dir });
    let c = await cometql(server);
    const history = range(5, (i) => `before-kill ${i}`);
    const queued = range(4, (i) => `pm-before-kill ${i}`);
    try {
      await c.query("INSERT INTO pipes_settings (name, length) VALUES ('kill_hist', 50)");
      for (const m of history) await c.query('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['kill_hist', 'ev', m]);
      for (const m of queued) await c.query('INSERT INTO users_messages (id, event, message) VALUES (?, ?, ?)', [301, 'pm', m]);
      await c.query("INSERT INTO users_auth (id, hash) VALUES (301, 'hash301')");
      await c.query("INSERT INTO users_data (id, data) VALUES (301, 'last acknowledged write')");
    } finally {
      c.destroy();
    }
    await server.kill9();

    server = await startServer({ dir, keepData: true });
    c = await cometql(server);
    try {
      assert.deepEqual((await select(c, 'SELECT * FROM users_auth WHERE id IN (301)')).map((r) => r.hash), ['hash301']);
      assert.deepEqual((await select(c, 'SELECT * FROM users_data WHERE id IN (301)')).map((r) => r.data), ['last acknowledged write']);
      assert.deepEqual((await select(c, 'SELECT * FROM users_messages WHERE id IN (301)')).map((r) => r.message), queued);
      assert.deepEqual((await select(c, "SELECT * FROM pipes_messages WHERE name IN ('kill_hist')")).map((r) => r.message), history);
    } finally {
      await c.end();
      await server.stop();
    }
  });
});

const target = mysqlUrl();

describe('MySQL outage behind a proxy', { skip: store === 'mysql' && target ? false : 'needs TSCOMET_TEST_STORE=mysql and TSCOMET_TEST_MYSQL' }, () => {
  it('CometQL keeps answering, WebSocket delivery never stops, and nothing is lost', async () => {
    const u = target!;
    const proxy = await MysqlProxy.start(u.hostname, Number(u.port || 3306));
    const dir = dataDir();
    let server = await startServer({ dir, store: 'mysql', ini: `[db]\nport = ${proxy.port}\n` });
    const c = await cometql(server);
    const direct = await mysql.createConnection({ host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) });
    const live: string[] = [];
    const queued: string[] = [];
    let listener: WsProbe | undefined;
    try {
      await c.query("INSERT INTO users_auth (id, hash) VALUES (401, 'hash401')");
      await c.query("INSERT INTO users_auth (id, hash) VALUES (402, 'hash402')");
      await c.query("INSERT INTO pipes_settings (name, length) VALUES ('outage_pipe', 1000)");
      listener = await WsProbe.open(server, 401, 'hash401');
      await listener.subscribe('outage_pipe');
      const publish = async (m: string) => {
        live.push(m);
        await c.query('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['outage_pipe', 'ev', m]);
      };
      const enqueue = async (m: string) => {
        queued.push(m);
        await c.query('INSERT INTO users_messages (id, event, message) VALUES (?, ?, ?)', [402, 'pm', m]);
      };
      for (let i = 0; i < 5; i++) {
        await publish(`before ${i}`);
        await enqueue(`queued before ${i}`);
      }

      proxy.cut();
      await publish('first during outage');
      await until('the server noticed the outage', () => server.logs.some((l) => /storage unavailable/.test(String(l.msg))));
      for (let i = 0; i < 20; i++) {
        await publish(`during ${i}`);
        await enqueue(`queued during ${i}`);
      }
      await c.query("INSERT INTO users_data (id, data) VALUES (401, 'written during the outage')");
      assert.deepEqual((await select(c, 'SELECT * FROM users_messages WHERE id IN (402)')).map((r) => r.message), queued.slice(0, 10), 'reads (first 10, as upstream) are served during the outage');
      await until('live delivery during the outage', () => listener!.data((f) => f.pipe === 'outage_pipe').length === live.length);
      assert.equal(proxy.isCut, true);

      proxy.restore();
      await until('the server noticed the store is back', () => server.logs.some((l) => /available again/.test(String(l.msg))));
      for (let i = 0; i < 3; i++) await publish(`after ${i}`);
      await enqueue('queued after');
      await until('every message reached the listener', () => listener!.data((f) => f.pipe === 'outage_pipe').length === live.length);
      assert.deepEqual(listener.data((f) => f.pipe === 'outage_pipe'), live);
      assert.equal(listener.closed, false, 'the WebSocket client was never disconnected');

      const stored = async (sql: string) => ((await direct.query(sql))[0] as Row[]).map((r) => r.message);
      await until('history replayed into MySQL', async () => (await stored("SELECT message FROM pipe_messages WHERE pipe_name = 'outage_pipe'")).length === live.length);
      assert.deepEqual(await stored("SELECT message FROM pipe_messages WHERE pipe_name = 'outage_pipe' ORDER BY seq"), live);
      assert.deepEqual(await stored('SELECT message FROM users_messages WHERE user_id = 402 ORDER BY seq'), queued);
      assert.deepEqual(((await direct.query('SELECT data FROM users_data WHERE user_id = 401'))[0] as Row[]).map((r) => r.data), ['written during the outage']);
    } finally {
      listener?.close();
      await c.end();
      await direct.end();
      assert.equal(await server.stop(), 0);
    }

    server = await startServer({ dir, store: 'mysql', keepData: true, ini: `[db]\nport = ${proxy.port}\n` });
    const after = await cometql(server);
    try {
      assert.deepEqual((await select(after, "SELECT * FROM pipes_messages WHERE name IN ('outage_pipe')")).map((r) => r.message), live.slice(-99));
      const offline = await WsProbe.open(server, 402, 'hash402');
      await until('every queued message', () => offline.data((f) => f.fromQueue === true && f.pipe === 'msg').length === queued.length);
      assert.deepEqual(offline.data((f) => f.fromQueue === true && f.pipe === 'msg'), queued);
      offline.close();
    } finally {
      await after.end();
      await server.stop();
      await proxy.close();
    }
  });
});
