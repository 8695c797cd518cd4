// PROTOCOL.md §18 #11-#19, #29, #30, #36-#38: pipe and private messages, web sends and reports,
// byte-exact for both envelope classes, with the back end acting through mysql2 on CometQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, expectedText, sendTime, clientView, RawWsSocket, randomUuid, clientFrame, type E2E, type ClientVersion, type CometClient } from '../helpers/comet-client.js';

const VERSIONS: ClientVersion[] = ['4.08', '3.25'];
const tag = (v: ClientVersion) => v.replace('.', '');
let e: E2E;

before(async () => {
  e = await startE2E();
  await e.q("INSERT INTO users_auth (id, hash) VALUES (1, 'hash1')");
  await e.q("INSERT INTO users_auth (id, hash) VALUES (3, 'valid00000userHash')");
});
after(async () => {
  await e.stop();
});

async function subscribed(v: ClientVersion, pipes: string[], o: { session?: string; userId?: number } = {}): Promise<CometClient> {
  const c = await e.client({ session: o.session ?? 'x', userId: o.userId ?? 0, version: v });
  c.subscribe(...pipes);
  await c.sync();
  return c;
}

for (const v of VERSIONS) {
  test(`#12 subscribe + backend push: byte-exact to the subscriber, nothing to others (${v})`, async () => {
    const pipe = `chat1_${tag(v)}`;
    const a = await subscribed(v, [pipe]);
    const b = await subscribed(v, ['web_other']);
    await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${pipe}', 'evt', 'hello')`);
    const got = await a.waitPipe(pipe, 'evt');
    assert.equal(got.text, expectedText({ data: 'hello', event: 'evt', message_send_time: sendTime(got), pipe }, v));
    await b.sync();
    assert.equal(b.onPipe(pipe).length, 0);
    a.terminate();
    b.terminate();
  });

  test(`#13 web_pipe2 fan-out: 21 sends -> 21 receptions at B, 0 at A, 21 reports (${v})`, async () => {
    const pipe = `web_test_${tag(v)}`;
    const a = await subscribed(v, [pipe], { session: 'hash1', userId: 1 });
    const b = await subscribed(v, [pipe]);
    for (let i = 0; i < 21; i++) a.send(`web_pipe2\n${pipe}\nev1\n*\n"x"`);
    for (let i = 0; i < 21; i++) {
      const report = await a.waitPipe(`_answer_to_${pipe}`, 'answer');
      assert.equal(report.text, expectedText({ data: { message: '"x"', number_messages: 1 }, event: 'answer', message_send_time: sendTime(report), pipe: `_answer_to_${pipe}` }, v));
    }
    await b.sync();
    const got = b.onPipe(pipe);
    assert.equal(got.length, 21);
    assert.equal(got[0].text, expectedText({ data: '"x"', event: 'ev1', message_send_time: sendTime(got[0]), pipe, user_id: 1 }, v));
    assert.equal(clientView(got[0].text, v)!.data, 'x');
    assert.equal(a.onPipe(pipe).length, 0);
    a.terminate();
    b.terminate();
  });

  test(`#14 report with no listeners: number_messages 0 (${v})`, async () => {
    const a = await e.client({ session: 'x', userId: 0, version: v });
    a.send(`web_pipe2\nweb_empty_${tag(v)}\ne\n*\n1`);
    const report = await a.waitPipe(`_answer_to_web_empty_${tag(v)}`);
    assert.equal(clientView(report.text, v)!.data.number_messages, 0);
    a.terminate();
  });

  test(`#15 anonymous @ send: user_id 0 at B, report to A (${v})`, async () => {
    const pipe = `web_x15_${tag(v)}`;
    const a = await subscribed(v, [], { session: 'valid00000userHash', userId: 3 });
    const b = await subscribed(v, [pipe]);
    a.send(`web_pipe2\n@${pipe}\ne\n*\n1`);
    const report = await a.waitPipe(`_answer_to_${pipe}`);
    assert.equal(clientView(report.text, v)!.data.number_messages, 1);
    const got = await b.waitPipe(pipe, 'e');
    assert.equal(got.text, expectedText({ data: '1', event: 'e', message_send_time: sendTime(got), pipe, user_id: 0 }, v));
    a.terminate();
    b.terminate();
  });

  test(`#16 non-web target: error, no report, connection open (${v})`, async () => {
    const a = await e.client({ session: 'x', userId: 0, version: v });
    a.send('web_pipe2\ntest1\ne\n*\n1');
    const err = await a.waitPipe('sys', 'error');
    assert.equal(err.text, expectedText({ data: { error: '[pipe_msg2] Invalid channel name. The channel should begin with web_', number_messages: -1 }, event: 'error', message_send_time: sendTime(err), pipe: 'sys' }, v));
    await a.sync();
    assert.equal(a.onPipe('_answer_to_test1').length, 0);
    assert.ok(a.isOpen);
    a.terminate();
  });

  test(`#17 webauth_: anonymous refused, authorized delivered with its user id (${v})`, async () => {
    const pipe = `webauth_room_${tag(v)}`;
    const anon = await e.client({ session: 'x', userId: 0, version: v });
    const c = await e.client({ session: 'valid00000userHash', userId: 3, version: v });
    const b = await subscribed(v, [pipe]);
    anon.send(`web_pipe2\n${pipe}\ne\n*\n"from anon"`);
    const err = await anon.waitPipe('sys', 'error');
    assert.equal(clientView(err.text, v)!.data.error, '[webauth_pipe_msg2] Invalid user auth. In to channel with name like webauth_* can not send messages anonim users');
    c.send(`web_pipe2\n${pipe}\ne\n*\n"from C"`);
    await c.waitPipe(`_answer_to_${pipe}`);
    await b.sync();
    assert.deepEqual(b.onPipe(pipe).map((f) => [clientView(f.text, v)!.data, f.json.user_id]), [['from C', 3]]);
    for (const x of [anon, c, b]) x.terminate();
  });

  test(`#18 bad event name: error, nothing delivered (${v})`, async () => {
    const pipe = `web_x18_${tag(v)}`;
    const a = await e.client({ session: 'x', userId: 0, version: v });
    const b = await subscribed(v, [pipe]);
    a.send(`web_pipe2\n${pipe}\na.b\n*\n1`);
    const err = await a.waitPipe('sys', 'error');
    assert.equal(err.text, expectedText({ data: { error: 'The event name can only contain characters A-Za-z0-9_-' }, event: 'error', message_send_time: sendTime(err), pipe: 'sys' }, v));
    await b.sync();
    assert.equal(b.onPipe(pipe).length, 0);
    a.terminate();
    b.terminate();
  });

  test(`#19 apostrophes survive, from browsers and from CometQL (${v})`, async () => {
    const pipe = `web_q_${tag(v)}`;
    const a = await subscribed(v, []);
    const b = await subscribed(v, [pipe]);
    a.send(`web_pipe2\n${pipe}\nmsg\n*\n${JSON.stringify({ t: "it's" })}`);
    const got = await b.waitPipe(pipe, 'msg');
    assert.ok(!got.text.includes("'"), 'apostrophes are sent as \\u0027');
    assert.equal(clientView(got.text, v)!.data.t, "it's");
    // The PHP chat pattern: json_encode + mysqli_real_escape_string, so the SQL literal holds \'.
    await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${pipe}', 'php', '{"t":"it\\'s"}')`);
    const fromSql = await b.waitPipe(pipe, 'php');
    assert.equal(clientView(fromSql.text, v)!.data.t, "it's");
    a.terminate();
    b.terminate();
  });

  test(`#29 private message live to every connection of the user, no message_send_time (${v})`, async () => {
    await e.q("INSERT INTO users_auth (id, hash) VALUES (29, 'hash29')");
    const c1 = await e.client({ session: 'hash29', userId: 29, version: v });
    const c2 = await e.client({ session: 'hash29', userId: 29, version: '4.08' });
    await e.q(`INSERT INTO users_messages (id, event, message) VALUES (29, 'ev', '{"rand":"1"}')`);
    const m1 = await c1.waitPipe('msg', 'ev');
    const m2 = await c2.waitPipe('msg', 'ev');
    assert.equal(m1.text, expectedText({ data: '{"rand":"1"}', event: 'ev', pipe: 'msg' }, v));
    assert.equal(m2.text, '{"data":"{\\"rand\\":\\"1\\"}","event":"ev","pipe":"msg"}');
    assert.deepEqual(clientView(m1.text, v)!.data, { rand: '1' });
    c1.terminate();
    c2.terminate();
  });

  test(`#30 offline queue: 60 messages delivered after serverInfo, in order; queue empty after (${v})`, async () => {
    const user = v === '4.08' ? 30 : 130;
    await e.q(`INSERT INTO users_auth (id, hash) VALUES (${user}, 'hash30')`);
    for (let i = 0; i < 60; i++) await e.q(`INSERT INTO users_messages (id, event, message) VALUES (${user}, 'q', 'queued ${i}')`);
    const [queued] = await e.sql.query(`SELECT * FROM users_messages WHERE id = ${user}`);
    assert.ok((queued as unknown[]).length > 0);
    const c = await e.client({ session: 'hash30', userId: user, version: v });
    assert.equal(c.first.json.event, 'serverInfo');
    await c.sync();
    const msgs = c.onPipe('msg');
    assert.equal(msgs.length, 60);
    assert.deepEqual(msgs.map((f) => f.json.data), Array.from({ length: 60 }, (_, i) => `queued ${i}`));
    assert.equal(msgs[0].text, expectedText({ data: 'queued 0', event: 'q', fromQueue: true, message_send_time: sendTime(msgs[0]), pipe: 'msg' }, v));
    const firstMsgIndex = c.frames.indexOf(msgs[0]);
    assert.equal(firstMsgIndex, 1, 'right after serverInfo');
    const [left] = await e.sql.query(`SELECT * FROM users_messages WHERE id = ${user}`);
    assert.deepEqual(left, []);
    c.terminate();
  });
}

