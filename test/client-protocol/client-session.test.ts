import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleClientFrame } from '../../src/client-protocol/client-session.js';
import { ClientErrors } from '../../src/errors.js';
import { fixture } from '../helpers/core-fixture.js';

const T = 1700000000;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function last(frames: string[]): Json {
  return JSON.parse(frames[frames.length - 1]) as Json;
}

async function setup() {
  const f = fixture();
  f.core.auth.hashes.set(0, 3, 'valid00000userHash');
  const a = await f.connect({ user: 3, session: 'valid00000userHash', uuid: 'A'.repeat(32) });
  const b = await f.connect({ uuid: 'B'.repeat(32) });
  a.link.frames.length = 0;
  b.link.frames.length = 0;
  return { f, a, b, run: (who: typeof a, frame: string) => handleClientFrame(f.core, who.conn, frame) };
}

test('subscription replaces the set, limits per 6.1.1', async () => {
  const { a, run } = await setup();
  assert.equal(run(a, 'subscription\nweb_a\nweb_b'), 'keep');
  assert.deepEqual([...a.conn.subscriptions], ['web_a', 'web_b']);
  assert.equal(run(a, 'subscription\nweb_b'), 'keep');
  assert.deepEqual([...a.conn.subscriptions], ['web_b']);
  assert.equal(a.link.frames.length, 0, 'no reply for a successful subscription');
  const names = Array.from({ length: 33 }, (_, i) => `web_${i}`);
  assert.equal(run(a, `subscription\n${names.join('\n')}`), 'keep');
  assert.equal(a.conn.subscriptions.size, 32);
  assert.deepEqual(last(a.link.frames), { data: { code: '403', error: 'Too many letters' }, event: 'error', message_send_time: T, pipe: 'sys' });
  assert.equal(run(a, `subscription\nweb_ok\n${'x'.repeat(65)}`), 'close');
  assert.deepEqual([...a.conn.subscriptions], ['web_ok']);
  assert.equal(last(a.link.frames).data.error, ClientErrors.channelNameTooLong);
  assert.equal(run(a, `subscription\n${'y'.repeat(2177)}`), 'close');
  assert.equal(a.conn.subscriptions.size, 0, 'the old subscriptions were removed first');
});

test('anonymous private_ names are skipped, the rest continue (REC 6.1.3)', async () => {
  const { a, b, run } = await setup();
  run(b, 'subscription\nprivate_x\nweb_after');
  assert.deepEqual([...b.conn.subscriptions], ['web_after']);
  run(a, 'subscription\nprivate_x\nweb_after');
  assert.deepEqual([...a.conn.subscriptions], ['private_x', 'web_after']);
});

test('web_pipe2: recipients first, sender excluded, report with the written count (ruling 11)', async () => {
  const { f, a, b, run } = await setup();
  const c = await f.connect({ uuid: 'C'.repeat(32) });
  run(a, 'subscription\nweb_chat');
  run(b, 'subscription\nweb_chat');
  run(c, 'subscription\nweb_chat');
  a.link.frames.length = 0;
  assert.equal(run(a, 'web_pipe2\nweb_chat\nnewMessage\n*\n{"text":"hi"}'), 'keep');
  assert.deepEqual(JSON.parse(b.link.frames.at(-1)!), { data: '{"text":"hi"}', event: 'newMessage', message_send_time: T, pipe: 'web_chat', user_id: 3 });
  assert.equal(a.link.frames.length, 1, 'sender gets only its report');
  assert.deepEqual(last(a.link.frames), { data: { message: '{"text":"hi"}', number_messages: 2 }, event: 'answer', message_send_time: T, pipe: '_answer_to_web_chat' });
});

test('web_pipe2 from an anonymous connection carries user_id 0; @web_ forces 0', async () => {
  const { a, b, run } = await setup();
  run(a, 'subscription\nweb_x');
  run(b, 'web_pipe2\nweb_x\ne\n*\n1');
  assert.equal(last(a.link.frames).user_id, 0);
  run(b, 'subscription\nweb_x');
  run(a, 'web_pipe2\n@web_x\ne\n*\n1');
  assert.deepEqual(last(b.link.frames), { data: '1', event: 'e', message_send_time: T, pipe: 'web_x', user_id: 0 });
  assert.equal(last(a.link.frames).pipe, '_answer_to_web_x');
});

