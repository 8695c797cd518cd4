// PROTOCOL.md §18 #4-#8, #10, #31-#33 (authorization, presence, devices, restart) against the daemon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { jwt } from '../helpers/jwt.js';
import { startE2E, expectedText, sendTime, clientView, randomMarker, type E2E, type ClientVersion } from '../helpers/comet-client.js';

const SERVER = 'CppComet community 4.09 (AGPL license)';
const VERSIONS: ClientVersion[] = ['4.08', '3.25'];
// PROTOCOL.md §4.3 vectors (secret CometQLPassword1 = password + dev_id 1).
const JWT_USER5 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo1LCJleHAiOjk5ODMzMTEyMDB9.jXeCiNOA1eKLiLwcA2bkyaFZOhewvt81FCIfF278aO8';
const JWT_USER5_B = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo1LCJleHAiOjk5ODM0ODQwMDB9.8VU1bBHa0sFVOqH19tnV3YOy7Y23aOCaCpMDzqAB64g';
const JWT_USER2 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoyLCJleHAiOjk5ODMzMTEyMDB9.aIh8RCsv1W5dHmTNVDKfHxVaerpuLBz0l-5IBLIhro0';

let e: E2E;
before(async () => {
  e = await startE2E();
  await e.q("INSERT INTO users_auth (id, hash) VALUES (3, 'valid00000userHash')");
});
after(async () => {
  await e.stop();
});

const isAuthorized = (v: ClientVersion, value: unknown) => (v === '4.08' ? value === true : value === 'true');

for (const v of VERSIONS) {
  test(`#4 / #10 hash auth: serverInfo authorized with the stored hash (${v})`, async () => {
    const c = await e.client({ session: 'valid00000userHash', userId: 3, version: v });
    assert.equal(c.first.text, expectedText({ authorized: true, data: 'valid00000userHash', event: 'serverInfo', message_send_time: sendTime(c.first), pipe: 'sys', server: SERVER }, v));
    assert.ok(isAuthorized(v, c.first.json.authorized));
    await c.sync();
    assert.equal(c.frames.filter((f) => f.json?.authorized !== undefined).length, 1, 'exactly one auth signal');
    // #10: a reply with object data arrives stringified for v3 and the client sees the object.
    await e.q(`INSERT INTO users_data (id, data) VALUES (9301, '{"k":"v"}')`);
    const marker = randomMarker();
    c.send(`user_data\n${marker}\n9301`);
    const reply = await c.waitFor((f) => f.json?.marker === marker, 'user_data reply');
    assert.equal(reply.text, expectedText({ data: { user_data: '{"k":"v"}', user_id: 9301 }, event: 'answer', marker, message_send_time: sendTime(reply), pipe: '_answer' }, v));
    assert.deepEqual(clientView(reply.text, v)!.data, { user_data: '{"k":"v"}', user_id: 9301 });
    c.terminate();
  });

  test(`#5 wrong hash: not authorized, web sends carry user_id 0 (${v})`, async () => {
    const a = await e.client({ session: 'not00000valid00000userHash', userId: 3, version: v });
    assert.equal(a.first.text, expectedText({ authorized: false, data: '', event: 'serverInfo', message_send_time: sendTime(a.first), pipe: 'sys', server: SERVER }, v));
    const b = await e.client({ session: 'x', userId: 0 });
    b.subscribe('web_auth5');
    await b.sync();
    a.send('web_pipe2\nweb_auth5\nev\n*\n"x"');
    const got = await b.waitPipe('web_auth5', 'ev');
    assert.equal(got.json.user_id, 0);
    a.terminate();
    b.terminate();
  });
}

test('#6 JWT valid vector authorizes user 5 (dev_id 1)', async () => {
  for (const v of VERSIONS) {
    const c = await e.client({ session: JWT_USER5, userId: 5, version: v });
    assert.ok(isAuthorized(v, c.first.json.authorized), v);
    c.terminate();
  }
});

test('#7 JWT invalid variants are all refused', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, string, number]> = [
    ['user mismatch (user-2 token for 12)', JWT_USER2, 12],
    ['expired', jwt({ user_id: 12, exp: now - 60 }), 12],
    ['alg HS512', jwt({ user_id: 12, exp: now + 3600 }, { alg: 'HS512', typ: 'JWT' }), 12],
    ['alg none', jwt({ user_id: 12, exp: now + 3600 }, { alg: 'none', typ: 'JWT' }), 12],
    ['user_id as a string', jwt({ user_id: '12', exp: now + 3600 }), 12],
    ['no exp', jwt({ user_id: 12 }), 12],
    ['wrong secret (dev 0)', jwt({ user_id: 12, exp: now + 3600 }, undefined, 'CometQLPassword0'), 12],
  ];
  const control = await e.client({ session: jwt({ user_id: 12, exp: now + 3600 }), userId: 12 });
  assert.equal(control.first.json.authorized, true, 'a well-formed token of the same shape works');
  control.terminate();
  for (const [name, token, user] of cases) {
    await t.test(name, async () => {
      const c = await e.client({ session: token, userId: user });
      assert.equal(c.first.json.authorized, false);
      assert.equal(c.first.json.data, '');
      c.terminate();
    });
  }
});

