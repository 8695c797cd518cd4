// Each configurable limit of [ws] triggers its documented behaviour, is logged, and leaves the
// other connections alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startE2E, type E2E } from '../helpers/comet-client.js';

let e: E2E;

before(async () => {
  e = await startE2E('[ws]\nmax_subscriptions = 3\nweb_publish_rate = 2\nmax_connections_per_user = 2\nmax_buffered_bytes = 65536\nhandshake_timeout = 1\n');
  await e.q("INSERT INTO users_auth (id, hash) VALUES (3, 'hash3')");
});

after(async () => {
  await e.stop();
});

const logged = (text: string) => e.server.logs.some((l) => typeof l.msg === 'string' && l.msg.includes(text));

test('max_subscriptions: the first N are subscribed, then the 403 error; the connection stays open', async () => {
  const a = await e.client({});
  a.subscribe('web_l1', 'web_l2', 'web_l3', 'web_l4');
  const err = await a.waitPipe('sys', 'error');
  assert.deepEqual(err.json.data, { code: '403', error: 'Too many letters' });
  const rows = await e.q("SELECT name, users FROM pipes WHERE name IN ('web_l1', 'web_l3', 'web_l4')");
  assert.deepEqual(rows, [{ name: 'web_l1', users: '1' }, { name: 'web_l3', users: '1' }, { name: 'web_l4', users: '0' }]);
  await a.sync();
  assert.equal(a.isOpen, true);
  assert.ok(logged('too many subscriptions'));
});

test('web_publish_rate: publishes over the rate get an error frame and are not delivered', async () => {
  const sender = await e.client({});
  const other = await e.client({});
  other.subscribe('web_rate');
  await other.sync();
  const burst = 10;
  for (let i = 0; i < burst; i++) sender.send(`web_pipe2\nweb_rate\ne\n*\n${i}`);
  await sender.sync();
  const reports = sender.onPipe('_answer_to_web_rate').length;
  const refusals = sender.frames.filter((f) => f.json?.pipe === 'sys' && f.json?.data?.error === 'Too many messages per second').length;
  assert.equal(reports + refusals, burst);
  // At most two seconds can be touched by the burst: at most 2 x rate accepted.
  assert.ok(reports <= 4, `reports ${reports}`);
  await other.sync();
  assert.equal(other.onPipe('web_rate').length, reports);
  assert.ok(logged('web_ publishes per second'));
});

test('max_connections_per_user: only that many connections receive private messages', async () => {
  const conns = [await e.client({ userId: 3, session: 'hash3' }), await e.client({ userId: 3, session: 'hash3' }), await e.client({ userId: 3, session: 'hash3' })];
  for (const c of conns) assert.equal(c.first.json.authorized, true);
  await e.q("INSERT INTO users_messages (id, event, message) VALUES (3, 'ev', 'to all devices')");
  for (const c of conns) await c.sync();
  assert.deepEqual(conns.map((c) => c.onPipe('msg').length), [1, 1, 0]);
});

test('max_buffered_bytes: a consumer that stops reading is dropped; others keep receiving', async () => {
  const fast = await e.client({});
  fast.subscribe('web_slow');
  await fast.sync();
  // A raw WebSocket that never reads after the handshake.
  const port = e.port;
  const slow = connect(port, '127.0.0.1');
  await new Promise<void>((r) => slow.once('connect', () => r()));
  const mask = Buffer.from([1, 2, 3, 4]);
  const payload = Buffer.from('subscription\nweb_slow');
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  slow.write(`GET /ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${'s'.repeat(32)}&api=js HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  slow.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
  let ended = false;
  slow.on('close', () => (ended = true));
  slow.on('error', () => undefined);
  await new Promise((r) => setTimeout(r, 200));
  slow.pause();
  const big = 'x'.repeat(8000);
  for (let i = 0; i < 3000 && !ended; i++) await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('web_slow', 'e', '${big}')`);
  assert.ok(logged('slow consumer'));
  slow.destroy();
  await e.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_slow', 'e', 'still here')");
  await fast.waitFor((f) => f.json?.data === 'still here');
});

test('handshake_timeout: a request head that never completes is answered 408 and closed', async () => {
  const s = connect(e.port, '127.0.0.1');
  let text = '';
  s.on('data', (d) => (text += d.toString()));
  s.write('GET /ws/sesion=x&myid=0&devid=1&v=4.08 HTTP/1.1\r\nHost: x\r\n');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('not closed within 10 s')), 10_000);
    s.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  assert.match(text, /^HTTP\/1\.1 408/);
});