test('web_pipe2 validation in upstream order; nothing delivered, no report', async (t) => {
  const cases: Array<[string, string, boolean, Json]> = [
    ['non-web pipe', 'web_pipe2\ntest1\ne\n*\n1', true, { error: ClientErrors.webPrefix, number_messages: -1 }],
    ['@webauth_ is rejected', 'web_pipe2\n@webauth_x\ne\n*\n1', true, { error: ClientErrors.webPrefix, number_messages: -1 }],
    ['webauth_ from anonymous', 'web_pipe2\nwebauth_room\ne\n*\n1', false, { error: ClientErrors.webauthAnonymous, number_messages: -1 }],
    ['bad pipe chars', 'web_pipe2\nweb_a.b\ne\n*\n1', true, { error: ClientErrors.pipeBadChars, number_messages: -1 }],
    ['pipe too long', `web_pipe2\nweb_${'a'.repeat(61)}\ne\n*\n1`, true, { error: ClientErrors.pipeBadLength, number_messages: -1 }],
    ['bad event chars', 'web_pipe2\nweb_x\na.b\n*\n1', true, { error: ClientErrors.eventBadChars }],
    ['event too long', `web_pipe2\nweb_x\n${'e'.repeat(65)}\n*\n1`, true, { error: ClientErrors.eventBadLength }],
    ['bad auth_type', 'web_pipe2\nweb_x\ne\n**\n1', true, { error: ClientErrors.authType, number_messages: -1 }],
    ['prefix before charset', 'web_pipe2\nbad.name\na.b\n**\n1', true, { error: ClientErrors.webPrefix, number_messages: -1 }],
    ['pipe before event', 'web_pipe2\nweb_a.b\na.b\n**\n1', true, { error: ClientErrors.pipeBadChars, number_messages: -1 }],
    ['event before auth_type', 'web_pipe2\nweb_x\na.b\n**\n1', true, { error: ClientErrors.eventBadChars }],
  ];
  for (const [name, frame, authorizedSender, data] of cases) {
    await t.test(name, async () => {
      const { a, b, run } = await setup();
      const sender = authorizedSender ? a : b;
      const other = authorizedSender ? b : a;
      run(other, 'subscription\nweb_x\nwebauth_room\ntest1');
      sender.link.frames.length = 0;
      other.link.frames.length = 0;
      assert.equal(run(sender, frame), 'keep');
      assert.equal(sender.link.frames.length, 1);
      assert.deepEqual(last(sender.link.frames), { data, event: 'error', message_send_time: T, pipe: 'sys' });
      assert.equal(other.link.frames.length, 0);
    });
  }
  await t.test('64-character pipe and event names are accepted', async () => {
    const { a, run } = await setup();
    run(a, `web_pipe2\nweb_${'a'.repeat(60)}\n${'e'.repeat(64)}\n*\n1`);
    assert.equal(last(a.link.frames).event, 'answer');
  });
});

test('webauth_ from an authorized connection reaches subscribers with its user id', async () => {
  const { a, b, run } = await setup();
  run(b, 'subscription\nwebauth_room');
  run(a, 'web_pipe2\nwebauth_room\ne\n*\nhello');
  assert.equal(last(b.link.frames).user_id, 3);
  assert.equal(last(a.link.frames).data.number_messages, 1);
});

test('pipe_log replays history with history:true and no marker (ruling 6)', async () => {
  const { f, a, b, run } = await setup();
  await f.core.setPipeHistoryLength(0, 'test_pipelog', 2);
  f.core.publish(0, 'test_pipelog', 'e1', 'm1');
  f.core.publish(0, 'test_pipelog', 'e1', 'm2');
  f.core.publish(0, 'test_pipelog', 'e1', 'm3');
  run(b, 'subscription\ntest_pipelog');
  b.link.frames.length = 0;
  run(a, 'pipe_log\ntest_pipelog\n4620873988\n');
  assert.deepEqual(a.link.parsed(), [
    { data: 'm2', event: 'e1', fromQueue: true, history: true, message_send_time: T, pipe: 'test_pipelog', user_id: 0 },
    { data: 'm3', event: 'e1', fromQueue: true, history: true, message_send_time: T, pipe: 'test_pipelog', user_id: 0 },
  ]);
  assert.equal(b.link.frames.length, 0);
});

test('pipe_log / pipe_count name errors: generic frame then the command error', async () => {
  const { a, run } = await setup();
  run(a, 'pipe_log\nweb.x\nm1\n');
  assert.deepEqual(a.link.parsed().map((j) => j.data), [
    { error: ClientErrors.pipeBadChars, number_messages: -1 },
    { error: ClientErrors.pipeLogChannel, number_messages: -1 },
  ]);
  a.link.frames.length = 0;
  run(a, 'pipe_log\nweb_x\n12.5\n');
  assert.deepEqual(a.link.parsed().map((j) => j.data), [
    { error: ClientErrors.pipeBadChars, number_messages: -1 },
    { error: ClientErrors.pipeLogMarker, number_messages: -1 },
  ]);
  a.link.frames.length = 0;
  run(a, 'pipe_count\nweb_x\n12.5\n');
  assert.deepEqual(a.link.parsed().map((j) => j.data), [
    { error: ClientErrors.pipeBadChars, number_messages: -1 },
    { error: ClientErrors.pipeCountName, number_messages: -1 },
  ]);
});

