// Unit tests of the CometQL listener over real sockets with a raw protocol client. The engine is
// the scripted test engine from test/helpers/mysql-clients.ts, not the real CometQL engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startCometqlListener, type CometqlListener } from '../../src/cometql/listener.js';
import type { CometqlConfig } from '../../src/config/config.js';
import { ListenerStats } from '../../src/stats.js';
import { MYSQL_SERVER_VERSION } from '../../src/version.js';
import { CLIENT, DEFAULT_CLIENT_CAPS, RawMysqlClient, ScriptedEngine, commandPacket, frame, loginPacket, nativeToken, parseErrPayload, parseOkPayload, type RawResult } from '../helpers/mysql-clients.js';

const testConfig = (over: Partial<CometqlConfig> = {}): CometqlConfig => ({
  enabled: true,
  tls: null,
  ip: '127.0.0.1',
  port: 0,
  backlog: 128,
  uptimeTestInterval: 0,
  maxUptime: 0,
  statistics: 0,
  maxQuerySize: 9000,
  decodeEscapes: false,
  loginTimeout: 5,
  maxLoginPacketSize: 16384,
  maxPreauthConnections: 128,
  ...over,
});

const logLines: Array<Record<string, unknown>> = [];
const logStream = new Writable({
  write(chunk: Buffer, _enc, cb) {
    for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  },
});

let listener: CometqlListener;
const engine = new ScriptedEngine();
const stats = new ListenerStats('cometql', 0);

before(async () => {
  listener = await startCometqlListener({ config: testConfig(), password: 'CometQLPassword', devIndexSize: 100000, engine, stats, log: pino({ level: 'debug' }, logStream) });
});
after(() => listener.close());

async function connected(o: Parameters<RawMysqlClient['login']>[0] = {}): Promise<RawMysqlClient> {
  const c = await RawMysqlClient.connect(listener.port);
  const answer = await c.login(o);
  assert.equal(answer.payload[0], 0x00, `login failed: ${answer.payload.subarray(9).toString()}`);
  return c;
}

const err = (r: RawResult) => {
  assert.equal(r.kind, 'err', JSON.stringify(r));
  return r as Extract<RawResult, { kind: 'err' }>;
};
const rowsOf = (r: RawResult) => {
  assert.equal(r.kind, 'rows', JSON.stringify(r));
  return r as Extract<RawResult, { kind: 'rows' }>;
};

test('greeting (COMETQL.md 2.2)', async () => {
  const a = await RawMysqlClient.connect(listener.port);
  const b = await RawMysqlClient.connect(listener.port);
  const g = a.greeting;
  assert.equal(g.protocol, 10);
  assert.equal(g.serverVersion, MYSQL_SERVER_VERSION);
  assert.equal(g.charset, 33);
  assert.equal(g.status, 0x0002);
  assert.equal(g.plugin, 'mysql_native_password');
  assert.equal(g.capabilities & CLIENT.SSL, 0, 'no SSL (scenario #2, #19)');
  assert.equal(g.capabilities & 0x20, 0, 'no COMPRESS (scenario #18)');
  assert.equal(g.scramble.length, 20);
  assert.ok([...g.scramble].every((x) => x >= 1 && x <= 0x7f));
  assert.notEqual(a.greeting.connectionId, b.greeting.connectionId);
  assert.notDeepEqual(a.greeting.scramble, b.greeting.scramble);
  a.end();
  b.end();
});

test('login: right password -> OK (fixed form, sequence 2); queries work', async () => {
  const c = await RawMysqlClient.connect(listener.port);
  const answer = await c.login();
  assert.equal(answer.seq, 2);
  assert.equal(answer.payload.toString('hex'), '00000002000000');
  assert.deepEqual(rowsOf(await c.query('show tables')).rows.length, 7);
  c.end();
});

