// PROTOCOL.md §18 #1, #2, #3, #9, #39, #40 against the real daemon, plus long-poll (ruling 7).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { RawWsSocket, startE2E, expectedText, sendTime, randomUuid, type E2E, type ClientVersion } from '../helpers/comet-client.js';

const U = 'Yh3kq_0PZ-oVvB1cX9rTtW2mN8aLs4dE';
const SERVER = 'CppComet community 4.09 (AGPL license)';
const VERSIONS: ClientVersion[] = ['4.08', '3.25'];
let e: E2E;

before(async () => {
  e = await startE2E();
});
after(async () => {
  await e.stop();
});

function http(method: string, path: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: e.port, method, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (const v of VERSIONS) {
  test(`#1 anonymous handshake: exact 101, RFC accept, serverInfo first (${v})`, async () => {
    const raw = await RawWsSocket.open(e.port, `/ws/sesion=x&myid=0&devid=1&v=${v}&uuid=${U}&api=js`);
    assert.equal(raw.head, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Version: 13\r\n\r\n');
    assert.ok(!/Sec-WebSocket-Extensions/i.test(raw.head));
    const text = await raw.text(0);
    const t = JSON.parse(text).message_send_time;
    assert.equal(text, expectedText({ authorized: false, data: '', event: 'serverInfo', message_send_time: t, pipe: 'sys', server: SERVER }, v));
    assert.equal(raw.frames[0].bytes[0], 0x81);
    raw.destroy();
  });
}

test('#2 path variants: /ws/, //ws/, /comet-server/ws/, //comet-server/ws/ upgrade; /foo/ws/ is a 404', async () => {
  for (const prefix of ['/ws/', '//ws/', '/comet-server/ws/', '//comet-server/ws/']) {
    const c = await e.client({ prefix, session: 'x', userId: 0 });
    assert.equal(c.first.json.event, 'serverInfo', prefix);
  }
  const raw = await RawWsSocket.open(e.port, `/foo/ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${U}&api=js`);
  assert.equal(raw.status, 404);
  await raw.waitEnded();
});

for (const v of VERSIONS) {
  test(`#3 no URL decoding: hash a+b/c=d authorizes user 7 (${v})`, async () => {
    await e.q("INSERT INTO users_auth (id, hash) VALUES (7, 'a+b/c=d')");
    const c = await e.client({ session: 'a+b/c=d', userId: 7, version: v });
    assert.equal(c.first.text, expectedText({ authorized: true, data: 'a+b/c=d', event: 'serverInfo', message_send_time: sendTime(c.first), pipe: 'sys', server: SERVER }, v));
    const encoded = await e.client({ session: 'a%2Bb%2Fc%3Dd', userId: 7, version: v });
    assert.equal(encoded.first.json.authorized, v === '4.08' ? false : 'false');
  });
}

test('#9 version errors: 101, one 418 frame (legacy unless the major is known), TCP closed, no close frame', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['no v parameter', 'sesion=x&myid=0&devid=1', true],
    ['v=4 without a dot', `sesion=x&myid=0&devid=1&v=4&uuid=${U}`, true],
    ['v=4.08 as the last parameter', 'sesion=x&myid=0&devid=1&v=4.08', false],
  ];
  for (const [name, query, legacy] of cases) {
    await t.test(name, async () => {
      const raw = await RawWsSocket.open(e.port, `/ws/${query}`);
      assert.equal(raw.status, 101);
      const text = await raw.text(0);
      await raw.waitEnded();
      assert.equal(raw.frames.length, 1);
      assert.equal(raw.sawCloseFrame, false);
      const time = JSON.parse(text).message_send_time;
      const modern = { data: { error: 'Error code 418(Invalid request Not assigned client api version)\n', error_code: 418, info: 'Closed due to error. See last message.' }, event: 'error', message_send_time: time, pipe: 'sys' };
      assert.equal(text, expectedText(modern, legacy ? '3.25' : '4.08'));
    });
  }
});

test('#39 origin whitelist: [ws] host = example.com', async () => {
  const w = await startE2E('[ws]\nhost = example.com\n');
  try {
    const bad = await RawWsSocket.open(w.port, `/ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${U}&api=js`, { headers: { Origin: 'https://evil.com' } });
    assert.equal(bad.status, 101);
    const text = await bad.text(0);
    await bad.waitEnded();
    assert.equal(bad.sawCloseFrame, false);
    assert.equal(bad.frames.length, 1);
    assert.equal(text, expectedText({ data: { error: 'Error code 423(Access denied, Request from unauthorized domain.)', error_code: 423, info: 'Closed due to error. See last message.' }, event: 'error', message_send_time: JSON.parse(text).message_send_time, pipe: 'sys' }, '4.08'));
    const good = await w.client({ session: 'x', userId: 0, headers: { Origin: 'https://example.com' } });
    assert.equal(good.first.json.event, 'serverInfo');
    await good.sync();
    assert.ok(good.isOpen);
  } finally {
    await w.stop();
  }
});

test('#40 auxiliary HTTP: OPTIONS +OK, /info, POST long-poll (ruling 7) and POST elsewhere 404', async () => {
  const options = await http('OPTIONS', '/');
  assert.equal(options.status, 200);
  assert.equal(options.body, '+OK\r\n');
  assert.equal(options.headers['access-control-allow-origin'], '*');
  const info = await http('GET', '/info');
  assert.equal(info.status, 200);
  assert.equal(info.body, '{"status":"ok","node":"test______"}');
  const poll = await http('POST', `/sesion=x&myid=0&devid=1&v=4.08&uuid=${randomUuid()}&api=js`, 'web_poll');
  assert.equal(poll.status, 200);
  assert.equal(JSON.parse(poll.body.split('\n')[0]).event, 'serverInfo');
  assert.equal((await http('POST', '/nothing-here')).status, 404);
  const banner = await http('GET', '/');
  assert.match(banner.body, /CppComet community 4\.09/);
});

for (const v of VERSIONS) {
  test(`long-poll: a CometQL insert reaches a held poll, one JSON message per line (${v})`, async () => {
    const pipe = `lp_pipe_${v.replace('.', '')}`;
    const path = `/comet-server/sesion=x&myid=0&devid=1&v=${v}&uuid=${randomUuid()}&api=js`;
    const first = await http('POST', path, pipe);
    assert.equal(first.status, 200);
    const held = http('POST', path, pipe);
    // users_in_pipes shows the poller while its poll is held; the insert then answers it.
    const [rows] = await e.sql.query(`SELECT * FROM pipes WHERE name IN ('${pipe}')`);
    assert.equal((rows as Array<{ users: string }>)[0].users, '1');
    await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${pipe}', 'ev', 'poll ${v}')`);
    const got = await held;
    const lines = got.body.split('\n');
    assert.equal(lines.length, 1);
    const time = JSON.parse(lines[0]).message_send_time;
    assert.equal(lines[0], expectedText({ data: `poll ${v}`, event: 'ev', message_send_time: time, pipe }, v));
  });
}
