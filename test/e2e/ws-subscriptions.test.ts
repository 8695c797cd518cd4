// PROTOCOL.md §18 #20-#28: subscription semantics, track_ events, the request/answer commands and
// history replay, for both envelope classes, against the real daemon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, expectedText, sendTime, clientView, randomMarker, randomUuid, type E2E, type ClientVersion, type CometClient } from '../helpers/comet-client.js';

const VERSIONS: ClientVersion[] = ['4.08', '3.25'];
const tag = (v: ClientVersion) => v.replace('.', '');
let e: E2E;

before(async () => {
  e = await startE2E();
  await e.q("INSERT INTO users_auth (id, hash) VALUES (3, 'valid00000userHash')");
});
after(async () => {
  await e.stop();
});

async function subscribed(v: ClientVersion, pipes: string[], o: { session?: string; userId?: number; uuid?: string } = {}): Promise<CometClient> {
  const c = await e.client({ session: o.session ?? 'x', userId: o.userId ?? 0, version: v, uuid: o.uuid });
  if (pipes.length > 0) c.subscribe(...pipes);
  await c.sync();
  return c;
}

async function push(pipe: string, message: string, event = 'ev'): Promise<void> {
  await e.q(`INSERT INTO pipes_messages (name, event, message) VALUES ('${pipe}', '${event}', '${message}')`);
}

