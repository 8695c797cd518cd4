// The listener in-process (real sockets, real core, memory sink): handshake bytes, routes,
// close semantics, queued frames before open, the sweep, slow consumers.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseIni } from '../../src/config/ini-file.js';
import { buildConfig } from '../../src/config/config.js';
import { CometCore } from '../../src/core/comet.js';
import { NullSink } from '../../src/storage/storage.js';
import { ListenerStats } from '../../src/stats.js';
import { startHttpListener, type HttpListener } from '../../src/transport/http-listener.js';
import { CometClient, RawWsSocket, clientFrame, randomUuid } from '../helpers/comet-client.js';

const U = 'Yh3kq_0PZ-oVvB1cX9rTtW2mN8aLs4dE';
const STATIC_DIR = mkdtempSync(join(tmpdir(), 'tscomet-static-'));
mkdirSync(join(STATIC_DIR, 'js'));
writeFileSync(join(STATIC_DIR, 'js', 'app.js'), 'console.log(1);\n');
writeFileSync(join(STATIC_DIR, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
writeFileSync(join(STATIC_DIR, 'secret.txt'), 'no type mapped');

interface Local {
  core: CometCore;
  listener: HttpListener;
  stats: ListenerStats;
  port: number;
  logs: string[];
}

const running: Local[] = [];
after(async () => {
  for (const l of running) {
    await l.listener.stopAccepting();
    l.core.closeAll('test end');
    await l.listener.close();
  }
});

async function startLocal(wsExtra = '', mainExtra = ''): Promise<Local> {
  const ini = `[main]\npassword = CometQLPassword\nnode_name = n1\nbase_dir = ${STATIC_DIR}\n${mainExtra}\n[ws]\nthread_num = 1\nip = 127.0.0.1\nport = 0\n${wsExtra}\n[content-type]\njs = application/javascript\npng = image/png\n`;
  const config = buildConfig(parseIni(ini), 'test.ini');
  const logs: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => logs.push(s) });
  const core = new CometCore({
    password: config.main.password,
    sendUserOnlineEvents: true,
    sendUserOfflineEvents: true,
    saveUsersLastOnlineTime: true,
    queue: { maxPerUser: 1000, ttlSeconds: 0 },
    sink: new NullSink(),
    log: { warn: () => undefined, info: () => undefined },
  });
  const stats = new ListenerStats('ws', 0);
  const listener = await startHttpListener({ config, core, stats, log });
  const l = { core, listener, stats, port: listener.port, logs };
  running.push(l);
  return l;
}

function httpGet(port: number, method: string, path: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const query = (o: { session?: string; user?: number; dev?: number; v?: string } = {}) => `sesion=${o.session ?? 'x'}&myid=${o.user ?? 0}&devid=${o.dev ?? 0}&v=${o.v ?? '4.08'}&uuid=${U}&api=js`;

test('#1 handshake bytes: exact 101, RFC accept key, serverInfo first', async () => {
  const l = await startLocal();
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`);
  assert.equal(raw.head, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Version: 13\r\n\r\n');
  const first = JSON.parse(await raw.text(0));
  assert.deepEqual(Object.keys(first), ['authorized', 'data', 'event', 'message_send_time', 'pipe', 'server']);
  assert.equal(first.authorized, false);
  assert.equal(raw.frames[0].bytes[0], 0x81);
  raw.destroy();
});

test('#2 path variants upgrade; /foo/ws/ does not', async () => {
  const l = await startLocal();
  for (const prefix of ['/ws/', '//ws/', '/comet-server/ws/', '//comet-server/ws/']) {
    const c = await CometClient.connect({ port: l.port, prefix, session: 'x', userId: 0 });
    assert.equal(c.first.json.event, 'serverInfo', prefix);
    c.terminate();
  }
  const raw = await RawWsSocket.open(l.port, `/foo/ws/${query()}`);
  assert.equal(raw.status, 404);
  await raw.waitEnded();
});

test('a WS path without a usable key, or without Upgrade, gets 400', async () => {
  const l = await startLocal();
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`, { key: null });
  assert.equal(raw.status, 400);
  await raw.waitEnded();
  const plain = await httpGet(l.port, 'GET', `/ws/${query()}`);
  assert.equal(plain.status, 400);
});