test('login failures answer ERR 16 with sequence 2 and close (scenarios #4, #5)', async (t) => {
  const cases: Array<[string, Parameters<RawMysqlClient['login']>[0], string]> = [
    ['wrong password', { password: 'nope' }, 'Authentication failure'],
    ['19-byte response', { authResponse: Buffer.alloc(19, 1) }, 'Authentication failure, authDataLen!=20'],
    ['empty response without PLUGIN_AUTH', { password: '', plugin: null }, 'Authentication failure, authDataLen!=20'],
    ['dev_id out of range', { user: '100000' }, 'Authentication failure'],
    ['dev_id above 2^31-1', { user: '4294967296' }, 'Authentication failure'],
  ];
  for (const [name, o, message] of cases) {
    await t.test(name, async () => {
      const c = await RawMysqlClient.connect(listener.port);
      const p = await c.login(o);
      assert.equal(p.seq, 2);
      assert.deepEqual(parseErrPayload(p.payload), { kind: 'err', errno: 16, sqlState: 'HY000', message });
      await c.closed();
    });
  }
});

test('auth switch: empty first response -> AuthSwitchRequest for mysql_native_password (2.4)', async (t) => {
  await t.test('answered with the right token -> OK sequence 4', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    const sw = await c.login({ authResponse: Buffer.alloc(0) });
    assert.equal(sw.seq, 2);
    assert.equal(sw.payload.toString('latin1'), '\xfemysql_native_password\0' + c.greeting.scramble.toString('latin1') + '\0');
    c.send(nativeToken('CometQLPassword', c.greeting.scramble), 3);
    const ok = await c.readPacket();
    assert.equal(ok.seq, 4);
    assert.equal(ok.payload[0], 0);
    assert.equal(rowsOf(await c.query('select 1')).rows[0][0], '1');
    c.end();
  });
  await t.test('answered empty (client without password) -> ERR 16 authDataLen!=20, closed', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    await c.login({ password: '' });
    c.send(Buffer.alloc(0), 3);
    const p = await c.readPacket();
    assert.equal(p.seq, 4);
    assert.equal(parseErrPayload(p.payload).message, 'Authentication failure, authDataLen!=20');
    await c.closed();
  });
  await t.test('a client starting with caching_sha2_password and no token is switched too (scenario #16)', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    const sw = await c.login({ plugin: 'caching_sha2_password', authResponse: Buffer.alloc(0) });
    assert.equal(sw.payload[0], 0xfe);
    c.send(nativeToken('CometQLPassword', c.greeting.scramble), 3);
    assert.equal((await c.readPacket()).payload[0], 0);
    c.end();
  });
});

test('caching_sha2_password fast path: 01 03 then OK (scenario #17)', async () => {
  const c = await RawMysqlClient.connect(listener.port);
  const fast = await c.login({ plugin: 'caching_sha2_password' });
  assert.equal(fast.seq, 2);
  assert.equal(fast.payload.toString('hex'), '0103');
  const ok = await c.readPacket();
  assert.equal(ok.seq, 3);
  assert.equal(ok.payload.toString('hex'), '00000002000000');
  assert.equal(rowsOf(await c.query('select 1')).rows.length, 1);
  c.end();
  const bad = await RawMysqlClient.connect(listener.port);
  const p = await bad.login({ plugin: 'caching_sha2_password', authResponse: Buffer.alloc(32, 7) });
  assert.equal(parseErrPayload(p.payload).errno, 16);
  await bad.closed();
});

test('haproxy_check (scenario #6)', async (t) => {
  const post41 = Buffer.concat([Buffer.from('00820000' + '00800001' + '21', 'hex'), Buffer.alloc(23), Buffer.from('haproxy_check\0\0')]);
  await t.test('post-41 login and COM_QUIT in one write: OK, then the server closes', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    c.write(Buffer.concat([frame(post41, 1), frame(Buffer.from([0x01]), 0)]));
    const ok = await c.readPacket();
    assert.equal(ok.payload.toString('hex'), '00000002000000');
    await c.closed();
  });
  await t.test('pre-41 login', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    c.send(Buffer.concat([Buffer.from('0080' + '000001', 'hex'), Buffer.from('haproxy_check\0\0')]), 1);
    assert.equal((await c.readPacket()).payload[0], 0x00);
    c.end();
  });
  await t.test('then PING OK, COM_QUERY and PREPARE ERR 403, INIT_DB answered', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    c.send(post41, 1);
    await c.readPacket();
    assert.equal((await c.command(commandPacket(0x0e))).kind, 'ok');
    assert.deepEqual(err(await c.query('show tables')), { kind: 'err', errno: 403, sqlState: 'HY000', message: 'Access denied' });
    assert.equal(err(await c.command(commandPacket(0x16, 'select ?'))).errno, 403);
    assert.equal((await c.command(commandPacket(0x02, 'CometQL_v1'))).kind, 'ok');
    c.end();
  });
});