test('#8 JWT revoked: refused afterwards; revoking a live token drops the connection without a close frame', async () => {
  await e.q(`INSERT INTO revoked_tokens (token) VALUES ('${JWT_USER5_B}')`);
  const refused = await e.client({ session: JWT_USER5_B, userId: 5 });
  assert.equal(refused.first.json.authorized, false);
  const live = await e.client({ session: JWT_USER5, userId: 5 });
  assert.equal(live.first.json.authorized, true);
  const anon = await e.client({ session: 'x', userId: 0 });
  await e.q(`INSERT INTO revoked_tokens (token) VALUES ('${JWT_USER5}')`);
  assert.equal(await live.waitClosed(), 1006, 'TCP closed without a close frame');
  await anon.sync();
  assert.ok(anon.isOpen, 'other connections stay');
  const again = await e.client({ session: JWT_USER5, userId: 5 });
  assert.equal(again.first.json.authorized, false);
});

for (const v of VERSIONS) {
  test(`#31 user_status events: one online, one offline after the last close; users_time follows (${v})`, async () => {
    const user = v === '4.08' ? 31 : 131;
    await e.q(`INSERT INTO users_auth (id, hash) VALUES (${user}, 'hash31')`);
    const b = await e.client({ session: 'x', userId: 0, version: v });
    b.subscribe(`user_status_${user}`);
    await b.sync();
    const c1 = await e.client({ session: 'hash31', userId: user });
    const online = await b.waitPipe(`user_status_${user}`, 'online');
    assert.equal(online.text, expectedText({ data: 'online', event: 'online', pipe: `user_status_${user}` }, v));
    const [during] = await e.sql.query(`SELECT * FROM users_time WHERE id IN (${user})`);
    assert.deepEqual(during, [{ id: String(user), time: '0' }]);
    const c2 = await e.client({ session: 'hash31', userId: user });
    c1.terminate();
    await c1.closed;
    await c2.sync(); // c2 still online: the close of c1 must not produce an offline
    c2.terminate();
    const offline = await b.waitPipe(`user_status_${user}`, 'offline');
    assert.equal(offline.text, expectedText({ data: 'offline', event: 'offline', pipe: `user_status_${user}` }, v));
    await b.sync();
    assert.deepEqual(b.onPipe(`user_status_${user}`).map((f) => f.json.event), ['online', 'offline']);
    const [afterRows] = await e.sql.query(`SELECT * FROM users_time WHERE id IN (${user})`);
    const time = Number((afterRows as Array<{ time: string }>)[0].time);
    assert.ok(time > 1_600_000_000 && time <= Math.floor(Date.now() / 1000) + 1, `a unix time after the last close, got ${time}`);
  });
}

test('#32 17th device: authorized, but no private messages', async () => {
  await e.q("INSERT INTO users_auth (id, hash) VALUES (32, 'hash32')");
  const devices = [];
  for (let i = 0; i < 16; i++) devices.push(await e.client({ session: 'hash32', userId: 32 }));
  const seventeenth = await e.client({ session: 'hash32', userId: 32 });
  assert.equal(seventeenth.first.json.authorized, true);
  await e.q(`INSERT INTO users_messages (id, event, message) VALUES (32, 'ev', 'to all devices')`);
  for (const d of devices) assert.equal((await d.waitPipe('msg', 'ev')).json.data, 'to all devices');
  await seventeenth.sync();
  assert.equal(seventeenth.onPipe('msg').length, 0);
  for (const d of [...devices, seventeenth]) d.terminate();
});

for (const v of VERSIONS) {
  test(`#33 restart: a client close frame gets an unclean close; the reconnect with a new user works (${v})`, async () => {
    await e.q("INSERT INTO users_auth (id, hash) VALUES (4, 'hash4')");
    const c = await e.client({ session: 'valid00000userHash', userId: 3, version: v });
    c.subscribe('web_restart', 'track_restart');
    await c.sync();
    c.ws.close(); // what restart() does: socket.close()
    assert.equal(await c.waitClosed(), 1006, 'wasClean false: the server ends TCP without a close frame');
    const again = await e.client({ session: 'hash4', userId: 4, version: v });
    assert.ok(isAuthorized(v, again.first.json.authorized));
    again.subscribe('web_restart', 'track_restart');
    const marker = randomMarker();
    again.send(`pipe_count\nweb_restart\n${marker}\n`);
    const count = await again.waitFor((f) => f.json?.marker === marker, 'pipe_count reply');
    assert.equal(clientView(count.text, v)!.data.user_in_pipe, 1, 'the old connection left the pipe');
    again.terminate();
  });
}