test('#9 handshake errors: 101, one error frame, TCP closed without close frame', async (t) => {
  const l = await startLocal();
  const cases: Array<[string, string, number, boolean]> = [
    ['no v', 'sesion=x&myid=0&devid=1', 418, true],
    ['v without dot', `sesion=x&myid=0&devid=1&v=4&uuid=${U}`, 418, true],
    ['v last', 'sesion=x&myid=0&devid=1&v=4.08', 418, false],
    ['no session', 'sesion', 401, true],
    ['no user', 'sesion=x', 401, true],
    ['no dev', 'sesion=x&myid=1', 406, true],
  ];
  for (const [name, q, code, legacy] of cases) {
    await t.test(name, async () => {
      const raw = await RawWsSocket.open(l.port, `/ws/${q}`);
      assert.equal(raw.status, 101);
      const j = JSON.parse(await raw.text(0));
      await raw.waitEnded();
      assert.equal(raw.frames.length, 1);
      assert.equal(raw.sawCloseFrame, false);
      const data = legacy ? JSON.parse(j.data) : j.data;
      assert.equal(data.error_code, code);
      assert.equal(j.event_name !== undefined, legacy);
      assert.equal(j.pipe, 'sys');
    });
  }
  assert.equal(l.core.connectionCount(), 0);
});

test('#34/#20 commands before open are queued; a client close frame ends TCP without an answer', async () => {
  const l = await startLocal();
  l.core.auth.hashes.set(0, 3, 'valid00000userHash');
  const raw = await RawWsSocket.open(l.port, `/ws/${query({ session: 'valid00000userHash', user: 3 })}`);
  // Right after the 101, before serverInfo can have been produced by the async auth.
  raw.write(clientFrame(1, Buffer.from('subscription\nweb_q1')));
  raw.write(clientFrame(1, Buffer.from('pipe_count\nweb_q1\nm1\n')));
  await raw.waitFrames(2);
  assert.equal(JSON.parse(raw.frames[0].payload.toString()).event, 'serverInfo');
  const reply = JSON.parse(raw.frames[1].payload.toString());
  assert.equal(reply.marker, 'm1');
  assert.equal(reply.data.user_in_pipe, 1);
  raw.write(clientFrame(8, Buffer.from([0x03, 0xe8])));
  await raw.waitEnded();
  assert.equal(raw.sawCloseFrame, false);
  assert.equal(l.core.connectionCount(), 0);
  assert.equal(l.core.userTime(0, 3) > 0, true, 'the user went offline through the normal close path');
});

test('a ping is answered with a pong carrying the same payload', async () => {
  const l = await startLocal();
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`);
  await raw.waitFrames(1);
  raw.write(clientFrame(9, Buffer.from('abc')));
  await raw.waitFrames(2);
  assert.equal(raw.frames[1].opcode, 0x0a);
  assert.equal(raw.frames[1].payload.toString(), 'abc');
  raw.destroy();
});

test('the sweep pings idle connections (ping_interval) and enforces maxUptime', async () => {
  const l = await startLocal('ping_interval = 1\nuptimeTestInterval = 1\nmaxUptime = 2\n');
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`);
  await raw.waitFrames(2, 5000);
  assert.equal(raw.frames[1].opcode, 0x09);
  await raw.waitEnded(8000);
  assert.equal(raw.sawCloseFrame, false);
  assert.equal(l.core.connectionCount(), 0);
});