test('#11 mixed-version fan-out: v4 gets modern, v3 legacy bytes of the same message', async () => {
  const pipe = 'web_mix';
  const v4 = await subscribed('4.08', [pipe]);
  const v3 = await subscribed('3.25', [pipe]);
  const sender = await e.client({ session: 'valid00000userHash', userId: 3 });
  sender.send(`web_pipe2\n${pipe}\nnewMessage\n*\n{"text":"hi"}`);
  const report = await sender.waitPipe(`_answer_to_${pipe}`);
  assert.equal(report.json.data.number_messages, 2);
  const m4 = await v4.waitPipe(pipe);
  const m3 = await v3.waitPipe(pipe);
  const t = sendTime(m4);
  assert.equal(m4.text, `{"data":"{\\"text\\":\\"hi\\"}","event":"newMessage","message_send_time":${t},"pipe":"web_mix","user_id":3}`);
  assert.equal(m3.text, `{"api_data":"for major_version < 4","data":"{\\"text\\":\\"hi\\"}","event":"newMessage","event_name":"newMessage","message_send_time":${t},"pipe":"web_mix","user_id":3}`);
  for (const c of [v4, v3, sender]) c.terminate();
});

test('#36 dev_id isolation: devid=0 and devid=abc share dev 0; devid=1 does not see it', async () => {
  const a = await e.client({ session: 'x', userId: 0, devId: 0 });
  const b = await e.client({ session: 'x', userId: 0, devId: 1 });
  const c = await e.client({ session: 'x', userId: 0, devId: 'abc' });
  for (const x of [a, b, c]) x.subscribe('web_iso');
  await Promise.all([a.sync(), b.sync(), c.sync()]);
  a.send('web_pipe2\nweb_iso\ne\n*\n"iso"');
  const report = await a.waitPipe('_answer_to_web_iso');
  assert.equal(report.json.data.number_messages, 1);
  assert.equal((await c.waitPipe('web_iso', 'e')).json.data, '"iso"');
  await b.sync();
  assert.equal(b.onPipe('web_iso').length, 0);
  for (const x of [a, b, c]) x.terminate();
});