test('pipe_count counts connections of web_/track_ pipes; other prefixes refused', async () => {
  const { a, b, run } = await setup();
  run(a, 'subscription\nweb_c');
  run(b, 'subscription\nweb_c');
  run(a, 'pipe_count\nweb_c\n2259796665\n');
  assert.deepEqual(last(a.link.frames), { data: { 0: 'user_in_pipe', 1: 2, user_in_pipe: 2 }, event: 'user_in_pipe', marker: '2259796665', message_send_time: T, pipe: '_answer_pipe_count' });
  run(a, 'pipe_count\ntrack_none\nm\n');
  assert.equal(last(a.link.frames).data.user_in_pipe, 0);
  a.link.frames.length = 0;
  run(a, 'pipe_count\nchat1\nm\n');
  assert.deepEqual(a.link.parsed(), [{ data: { error: ClientErrors.pipeCountPrefix, number_messages: -1 }, event: 'error', message_send_time: T, pipe: 'sys' }]);
});

test('track_pipe_users: newest subscriber first; v3 reply on the track pipe', async () => {
  const { f, a, b, run } = await setup();
  run(a, 'subscription\ntrack_t');
  run(b, 'subscription\ntrack_t');
  const c = await f.connect({ uuid: 'C'.repeat(32) });
  run(c, 'track_pipe_users\ntrack_t\n4620873988');
  assert.deepEqual(last(c.link.frames), {
    _info: 'answer for track_pipe_users',
    data: [{ user_id: 0, uuid: 'B'.repeat(32) }, { user_id: 3, uuid: 'A'.repeat(32) }],
    event: 'answer',
    marker: '4620873988',
    message_send_time: T,
    pipe: '_answer',
  });
  const v3 = await f.connect({ uuid: 'D'.repeat(32), legacy: true });
  run(v3, 'track_pipe_users\ntrack_t\nm1');
  const j = last(v3.link.frames);
  assert.equal(j.pipe, 'track_t');
  assert.equal(j.marker, 'm1');
  assert.equal(typeof j.data, 'string');
  run(c, 'track_pipe_users\ntest1\nm2');
  assert.deepEqual(last(c.link.frames).data, { error: ClientErrors.trackPrefix, user_id: -1 });
});

test('user_data: string data, "" when absent, marker and id errors', async () => {
  const { f, a, run } = await setup();
  await f.core.setUserData(0, 9997, '{"rand":"r"}');
  run(a, 'user_data\n5614903529\n9997');
  assert.deepEqual(last(a.link.frames), { data: { user_data: '{"rand":"r"}', user_id: 9997 }, event: 'answer', marker: '5614903529', message_send_time: T, pipe: '_answer' });
  run(a, 'user_data\n5614903529\n9998');
  assert.deepEqual(last(a.link.frames).data, { user_data: '', user_id: 9998 });
  a.link.frames.length = 0;
  run(a, 'user_data\nm.1\n9997');
  assert.deepEqual(a.link.parsed().map((j) => j.data), [
    { error: ClientErrors.pipeBadChars, number_messages: -1 },
    { error: ClientErrors.markerName, user_data: '', user_id: -1 },
  ]);
  a.link.frames.length = 0;
  run(a, 'user_data\nm1\nabc');
  assert.deepEqual(a.link.parsed().map((j) => j.data), [{ error: ClientErrors.userId, user_data: '', user_id: -1 }]);
});

test('user_status answers now - L', async () => {
  const { a, run } = await setup();
  run(a, 'user_status\n3');
  assert.deepEqual(last(a.link.frames), { data: { data: T, last_online_time: T }, event: 'user_status_3', message_send_time: T, pipe: '_answer_user_status' });
  run(a, 'user_status\n77');
  assert.equal(last(a.link.frames).data.data, T + 1);
});

test('statistics, cgi_call and CometQL_call are accepted silently; unknown closes', async () => {
  const { a, run } = await setup();
  assert.equal(run(a, 'statistics\n{"url":"x"}'), 'keep');
  assert.equal(run(a, 'cgi_call\nx'), 'keep');
  assert.equal(run(a, 'CometQL_call\nm1\ntoken'), 'keep');
  assert.equal(a.link.frames.length, 0);
  assert.equal(run(a, 'hello'), 'close');
  assert.equal(run(a, ''), 'close');
  assert.equal(a.link.frames.length, 0, 'an unknown command gets no message');
  assert.equal(run(a, 'CometQL_call\nm.1\ntoken'), 'keep');
  assert.equal(last(a.link.frames).data.error, ClientErrors.markerName);
});