test('invalid UTF-8 closes that connection only', async () => {
  const l = await startLocal();
  const good = await CometClient.connect({ port: l.port, session: 'x', userId: 0 });
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`);
  await raw.waitFrames(1);
  raw.write(clientFrame(1, Buffer.from([0x73, 0xff, 0xfe])));
  await raw.waitEnded();
  assert.equal(raw.sawCloseFrame, false);
  await good.sync();
  assert.ok(good.isOpen);
  good.terminate();
});

test('a slow consumer is dropped instead of buffering without bound', async () => {
  const l = await startLocal();
  const raw = await RawWsSocket.open(l.port, `/ws/${query()}`);
  await raw.waitFrames(1);
  raw.write(clientFrame(1, Buffer.from('subscription\nweb_slow')));
  const c = await CometClient.connect({ port: l.port, session: 'x', userId: 0 });
  await c.sync(); // the subscription frame was handled before this barrier
  raw.socket.pause();
  const big = 'x'.repeat(60000);
  let written = 0;
  for (let i = 0; i < 2000 && l.core.hub.count(0, 'web_slow') > 0; i++) written += l.core.publish(0, 'web_slow', 'e', big);
  assert.ok(written < 2000, 'the connection stopped accepting frames');
  raw.socket.resume();
  await raw.waitEnded(10000);
  assert.ok(l.logs.some((s) => s.includes('slow consumer')));
  c.terminate();
});

test('#40 auxiliary HTTP: OPTIONS, /info, banner, favicon, static files, 404s', async () => {
  const l = await startLocal();
  const options = await httpGet(l.port, 'OPTIONS', '/');
  assert.equal(options.status, 200);
  assert.equal(options.body.toString(), '+OK\r\n');
  assert.equal(options.headers['access-control-allow-origin'], '*');
  assert.equal(options.headers['access-control-allow-methods'], 'POST, GET');
  assert.equal(options.headers['access-control-allow-headers'], 'origin, content-type, accept');
  assert.equal(options.headers.connection, 'close');
  for (const path of ['/info', '/comet-server/info']) {
    const info = await httpGet(l.port, 'GET', path);
    assert.equal(info.status, 200);
    assert.equal(info.body.toString(), '{"status":"ok","node":"n1________"}');
    assert.equal(info.headers['cache-control'], undefined);
  }
  const banner = await httpGet(l.port, 'GET', '/');
  assert.equal(banner.status, 200);
  assert.match(banner.body.toString(), /CppComet community 4\.09/);
  assert.equal(banner.headers['server'], 'CppComet Server');
  const fav = await httpGet(l.port, 'GET', '/comet-server/favicon.ico');
  assert.equal(fav.status, 301);
  assert.equal(fav.headers.location, 'http://comet-server.com/favicon.ico');
  const js = await httpGet(l.port, 'GET', '/comet-server/js/app.js?v=2');
  assert.equal(js.status, 200);
  assert.equal(js.body.toString(), 'console.log(1);\n');
  assert.equal(js.headers['content-type'], 'application/javascript; charset=UTF-8');
  assert.equal(js.headers['content-length'], '16');
  assert.equal(js.headers['cache-control'], 'max-age=3600');
  const png = await httpGet(l.port, 'GET', '/logo.png');
  assert.equal(png.headers['content-type'], 'image/png');
  for (const path of ['/secret.txt', '/missing.js', '/%2e%2e/etc/passwd.js', '/js', '/info?x=1']) {
    assert.equal((await httpGet(l.port, 'GET', path)).status, 404, path);
  }
  assert.equal((await httpGet(l.port, 'POST', '/anything')).status, 404);
  assert.equal((await httpGet(l.port, 'POST', `/ws/${query()}`)).status, 404);
  assert.equal((await httpGet(l.port, 'PUT', '/')).status, 404);
});

test('#39 origin allow-list: 101 + 423 frame + close; allowed origins connect', async () => {
  const l = await startLocal('host = example.com, *.example.org');
  const bad = await RawWsSocket.open(l.port, `/ws/${query()}`, { headers: { Origin: 'https://evil.com' } });
  assert.equal(bad.status, 101);
  const j = JSON.parse(await bad.text(0));
  assert.deepEqual(j.data, { error: 'Error code 423(Access denied, Request from unauthorized domain.)', error_code: 423, info: 'Closed due to error. See last message.' });
  await bad.waitEnded();
  assert.equal(bad.frames.length, 1);
  assert.equal(bad.sawCloseFrame, false);
  const v3 = await RawWsSocket.open(l.port, `/ws/${query({ v: '3.25' })}`, { headers: { Origin: 'https://example.com.evil.net' } });
  assert.equal(JSON.parse(await v3.text(0)).event_name, 'error', 'v3 gets the legacy format');
  await v3.waitEnded();
  const none = await RawWsSocket.open(l.port, `/ws/${query()}`);
  assert.equal(JSON.parse(await none.text(0)).data.error_code, 423);
  for (const origin of ['https://example.com', 'http://EXAMPLE.com:8080', 'https://www.example.org']) {
    const ok = await CometClient.connect({ port: l.port, session: 'x', userId: 0, headers: { Origin: origin } });
    assert.equal(ok.first.json.event, 'serverInfo', origin);
    ok.terminate();
  }
});

test('stats follow connections', async () => {
  const l = await startLocal();
  const c = await CometClient.connect({ port: l.port, session: 'x', userId: 0, uuid: randomUuid() });
  assert.equal(l.stats.online, 1);
  c.send('statistics\n{}');
  await c.sync();
  assert.ok(l.stats.messages >= 2);
  c.terminate();
  await c.closed;
  for (let i = 0; i < 250 && (l.stats.online as number) !== 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(l.stats.online, 0);
  assert.equal(l.stats.closed, 1);
});

// ------------------------------------------------------------------------------ long-poll (ruling 7)

function lines(body: Buffer): Array<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const text = body.toString('utf8');
  return text === '' ? [] : text.split('\n').map((s) => JSON.parse(s) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
}

test('long-poll: first poll answers serverInfo, later polls are held until a message', async () => {
  const l = await startLocal('long_poll_timeout = 20');
  const uuid = randomUuid();
  const path = `/sesion=x&myid=0&devid=0&v=4.08&uuid=${uuid}&api=js`;
  const first = await httpGet(l.port, 'POST', path, 'web_lp');
  assert.equal(first.status, 200);
  assert.equal(first.headers['access-control-allow-origin'], '*');
  assert.deepEqual(lines(first.body).map((j) => j.event), ['serverInfo']);
  assert.equal(l.core.hub.count(0, 'web_lp'), 1);
  const held = httpGet(l.port, 'POST', path, 'web_lp');
  // The poll is held: publish only once the request reached the server.
  for (let i = 0; i < 250 && l.stats.messages < 2; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(l.core.publish(0, 'web_lp', 'e', 'hello'), 1);
  const got = await held;
  assert.deepEqual(lines(got.body), [{ data: 'hello', event: 'e', message_send_time: l.core.now(), pipe: 'web_lp' }]);
  // Messages between polls are buffered and come with the next poll, in order.
  l.core.publish(0, 'web_lp', 'e', 'm1');
  l.core.publish(0, 'web_lp', 'e', 'm2');
  const next = await httpGet(l.port, 'POST', path, 'web_lp');
  assert.deepEqual(lines(next.body).map((j) => j.data), ['m1', 'm2']);
  assert.equal(l.core.connectionCount(), 1, 'one session across polls');
});

test('long-poll: an empty 200 after long_poll_timeout; /comet-server prefix; legacy lines for v3', async () => {
  const l = await startLocal('long_poll_timeout = 1');
  const path = `/comet-server/sesion=x&myid=0&devid=0&v=3.25&uuid=${randomUuid()}&api=js`;
  const first = await httpGet(l.port, 'POST', path, '');
  assert.equal(lines(first.body)[0].event_name, 'serverInfo');
  assert.equal(lines(first.body)[0].authorized, 'false');
  const empty = await httpGet(l.port, 'POST', path, '');
  assert.equal(empty.status, 200);
  assert.equal(empty.body.length, 0);
});

test('long-poll next to WebSockets: web sends reach it, private messages too, the WS path is unchanged', async () => {
  const l = await startLocal('long_poll_timeout = 20');
  l.core.auth.hashes.set(0, 7, 'hash7');
  const path = `/sesion=hash7&myid=7&devid=0&v=4.08&uuid=${randomUuid()}&api=js`;
  const first = await httpGet(l.port, 'POST', path, 'web_mixed');
  assert.equal(lines(first.body)[0].authorized, true);
  const ws = await CometClient.connect({ port: l.port, session: 'x', userId: 0 });
  ws.send('web_pipe2\nweb_mixed\nev\n*\n{"a":1}');
  const report = await ws.waitPipe('_answer_to_web_mixed');
  assert.equal(report.json.data.number_messages, 1);
  const { delivered } = await l.core.sendToUser(0, 7, 'pm', 'private');
  assert.equal(delivered, 1);
  const got = await httpGet(l.port, 'POST', path, 'web_mixed');
  assert.deepEqual(lines(got.body).map((j) => [j.pipe, j.data, j.user_id]), [
    ['web_mixed', '{"a":1}', 0],
    ['msg', 'private', undefined],
  ]);
  ws.terminate();
});

test('long-poll: bad parameters get a non-200 with the error line; sessions expire after the grace period', async () => {
  const l = await startLocal('long_poll_timeout = 1');
  const bad = await httpGet(l.port, 'POST', '/sesion=x&myid=1', '');
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.body.toString()).data, '{"error":"Error code 406(Invalid request, no public key found [1])","error_code":406,"info":"Closed due to error. See last message."}');
  l.core.auth.hashes.set(0, 8, 'hash8');
  const watcher = await CometClient.connect({ port: l.port, session: 'x', userId: 0 });
  watcher.subscribe('user_status_8');
  await watcher.sync();
  const first = await httpGet(l.port, 'POST', `/sesion=hash8&myid=8&devid=0&v=4.08&uuid=${randomUuid()}&api=js`, '');
  assert.equal(lines(first.body)[0].authorized, true);
  await watcher.waitPipe('user_status_8', 'offline', 15000);
  assert.equal(l.core.connectionCount(), 1, 'only the watcher is left');
  watcher.terminate();
});

test('long-poll: a session that buffers too much for an absent poller is dropped, the next poll starts afresh', async () => {
  const l = await startLocal('long_poll_timeout = 20');
  const path = `/sesion=x&myid=0&devid=0&v=4.08&uuid=${randomUuid()}&api=js`;
  await httpGet(l.port, 'POST', path, 'web_flood');
  let written = 0;
  for (let i = 0; i < 6000; i++) written += l.core.publish(0, 'web_flood', 'e', `m${i}`);
  assert.ok(written < 6000, 'the session stopped taking messages');
  await new Promise((r) => setImmediate(r));
  assert.equal(l.core.hub.count(0, 'web_flood'), 0, 'and left the pipe');
  assert.ok(l.logs.some((s) => s.includes('long-poll buffer full')));
  const next = await httpGet(l.port, 'POST', path, 'web_flood');
  assert.equal(lines(next.body)[0].event, 'serverInfo', 'a new session');
});

test('frames sent together with the upgrade request are handled after open; a close frame there leaves nothing behind', async () => {
  const { connect } = await import('node:net');
  const l = await startLocal();
  const request = (extra: Buffer) =>
    Buffer.concat([Buffer.from(`GET /ws/${query()} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`), extra]);
  const withCommands = connect(l.port, '127.0.0.1');
  let got = '';
  withCommands.on('data', (d: Buffer) => (got += d.toString('latin1')));
  withCommands.write(request(Buffer.concat([clientFrame(1, Buffer.from('subscription\nweb_head')), clientFrame(1, Buffer.from('pipe_count\nweb_head\nmh\n'))])));
  for (let i = 0; i < 250 && !got.includes('"marker":"mh"'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(got, /"event":"serverInfo".*"data":\{"0":"user_in_pipe","1":1,"user_in_pipe":1\}/s);
  withCommands.destroy();
  const withClose = connect(l.port, '127.0.0.1');
  withClose.on('data', () => undefined);
  withClose.write(request(clientFrame(8, Buffer.alloc(0))));
  await new Promise((r) => withClose.on('close', r));
  for (let i = 0; i < 250 && l.core.connectionCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(l.core.connectionCount(), 0);
});