for (const v of VERSIONS) {
  test(`#20 replace semantics: a new list drops the old pipes (${v})`, async () => {
    const [pa, pb] = [`web_a_${tag(v)}`, `web_b_${tag(v)}`];
    const a = await subscribed(v, [pa, pb]);
    a.send(`subscription\n${pb}`);
    await a.sync();
    await push(pa, 'gone');
    await push(pb, 'kept');
    await a.sync();
    assert.equal(a.onPipe(pa).length, 0);
    assert.deepEqual(a.onPipe(pb).map((f) => f.json.data), ['kept']);
    a.terminate();
  });

  test(`#21 subscription limits: 33 names, a 65-char name, "ab c de" (${v})`, async () => {
    const names = Array.from({ length: 33 }, (_, i) => `web_l${i}_${tag(v)}`);
    const a = await e.client({ session: 'x', userId: 0, version: v });
    a.send(`subscription\n${names.join('\n')}`);
    const err = await a.waitPipe('sys', 'error');
    assert.equal(err.text, expectedText({ data: { code: '403', error: 'Too many letters' }, event: 'error', message_send_time: sendTime(err), pipe: 'sys' }, v));
    await a.sync();
    assert.ok(a.isOpen, 'connection stays open');
    const [rows] = await e.sql.query(`SELECT * FROM pipes WHERE name IN ('${names[31]}', '${names[32]}')`);
    assert.deepEqual(rows, [{ name: names[31], users: '1' }, { name: names[32], users: '0' }]);

    const b = await e.client({ session: 'x', userId: 0, version: v });
    b.send(`subscription\nweb_before_${tag(v)}\n${'n'.repeat(65)}`);
    const tooLong = await b.waitPipe('sys', 'error');
    assert.equal(clientView(tooLong.text, v)!.data.error, 'Channel name is too long');
    assert.equal(await b.waitClosed(), 1006);

    const c = await e.client({ session: 'x', userId: 0, version: v });
    c.send('subscription\nab\nc\nde');
    await c.sync();
    assert.equal(c.onPipe('sys').filter((f) => f.json.event === 'error').length, 0, 'no error for the short token');
    // CometQL cannot name 2-byte pipes; the same list shape with longer names shows the stop.
    const [ab, de] = [`web_ab_${tag(v)}`, `web_de_${tag(v)}`];
    c.send(`subscription\n${ab}\nc\n${de}`);
    await c.sync();
    const [abde] = await e.sql.query(`SELECT * FROM pipes WHERE name IN ('${ab}', '${de}')`);
    assert.deepEqual(abde, [{ name: ab, users: '1' }, { name: de, users: '0' }]);
    a.terminate();
    c.terminate();
  });

  test(`#22 private_: anonymous skips only that name, authorized gets both (${v})`, async () => {
    const [priv, after] = [`private_x_${tag(v)}`, `web_after_${tag(v)}`];
    const anon = await subscribed(v, [priv, after]);
    const auth = await subscribed(v, [priv, after], { session: 'valid00000userHash', userId: 3 });
    await push(priv, 'secret');
    await push(after, 'public');
    await Promise.all([anon.sync(), auth.sync()]);
    assert.deepEqual(anon.frames.filter((f) => f.json?.event === 'ev').map((f) => f.json.pipe), [after]);
    assert.deepEqual(auth.frames.filter((f) => f.json?.event === 'ev').map((f) => f.json.pipe), [priv, after]);
    anon.terminate();
    auth.terminate();
  });

  test(`#23 track_ events: subscription then unsubscription at B, A never sees its own (${v})`, async () => {
    const pipe = `track_t23_${tag(v)}`;
    const uuid = randomUuid();
    const b = await subscribed(v, [pipe]);
    const a = await subscribed('4.08', [pipe], { uuid });
    const sub = await b.waitPipe(pipe, 'subscription');
    assert.equal(sub.text, expectedText({ data: { user_id: 0, uuid }, event: 'subscription', message_send_time: sendTime(sub), pipe }, v));
    a.terminate();
    const unsub = await b.waitPipe(pipe, 'unsubscription');
    assert.equal(unsub.text, expectedText({ data: { user_id: 0, uuid }, event: 'unsubscription', message_send_time: sendTime(unsub), pipe }, v));
    assert.equal(a.onPipe(pipe).length, 0);
    b.terminate();
  });

  test(`#24 track_ re-subscription noise: unsubscription then subscription for A (${v})`, async () => {
    const pipe = `track_t24_${tag(v)}`;
    const uuid = randomUuid();
    const a = await subscribed('4.08', [pipe], { uuid });
    const b = await subscribed(v, [pipe]);
    a.subscribe(pipe, `web_y_${tag(v)}`);
    await a.sync();
    await b.sync();
    const events = b.onPipe(pipe).map((f) => [f.json.event, clientView(f.text, v)!.data.uuid]);
    assert.deepEqual(events, [['unsubscription', uuid], ['subscription', uuid]]);
    a.terminate();
    b.terminate();
  });

  test(`#25 track_pipe_users: array of {user_id,uuid}, newest first, marker echoed; non-track refused (${v})`, async () => {
    const pipe = `track_t25_${tag(v)}`;
    const [ua, ub] = [randomUuid(), randomUuid()];
    const a = await subscribed('4.08', [pipe], { uuid: ua, session: 'valid00000userHash', userId: 3 });
    const b = await subscribed('4.08', [pipe], { uuid: ub });
    const c = await e.client({ session: 'x', userId: 0, version: v });
    const marker = randomMarker();
    c.send(`track_pipe_users\n${pipe}\n${marker}`);
    const reply = await c.waitFor((f) => f.json?.marker === marker, 'track_pipe_users reply');
    // v3.25 listens on the track pipe itself (6.5 REC); v4.08 gets upstream's _answer.
    const replyPipe = v === '4.08' ? '_answer' : pipe;
    const users = [{ user_id: 0, uuid: ub }, { user_id: 3, uuid: ua }];
    assert.equal(reply.text, expectedText({ _info: 'answer for track_pipe_users', data: users, event: 'answer', marker, message_send_time: sendTime(reply), pipe: replyPipe }, v));
    assert.ok(Array.isArray(clientView(reply.text, v)!.data));
    c.send(`track_pipe_users\ntest1\n${marker}`);
    const err = await c.waitPipe('sys', 'error');
    assert.deepEqual(clientView(err.text, v)!.data, { error: '[track_pipe_users] Invalid channel name. The channel should start with track_', user_id: -1 });
    for (const x of [a, b, c]) x.terminate();
  });

  test(`#26 count_users_in_pipe: count 2 with marker; chat1 refused without reply (${v})`, async () => {
    const pipe = `web_c26_${tag(v)}`;
    const a = await subscribed(v, [pipe]);
    const b = await subscribed('4.08', [pipe]);
    const marker = randomMarker();
    a.send(`pipe_count\n${pipe}\n${marker}\n`);
    const reply = await a.waitFor((f) => f.json?.marker === marker, 'pipe_count reply');
    assert.equal(reply.text, expectedText({ data: { 0: 'user_in_pipe', 1: 2, user_in_pipe: 2 }, event: 'user_in_pipe', marker, message_send_time: sendTime(reply), pipe: '_answer_pipe_count' }, v));
    const data = clientView(reply.text, v)!.data;
    assert.equal(data[1], 2);
    assert.equal(data.user_in_pipe, 2);
    const m2 = randomMarker();
    a.send(`pipe_count\nchat1\n${m2}\n`);
    const err = await a.waitPipe('sys', 'error');
    assert.equal(clientView(err.text, v)!.data.error, '[pipe_count] Invalid channel name. The channel should start with web_');
    await a.sync();
    assert.equal(a.frames.filter((f) => f.json?.marker === m2).length, 0);
    a.terminate();
    b.terminate();
  });

  test(`#27 user_data: the stored string, "" for an unknown user (${v})`, async () => {
    await e.q(`INSERT INTO users_data (id, data) VALUES (9997, '{"rand":"r"}')`);
    const a = await e.client({ session: 'x', userId: 0, version: v });
    const m1 = randomMarker();
    a.send(`user_data\n${m1}\n9997`);
    const r1 = await a.waitFor((f) => f.json?.marker === m1, 'user_data 9997');
    assert.equal(r1.text, expectedText({ data: { user_data: '{"rand":"r"}', user_id: 9997 }, event: 'answer', marker: m1, message_send_time: sendTime(r1), pipe: '_answer' }, v));
    assert.equal(clientView(r1.text, v)!.data.user_data, '{"rand":"r"}');
    const m2 = randomMarker();
    a.send(`user_data\n${m2}\n9998`);
    const r2 = await a.waitFor((f) => f.json?.marker === m2, 'user_data 9998');
    assert.deepEqual(clientView(r2.text, v)!.data, { user_data: '', user_id: 9998 });
    a.terminate();
  });

  test(`#28 history replay: 2 newest, oldest first, fromQueue + history, no marker; B nothing (${v})`, async () => {
    const pipe = `test_pipelog_${tag(v)}`;
    await e.q(`INSERT INTO pipes_settings (name, length) VALUES ('${pipe}', 2)`);
    for (const n of ['1', '2', '3']) await push(pipe, `{"rand":"${n}"}`, 'e1');
    const a = await subscribed(v, [pipe]);
    const b = await subscribed(v, [pipe]);
    const marker = randomMarker();
    a.send(`pipe_log\n${pipe}\n${marker}\n`);
    await a.sync();
    const replay = a.onPipe(pipe);
    assert.equal(replay.length, 2);
    assert.deepEqual(replay.map((f) => clientView(f.text, v)!.data.rand), ['2', '3']);
    for (const f of replay) {
      assert.equal(f.text, expectedText({ data: f.json.data, event: 'e1', fromQueue: true, history: true, message_send_time: sendTime(f), pipe, user_id: 0 }, v));
      assert.equal(f.json.marker, undefined);
      assert.equal(clientView(f.text, v)!.server_info.history, true);
    }
    await b.sync();
    assert.equal(b.onPipe(pipe).length, 0);
    a.terminate();
    b.terminate();
  });
}