test('#37 large frames both ways: 500 and 60 000 bytes, 16-bit length form, delivered intact', async () => {
  const raw = await RawWsSocket.open(e.port, `/ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${randomUuid()}&api=js`);
  await raw.waitFrames(1);
  raw.write(clientFrame(1, Buffer.from('subscription\nweb_big')));
  const sender = await e.client({ session: 'x', userId: 0 });
  for (const size of [500, 60000]) {
    const before = raw.frames.length;
    const body = 'b'.repeat(size);
    sender.send(`web_pipe2\nweb_big\nbig\n*\n${body}`);
    const report = await sender.waitPipe('_answer_to_web_big');
    assert.equal(report.json.data.number_messages, 1);
    assert.equal(report.json.data.message.length, size);
    await raw.waitFrames(before + 1);
    const f = raw.frames[before];
    assert.equal(f.bytes[1], 126, '16-bit length form');
    assert.equal(JSON.parse(f.payload.toString()).data, body);
  }
  raw.destroy();
  sender.terminate();
});

test('#38 123-125-byte messages are delivered intact (upstream corrupts them)', async () => {
  const pipe = 'web_len';
  const raw = await RawWsSocket.open(e.port, `/ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${randomUuid()}&api=js`);
  await raw.waitFrames(1);
  raw.write(clientFrame(1, Buffer.from(`subscription\n${pipe}`)));
  raw.write(clientFrame(1, Buffer.from('pipe_count\nweb_len\nm0\n')));
  await raw.waitFrames(2);
  const base = Buffer.byteLength(`{"data":"","event":"e","message_send_time":${Math.floor(Date.now() / 1000)},"pipe":"${pipe}"}`);
  for (const size of [123, 124, 125]) {
    const message = 'm'.repeat(size - base);
    const before = raw.frames.length;
    await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${pipe}', 'e', '${message}')`);
    await raw.waitFrames(before + 1);
    const f = raw.frames[before];
    assert.equal(f.bytes[1], size, `7-bit length ${size}`);
    assert.equal(JSON.parse(f.payload.toString()).data, message);
  }
  raw.destroy();
});