test('SSLRequest and malformed login packets: ERR 16 and close, never a crash', async (t) => {
  const ssl = Buffer.alloc(32);
  ssl.writeUInt32LE(DEFAULT_CLIENT_CAPS | CLIENT.SSL, 0);
  const cases: Array<[string, Buffer, string]> = [
    ['SSLRequest', ssl, 'Authentication failure, authDataLen!=20'],
    ['empty packet', Buffer.alloc(0), 'Authentication failure'],
    ['cut login', loginPacket(Buffer.alloc(20)).subarray(0, 30), 'Authentication failure'],
    ['user without NUL', Buffer.concat([loginPacket(Buffer.alloc(20)).subarray(0, 32), Buffer.from('root')]), 'Authentication failure'],
  ];
  for (const [name, payload, message] of cases) {
    await t.test(name, async () => {
      const c = await RawMysqlClient.connect(listener.port);
      c.send(payload, 1);
      const p = await c.readPacket();
      assert.equal(p.seq, 2);
      assert.deepEqual(parseErrPayload(p.payload), { kind: 'err', errno: 16, sqlState: 'HY000', message });
      await c.closed();
    });
  }
});

test('user name -> dev_id and login database (2.5, 2.6, scenarios #7-#10)', async (t) => {
  await t.test('user 15', async () => {
    const c = await connected({ user: '15' });
    assert.equal(rowsOf(await c.query('select dev_id')).rows[0][0], '15');
    c.end();
  });
  await t.test('user 15 with database db_7 -> dev 7', async () => {
    const c = await connected({ user: '15', database: 'db_7' });
    assert.equal(rowsOf(await c.query('select dev_id')).rows[0][0], '7');
    c.end();
  });
  await t.test('a non-numeric name is dev 0 with a warning in the log', async () => {
    const c = await connected({ user: 'admin' });
    assert.equal(rowsOf(await c.query('select dev_id')).rows[0][0], '0');
    assert.ok(logLines.some((l) => l.user === 'admin' && l.level === 40));
    c.end();
  });
  await t.test('database nope -> ERR 15 and close', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    const p = await c.login({ database: 'nope' });
    assert.deepEqual(parseErrPayload(p.payload), { kind: 'err', errno: 15, sqlState: 'HY000', message: 'Select database failure' });
    await c.closed();
  });
  await t.test('empty database name at login = no database (scenario #8)', async () => {
    const c = await connected({ database: '' });
    assert.deepEqual(rowsOf(await c.query('select database()')).rows, [['']]);
    c.end();
  });
  await t.test('COM_INIT_DB db_7, then db_100000 -> ERR 15 and the connection stays open', async () => {
    const c = await connected();
    assert.equal((await c.command(commandPacket(0x02, 'db_7'))).kind, 'ok');
    assert.equal(rowsOf(await c.query('select dev_id')).rows[0][0], '7');
    assert.equal(err(await c.command(commandPacket(0x02, 'db_100000'))).errno, 15);
    assert.equal((await c.command(commandPacket(0x0e))).kind, 'ok');
    c.end();
  });
  await t.test('no password is ever logged', () => {
    const text = JSON.stringify(logLines);
    assert.equal(text.includes('CometQLPassword'), false);
  });
});

