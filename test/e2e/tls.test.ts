// TLS without a proxy: on the CometQL port (SSL advertised only when a certificate is configured;
// mysql2 and the mariadb CLI connect over TLS) and wss:// on the browser port, with a certificate
// made in the test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import mysql from 'mysql2/promise';
import WebSocket from 'ws';
import { get as httpsGet } from 'node:https';
import { startServer, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { makeTestCertificate } from '../helpers/tls-cert.js';

let server: RunningServer;
let certDir: string;

before(async () => {
  certDir = mkdtempSync(join(tmpdir(), 'tscomet-cert-'));
  const { cert, key } = makeTestCertificate(certDir);
  server = await startServer({ ini: `[cometql]\nssl_cert = ${cert}\nssl_key = ${key}\n[ws]\nssl_cert = ${cert}\nssl_key = ${key}\n` });
});

after(async () => {
  await server.stop();
});

test('mysql2 connects over TLS and runs CometQL', async () => {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1', ssl: { rejectUnauthorized: false } });
  const [rows] = await c.query('SELECT * FROM users_time WHERE id = 7');
  assert.deepEqual(rows, [{ id: '7', time: '-1' }]);
  const [status] = await c.query("SHOW SESSION STATUS");
  assert.ok(Array.isArray(status));
  await c.end();
});

test('mysql2 verifies the certificate when given the CA', async () => {
  const { readFileSync } = await import('node:fs');
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1', ssl: { ca: readFileSync(join(certDir, 'cert.pem')) } });
  const [rows] = await c.query('SHOW DATABASES');
  assert.deepEqual(rows, [{ Database: 'CometQL_v1' }]);
  await c.end();
});

test('plain-text clients still work when TLS is offered', async () => {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
  const [rows] = await c.query('SELECT 1');
  assert.deepEqual(rows, [{ 1: '1' }]);
  await c.end();
});

test('the mariadb CLI uses TLS by default and reports the cipher', () => {
  const out = execFileSync('mariadb', ['-h', '127.0.0.1', '-P', String(server.cometqlPort), '-u', 'root', `-p${TEST_PASSWORD}`, '--ssl', 'CometQL_v1', '-e', 'show tables'], { encoding: 'utf8' });
  assert.match(out, /users_auth/);
});

test('a wrong password over TLS is refused with ERR 16', async () => {
  await assert.rejects(
    mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: 'nope', database: 'CometQL_v1', ssl: { rejectUnauthorized: false } }),
    (err: { errno?: number }) => err.errno === 16,
  );
});

test('a wss:// client gets serverInfo and a CometQL message', async () => {
  const url = `wss://127.0.0.1:${server.wsPort}/ws/sesion=x&myid=0&devid=0&v=4.08&uuid=${'u'.repeat(32)}&api=js`;
  const ws = new WebSocket(url, { rejectUnauthorized: false });
  const frames: string[] = [];
  const got = (n: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (frames.length >= n ? resolve() : undefined);
      ws.on('message', (d) => {
        frames.push(d.toString());
        check();
      });
      ws.once('error', reject);
      check();
    });
  const first = got(1);
  await first;
  assert.equal(JSON.parse(frames[0]).event, 'serverInfo');
  ws.send('subscription\nweb_tls');
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1', ssl: { rejectUnauthorized: false } });
  // Wait until the subscription is visible, then publish.
  for (let i = 0; i < 100; i++) {
    const [rows] = await c.query("SELECT users FROM pipes WHERE name = 'web_tls'");
    if ((rows as Array<{ users: string }>)[0].users === '1') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const second = got(2);
  await c.query("INSERT INTO pipes_messages (name, event, message) VALUES ('web_tls', 'e', 'over tls')");
  await second;
  assert.equal(JSON.parse(frames[1]).data, 'over tls');
  await c.end();
  ws.terminate();
});

test('GET /info over https', async () => {
  const body = await new Promise<string>((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port: server.wsPort, path: '/info', rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.equal(body, '{"status":"ok","node":"test______"}');
});