test('cross-side: pipes and users_in_pipes reflect live subscriptions', async () => {
  const uuid = randomUuid();
  const watcher = await subscribed('4.08', ['track_live']);
  const a = await e.client({ session: 'valid00000userHash', userId: 3, uuid, headers: { 'User-Agent': 'TestAgent/1.0', Origin: 'https://app.example.com', 'Accept-Language': 'en-US' } });
  const b = await e.client({ session: 'x', userId: 0 });
  a.subscribe('web_live', 'track_live');
  b.subscribe('web_live');
  await Promise.all([a.sync(), b.sync()]);
  const [pipes] = await e.sql.query("SELECT * FROM pipes WHERE name IN ('web_live', 'web_nobody')");
  assert.deepEqual(pipes, [{ name: 'web_live', users: '2' }, { name: 'web_nobody', users: '0' }]);
  const [users] = await e.sql.query("SELECT * FROM users_in_pipes WHERE name = 'web_live'");
  const rows = users as Array<Record<string, string>>;
  assert.equal(rows.length, 2);
  const mine = rows.find((r) => r.user_uuid === uuid)!;
  assert.equal(mine.user_id, '3');
  assert.equal(mine.user_agent, 'TestAgent/1.0');
  assert.equal(mine.origin, 'https://app.example.com');
  assert.equal(mine.language, 'en-US');
  assert.equal(mine.ip, '127.0.0.1');
  assert.ok(rows.some((r) => r.user_id === '0'));
  b.subscribe('web_elsewhere');
  await b.sync();
  const [after1] = await e.sql.query("SELECT * FROM pipes WHERE name IN ('web_live')");
  assert.deepEqual(after1, [{ name: 'web_live', users: '1' }]);
  a.terminate();
  await watcher.waitFor((f) => f.json?.event === 'unsubscription' && f.json?.data?.uuid === uuid, "a's unsubscription after its close");
  const [after2] = await e.sql.query("SELECT * FROM users_in_pipes WHERE name = 'web_live'");
  assert.deepEqual(after2, []);
  b.terminate();
  watcher.terminate();
});