test('pipelined and split packets (2.1, scenario #20)', async (t) => {
  await t.test('two queries in one write get two answers in order', async () => {
    const c = await connected();
    c.write(Buffer.concat([frame(commandPacket(0x03, 'show databases'), 0), frame(commandPacket(0x03, 'show tables'), 0)]));
    assert.deepEqual(rowsOf(await c.readResult()).columns, ['Database']);
    assert.deepEqual(rowsOf(await c.readResult()).columns, ['Tables']);
    c.end();
  });
  await t.test('login and a query written one byte at a time', async () => {
    const c = await RawMysqlClient.connect(listener.port);
    const bytes = Buffer.concat([frame(loginPacket(c.greeting.scramble), 1), frame(commandPacket(0x03, 'show databases'), 0)]);
    for (const b of bytes) {
      c.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal((await c.readPacket()).payload[0], 0);
    assert.deepEqual(rowsOf(await c.readResult()).rows, [['CometQL_v1']]);
    c.end();
  });
});

test('command-phase answers (2.8, scenario #58)', async (t) => {
  const c = await connected();
  await t.test('COM_PING -> OK', async () => assert.deepEqual(await c.command(commandPacket(0x0e)), { kind: 'ok', affectedRows: 0, insertId: 0, status: 2, warnings: 0, info: Buffer.alloc(0) }));
  await t.test('COM_FIELD_LIST -> EOF', async () => assert.deepEqual(await c.command(commandPacket(0x04, 'pipes\0')), { kind: 'eof', warnings: 0, status: 2 }));
  await t.test('COM_STATISTICS -> a text line', async () => {
    c.send(commandPacket(0x09), 0);
    const p = await c.readPacket();
    assert.equal(p.seq, 1);
    assert.match(p.payload.toString(), /^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+ {2}Slow queries: 0 {2}Opens: 0 {2}Flush tables: 0 {2}Open tables: 0 {2}Queries per second avg: [\d.]+$/);
  });
  await t.test('COM_PROCESS_KILL -> ERR 1094', async () => {
    const body = Buffer.alloc(4);
    body.writeUInt32LE(5);
    assert.deepEqual(err(await c.command(commandPacket(0x0c, body))), { kind: 'err', errno: 1094, sqlState: 'HY000', message: 'Unknown thread id: 5' });
  });
  await t.test('unknown command 0x42 and COM_SLEEP -> ERR 1047 08S01', async () => {
    assert.deepEqual(err(await c.command(commandPacket(0x42))), { kind: 'err', errno: 1047, sqlState: '08S01', message: 'Unknown command' });
    assert.equal(err(await c.command(commandPacket(0x00))).errno, 1047);
    assert.equal(err(await c.command(Buffer.alloc(0))).errno, 1047);
  });
  await t.test('COM_STMT_CLOSE of an unknown statement -> no answer', async () => {
    c.send(commandPacket(0x19, Buffer.from([9, 0, 0, 0])), 0);
    assert.ok(await c.nothingPendingBeforePing());
  });
  await t.test('COM_RESET_CONNECTION -> OK', async () => assert.equal((await c.command(commandPacket(0x1f))).kind, 'ok'));
  await t.test('COM_QUIT closes without an answer', async () => {
    c.send(commandPacket(0x01), 0);
    await c.closed();
  });
});

test('query text: length limits in bytes, UTF-8 decoding, engine failures (2.11)', async (t) => {
  const c = await connected();
  await t.test('3 bytes -> ERR 17, not passed to the engine (scenario #30)', async () => {
    assert.deepEqual(err(await c.query('abc')), { kind: 'err', errno: 17, sqlState: 'HY000', message: 'Data is too short' });
    assert.equal(engine.queries.includes('abc'), false);
  });
  await t.test('8999 bytes reach the engine; 9000 -> ERR 11', async () => {
    const q8999 = 'echo ' + 'x'.repeat(8994);
    assert.equal(rowsOf(await c.query(q8999)).rows[0][0].length, 8994);
    const q9000 = 'echo ' + 'é'.repeat(4497) + 'x';
    assert.equal(Buffer.byteLength(q9000), 9000);
    assert.deepEqual(err(await c.query(q9000)), { kind: 'err', errno: 11, sqlState: 'HY000', message: 'Data is too long' });
    assert.equal(engine.queries.includes(q9000), false);
  });
  await t.test('invalid UTF-8 becomes U+FFFD; an embedded NUL is kept', async () => {
    c.send(Buffer.concat([Buffer.from([0x03]), Buffer.from('echo a'), Buffer.from([0xff, 0xfe]), Buffer.from('b')]), 0);
    assert.deepEqual(rowsOf(await c.readResult()).rows, [['a\ufffd\ufffdb']]);
    assert.deepEqual(rowsOf(await c.query('echo a\0b')).rows, [['a\0b']]);
  });
  await t.test('an engine exception -> ERR 500; the connection stays usable', async () => {
    assert.equal(err(await c.query('throw')).errno, 500);
    assert.equal((await c.command(commandPacket(0x0e))).kind, 'ok');
  });
  await t.test('OK of an INSERT: affected 1, insert id 70000, status 2, 0 warnings, no info (scenarios #45, #56)', async () => {
    assert.deepEqual(await c.query('insert into users_auth (id, hash) values (70000, "h")'), { kind: 'ok', affectedRows: 1, insertId: 70000, status: 2, warnings: 0, info: Buffer.alloc(0) });
  });
  await t.test('column definitions: VAR_STRING, NOT_NULL, charset 45 utf8mb4 (scenario #57, deviation)', async () => {
    const r = rowsOf(await c.query('show databases'));
    const def = r.columnDefs[0];
    const fixed = def.subarray(def.length - 12);
    assert.equal(fixed.readUInt16LE(0), 45);
    assert.equal(fixed[6], 0xfd);
    assert.equal(fixed.readUInt16LE(7), 1);
  });
  c.end();
});

test('several statements in one query (2.13, scenario #32)', async () => {
  const c = await connected();
  assert.equal(err(await c.query('show tables; show databases')).errno, 3, 'multi-statements off by default');
  assert.deepEqual(await c.command(commandPacket(0x1b, Buffer.from([0, 0]))), { kind: 'eof', warnings: 0, status: 2 });
  c.send(commandPacket(0x03, 'show tables; insert into x; show databases'), 0);
  const first = rowsOf(await c.readResult());
  assert.equal(first.status, 0x000a, 'MORE_RESULTS on the first result');
  const second = await c.readResult();
  assert.equal(second.kind === 'ok' && second.status, 0x000a);
  const third = rowsOf(await c.readResult());
  assert.equal(third.status, 0x0002, 'not on the last');
  assert.ok(await c.nothingPendingBeforePing());
  c.send(commandPacket(0x03, 'show tables; bogus; show databases'), 0);
  assert.equal(rowsOf(await c.readResult()).status, 0x000a);
  assert.equal(err(await c.readResult()).errno, 3, 'stops at the first error');
  assert.ok(await c.nothingPendingBeforePing());
  await c.command(commandPacket(0x1b, Buffer.from([1, 0])));
  assert.equal(err(await c.query('show tables; show databases')).errno, 3, 'off again');
  c.end();
  const m = await connected({ caps: DEFAULT_CLIENT_CAPS | CLIENT.MULTI_STATEMENTS });
  m.send(commandPacket(0x03, 'show tables; show databases'), 0);
  assert.equal(rowsOf(await m.readResult()).status, 0x000a, 'login flag enables them');
  assert.equal(rowsOf(await m.readResult()).status, 0x0002);
  m.end();
});

test('large packets (2.1)', async (t) => {
  await t.test('a query of 16 MiB in two protocol packets is reassembled and answered ERR 11; the connection stays', async () => {
    const c = await connected();
    const payload = Buffer.alloc(0xffffff + 1, 0x61);
    payload[0] = 0x03;
    c.write(Buffer.concat([frame(payload.subarray(0, 0xffffff), 0), frame(payload.subarray(0xffffff), 1)]));
    const p = await c.readPacket(20000);
    assert.equal(p.seq, 2);
    assert.equal(parseErrPayload(p.payload).errno, 11);
    assert.equal((await c.command(commandPacket(0x0e))).kind, 'ok');
    c.end();
  });
  await t.test('a packet above the maximum: ERR 11 for a query, then close', async () => {
    const c = await connected();
    const payload = Buffer.alloc(0xffffff, 0x62);
    payload[0] = 0x03;
    c.write(Buffer.concat([frame(payload, 0), frame(Buffer.alloc(10), 1)]));
    const p = await c.readPacket(20000);
    assert.equal(parseErrPayload(p.payload).errno, 11);
    await c.closed();
  });
  await t.test('a result row above 16 MiB is split into several packets', async () => {
    const c = await connected();
    const r = rowsOf(await c.query(`big ${0xffffff + 100}`)).rows;
    assert.equal(r[0][0].length, 0xffffff + 100);
    c.end();
  });
});

/** COM_STMT_PREPARE and its whole answer. */
async function prepareRaw(c: RawMysqlClient, sql: string) {
  c.send(commandPacket(0x16, sql), 0);
  const head = (await c.readPacket()).payload;
  if (head[0] === 0xff) return { error: parseErrPayload(head) };
  const id = head.readUInt32LE(1);
  const columns = head.readUInt16LE(5);
  const params = head.readUInt16LE(7);
  const defs: Buffer[] = [];
  for (let i = 0; i < params + (params ? 1 : 0) + columns + (columns ? 1 : 0); i++) defs.push((await c.readPacket()).payload);
  return { id, columns, params, defs, head };
}

test('COM_CHANGE_USER re-authenticates against the greeting scramble and resets the session', async (t) => {
  const changeUser = (scramble: Buffer, user: string, password: string, database: string) =>
    Buffer.concat([Buffer.from([0x11]), Buffer.from(`${user}\0`), Buffer.from([password ? 20 : 0]), nativeToken(password, scramble), Buffer.from(`${database}\0`), Buffer.from([33, 0]), Buffer.from('mysql_native_password\0')]);
  await t.test('right password: OK; user 9 -> dev 9; database reset', async () => {
    const c = await connected({ database: 'CometQL_v1' });
    assert.equal((await prepareRaw(c, 'select ?')).id, 1);
    const r = await c.command(changeUser(c.greeting.scramble, '9', 'CometQLPassword', ''));
    assert.equal(r.kind, 'ok');
    assert.equal(rowsOf(await c.query('select dev_id')).rows[0][0], '9');
    assert.deepEqual(rowsOf(await c.query('select database()')).rows, [['']]);
    const exec = Buffer.from('17' + '01000000' + '00' + '01000000' + '00' + '01' + 'fd00' + '0161', 'hex');
    assert.equal(err(await c.command(exec)).errno, 1243, 'prepared statements are dropped');
    c.end();
  });
  await t.test('wrong password: ERR 16 and close', async () => {
    const c = await connected();
    assert.equal(err(await c.command(changeUser(c.greeting.scramble, 'root', 'bad', ''))).errno, 16);
    await c.closed();
  });
});

test('prepared statements (2.12)', async (t) => {
  const c = await connected();
  const prepare = (sql: string) => prepareRaw(c, sql);
  const execute = (id: number, values: Buffer, types: string, nullBitmap = '00') =>
    c.command(Buffer.concat([Buffer.from('17', 'hex'), Buffer.from([id, 0, 0, 0]), Buffer.from('0001000000', 'hex'), Buffer.from(nullBitmap + '01' + types, 'hex'), values]), true);

  await t.test('PREPARE_OK with parameter and column definitions', async () => {
    const p = await prepare('select * from users_time where id = ?');
    assert.equal(p.params, 1);
    assert.equal(p.columns, 1);
    assert.equal(p.head!.length, 12);
    assert.equal(p.defs![1].toString('hex'), 'fe00000200');
    assert.equal(p.defs![3].toString('hex'), 'fe00000200');
  });
  await t.test('execute: binary result set with the decoded parameter (scenario #52)', async () => {
    const p = await prepare('select ?, ?');
    const dbl = Buffer.alloc(8);
    dbl.writeDoubleLE(2);
    const r = rowsOf(await execute(p.id!, Buffer.concat([dbl, Buffer.from('026869', 'hex')]), '0500' + 'fd00'));
    assert.deepEqual(r.rows, [['2', 'hi']]);
    const again = await c.command(Buffer.concat([Buffer.from('17', 'hex'), Buffer.from([p.id!, 0, 0, 0]), Buffer.from('0001000000', 'hex'), Buffer.from('00' + '00', 'hex'), dbl, Buffer.from('0178', 'hex')]), true);
    assert.deepEqual(rowsOf(again).rows, [['2', 'x']], 'types remembered when not resent');
    const withNull = rowsOf(await execute(p.id!, Buffer.from('0179', 'hex'), '0600' + 'fd00', '01'));
    assert.deepEqual(withNull.rows, [['NULL', 'y']]);
  });
  await t.test('insert: OK; COM_STMT_CLOSE gets no answer and the next query works (scenario #53)', async () => {
    const p = await prepare('insert into pipes_messages (name, event, message) values (?, ?, ?)');
    assert.equal(p.columns, 0);
    const r = await execute(p.id!, Buffer.from('027031' + '0165' + '016d', 'hex'), 'fd00fd00fd00');
    assert.equal(r.kind, 'ok');
    c.send(commandPacket(0x19, Buffer.from([p.id!, 0, 0, 0])), 0);
    assert.ok(await c.nothingPendingBeforePing());
    assert.equal(err(await execute(p.id!, Buffer.from('016101620163', 'hex'), 'fd00fd00fd00')).errno, 1243);
    assert.equal(rowsOf(await c.query('show databases')).rows.length, 1);
  });
  await t.test('SEND_LONG_DATA (no answer) then execute; STMT_RESET OK; FETCH ERR', async () => {
    const p = await prepare('select ?');
    c.send(Buffer.concat([Buffer.from([0x18, p.id!, 0, 0, 0, 0, 0]), Buffer.from('long ')]), 0);
    c.send(Buffer.concat([Buffer.from([0x18, p.id!, 0, 0, 0, 0, 0]), Buffer.from('data')]), 0);
    assert.deepEqual(rowsOf(await execute(p.id!, Buffer.alloc(0), 'fc00')).rows, [['long data']]);
    assert.equal((await c.command(Buffer.from([0x1a, p.id!, 0, 0, 0]))).kind, 'ok');
    assert.equal(err(await c.command(Buffer.from([0x1c, p.id!, 0, 0, 0, 1, 0, 0, 0]))).errno, 1295);
    assert.equal(err(await c.command(Buffer.from([0x1a, 99, 0, 0, 0]))).errno, 1243);
  });
  await t.test('max_query_size bounds the text with its bound values: ERR 11 as for COM_QUERY, at and past the limit', async () => {
    const p = await prepare('select ?'); // 8 bytes of text; max_query_size 9000: 8999 bytes pass, 9000 fail
    const stringValue = (n: number) => Buffer.concat([Buffer.from([0xfc, n & 0xff, n >> 8]), Buffer.alloc(n, 0x61)]);
    assert.equal(rowsOf(await execute(p.id!, stringValue(8991), 'fd00')).rows[0][0].length, 8991);
    const past = err(await execute(p.id!, stringValue(8992), 'fd00'));
    assert.deepEqual([past.errno, past.message], [11, 'Data is too long']);
    assert.equal(err(await c.query(`select '${'a'.repeat(8991)}'`)).errno, past.errno, 'the same errno as the query path');
    for (let i = 0; i < 3; i++) c.send(Buffer.concat([Buffer.from([0x18, p.id!, 0, 0, 0, 0, 0]), Buffer.alloc(4000, 0x62)]), 0);
    assert.equal(err(await execute(p.id!, Buffer.alloc(0), 'fc00')).errno, 11, 'accumulated long data');
    assert.equal(rowsOf(await execute(p.id!, stringValue(3), 'fd00')).rows[0][0], 'aaa', 'the connection and statement stay usable');
  });
  await t.test('syntax error and malformed execute', async () => {
    assert.equal((await prepare('bogus ?')).error!.errno, 3);
    const p = await prepare('select ?');
    assert.equal(err(await c.command(Buffer.from([0x17, p.id!, 0, 0, 0]))).errno, 1835);
  });
  await t.test('at most 1000 prepared statements per connection; RESET_CONNECTION drops them', async () => {
    const d = await connected();
    let lastId = 0;
    for (let i = 0; i < 1000; i++) {
      d.send(commandPacket(0x16, 'select 1'), 0);
      const head = (await d.readPacket()).payload;
      assert.equal(head[0], 0, `statement ${i}`);
      lastId = head.readUInt32LE(1);
      await d.readPacket();
      await d.readPacket();
    }
    assert.deepEqual(err(await d.command(commandPacket(0x16, 'select 1'))).errno, 1461);
    await d.command(commandPacket(0x1f));
    assert.equal(err(await d.command(Buffer.from([0x17, lastId & 0xff, (lastId >> 8) & 0xff, 0, 0, 0, 1, 0, 0, 0]))).errno, 1243);
    d.end();
  });
  c.end();
});

test('fuzz over the socket (scenario #62): random login packets and random queries give ERR or a close', async () => {
  let seed = 99;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  for (let i = 0; i < 40; i++) {
    const c = await RawMysqlClient.connect(listener.port);
    c.send(bytes(Math.floor(rnd() * 100)), 1);
    const p = await c.readPacket();
    assert.equal(p.payload[0], 0xff, 'random login -> ERR');
    await c.closed();
  }
  const c = await connected();
  for (let i = 0; i < 200; i++) {
    const r = await c.query(bytes(Math.floor(rnd() * 60)).toString('latin1'));
    assert.ok(r.kind === 'err' || r.kind === 'rows' || r.kind === 'ok');
  }
  c.end();
  const after = await connected();
  assert.equal((await after.command(commandPacket(0x0e))).kind, 'ok', 'the listener still serves');
  after.end();
});

test('counters and an error in one connection not affecting another', async () => {
  const start = { ...stats };
  const good = await connected();
  const bad = await RawMysqlClient.connect(listener.port);
  bad.send(Buffer.from('garbage'), 1);
  await bad.readPacket();
  await bad.closed();
  assert.equal(rowsOf(await good.query('show databases')).rows.length, 1);
  assert.equal(stats.accepted, start.accepted + 2);
  assert.ok(stats.messages >= start.messages + 3);
  good.end();
  await good.closed();
  for (let i = 0; i < 50 && stats.closed < start.closed + 2; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(stats.closed, start.closed + 2);
  assert.equal(stats.online, start.online);
});

test('close() ends open connections and stops accepting', async () => {
  const own = await startCometqlListener({ config: testConfig(), password: 'x', devIndexSize: 10, engine, stats: new ListenerStats('t', 0), log: pino({ level: 'silent' }) });
  const c = await RawMysqlClient.connect(own.port);
  await own.close();
  await c.closed();
  await assert.rejects(RawMysqlClient.connect(own.port));
});

test('an empty [main] password accepts an empty response (2.4)', async () => {
  const own = await startCometqlListener({ config: testConfig(), password: '', devIndexSize: 10, engine, stats: new ListenerStats('t', 0), log: pino({ level: 'silent' }) });
  const c = await RawMysqlClient.connect(own.port);
  assert.equal((await c.login({ password: '' })).payload[0], 0x00);
  c.end();
  const d = await RawMysqlClient.connect(own.port);
  assert.equal(parseErrPayload((await d.login({ password: 'something' })).payload).errno, 16);
  d.end();
  await own.close();
});

test('OK payload helper sanity', () => {
  assert.equal(parseOkPayload(Buffer.from('00000002000000', 'hex')).status, 2);
});
