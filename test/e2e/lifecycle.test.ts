// Process lifecycle: command line, config errors, pidfile, SIGTERM with connected clients and a
// queued private message (exit 0, nothing lost), SIGHUP re-reading the log levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { startServer, SERVER_JS, TEST_PASSWORD, sleep } from '../helpers/server.js';
import { CometClient } from '../helpers/comet-client.js';

function run(args: string[], cwd = tmpdir()) {
  return spawnSync(process.execPath, [SERVER_JS, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
}

test('--help and --version exit 0; an unknown argument exits 2', () => {
  const help = run(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--conf FILE/);
  const version = run(['--version']);
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^TsComet \d+\.\d+\.\d+/);
  const bad = run(['--frobnicate']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown argument/);
});

test('a missing config file, or a [db] without a required key, is a clear error and a non-zero exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tscomet-cfg-'));
  const missing = run(['-c', join(dir, 'nope.ini')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read configuration file/);
  writeFileSync(join(dir, 'bad.ini'), '[main]\npassword = x\n[db]\nhost = 127.0.0.1\nport = 3306\nuser = u\n');
  const bad = run(['-c', join(dir, 'bad.ini')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /in section \[db\] param `name` is required/);
  const none = run([], dir);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /no configuration file/);
});

test('SIGTERM with connected clients and a queued message: exit 0, pidfile removed, message kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tscomet-life-'));
  const pidfile = join(dir, 'tscomet.pid');
  let server = await startServer({ dir, ini: `[main]\npidfile = ${pidfile}\n` });
  assert.equal(readFileSync(pidfile, 'utf8').trim(), String(server.proc.pid));
  const sql = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
  await sql.query("INSERT INTO users_auth (id, hash) VALUES (21, 'h21')");
  const online = await CometClient.connect({ port: server.wsPort, userId: 21, session: 'h21', devId: 0 });
  const anonymous = await CometClient.connect({ port: server.wsPort, devId: 0 });
  assert.equal(online.first.json.authorized, true);
  await sql.query("INSERT INTO users_messages (id, event, message) VALUES (22, 'ev', 'kept across the restart')");
  await sql.end();
  const code = await server.stop();
  assert.equal(code, 0);
  assert.equal(existsSync(pidfile), false);
  // Clients saw the TCP connection end without a close frame (1006), as upstream does.
  assert.equal(await online.waitClosed(), 1006);
  assert.equal(await anonymous.waitClosed(), 1006);
  assert.ok(server.logs.some((l) => l.msg === 'stopped'));

  server = await startServer({ dir, keepData: true, ini: `[main]\npidfile = ${pidfile}\n` });
  const sql2 = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
  await sql2.query("INSERT INTO users_auth (id, hash) VALUES (22, 'h22')");
  const [time] = await sql2.query('SELECT * FROM users_time WHERE id = 21');
  assert.notEqual((time as Array<{ time: string }>)[0].time, '0'); // went offline at shutdown
  await sql2.end();
  const c = await CometClient.connect({ port: server.wsPort, userId: 22, session: 'h22', devId: 0 });
  const queued = await c.waitPipe('msg');
  assert.equal(queued.json.data, 'kept across the restart');
  assert.equal(queued.json.fromQueue, true);
  c.terminate();
  assert.equal(await server.stop(), 0);
});

test('startup names the config, the store and the ports; SIGHUP re-reads the log levels', async () => {
  const server = await startServer();
  try {
    const starting = server.logs.find((l) => l.msg === 'starting');
    assert.equal(starting?.config, server.iniPath);
    const ready = server.logs.find((l) => l.msg === 'ready');
    assert.equal(ready?.wsPort, server.wsPort);
    assert.equal(ready?.cometqlPort, server.cometqlPort);
    assert.ok(ready?.store === 'sqlite' || ready?.store === 'mysql');
    appendFileSync(server.iniPath, '\n[log]\nlevel = 500\n');
    server.proc.kill('SIGHUP');
    for (let i = 0; i < 100 && !server.logs.some((l) => l.msg === 'log levels reloaded'); i++) await sleep(20);
    assert.ok(server.logs.some((l) => l.msg === 'log levels reloaded'));
  } finally {
    assert.equal(await server.stop(), 0);
  }
});

test('the startup lines print even with [log] level = 200 (errors only), as upstream prints its config line', async () => {
  const server = await startServer({ ini: '[log]\nlevel = 200\n' });
  try {
    assert.ok(server.logs.some((l) => l.msg === 'starting' && l.config === server.iniPath));
    assert.ok(server.logs.some((l) => l.msg === 'ready'));
    // Nothing else at info from the busy subsystems.
    assert.equal(server.logs.filter((l) => l.subsystem !== 'lifecycle').length, 0);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
