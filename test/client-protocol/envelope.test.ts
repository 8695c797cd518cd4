import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as m from '../../src/client-protocol/messages.js';
import { Envelope } from '../../src/client-protocol/envelope.js';

const T = 1700000000;

test('byte-exact frames of PROTOCOL.md 16.x (modern and legacy)', async (t) => {
  const cases: Array<[string, Envelope, boolean, string]> = [
    ['serverInfo anonymous', m.serverInfo(false, '', T), false, `{"authorized":false,"data":"","event":"serverInfo","message_send_time":${T},"pipe":"sys","server":"CppComet community 4.09 (AGPL license)"}`],
    ['online event', m.userStatusEvent(3, 'online'), false, '{"data":"online","event":"online","pipe":"user_status_3"}'],
    ['delivery report', m.deliveryReport('web_chat', '{"text":"hi"}', 1, T), false, `{"data":{"message":"{\\"text\\":\\"hi\\"}","number_messages":1},"event":"answer","message_send_time":${T},"pipe":"_answer_to_web_chat"}`],
    ['delivery report legacy', m.deliveryReport('web_chat', '{"text":"hi"}', 1, T), true, `{"api_data":"for major_version < 4","data":"{\\"message\\":\\"{\\\\\\"text\\\\\\":\\\\\\"hi\\\\\\"}\\",\\"number_messages\\":1}","event":"answer","event_name":"answer","message_send_time":${T},"pipe":"_answer_to_web_chat"}`],
    ['web message', m.pipeMessage('web_chat', 'newMessage', '{"text":"hi"}', T, 3), false, `{"data":"{\\"text\\":\\"hi\\"}","event":"newMessage","message_send_time":${T},"pipe":"web_chat","user_id":3}`],
    ['web message legacy', m.pipeMessage('web_chat', 'newMessage', '{"text":"hi"}', T, 3), true, `{"api_data":"for major_version < 4","data":"{\\"text\\":\\"hi\\"}","event":"newMessage","event_name":"newMessage","message_send_time":${T},"pipe":"web_chat","user_id":3}`],
    ['queued private', m.queuedPrivateMessage('ev', '{"a":1}', 1699999999), false, '{"data":"{\\"a\\":1}","event":"ev","fromQueue":true,"message_send_time":1699999999,"pipe":"msg"}'],
    ['history', m.historyMessage('test_pipelog', 'e1', '{"rand":"0.1ABC"}', 1699999999, 0), false, '{"data":"{\\"rand\\":\\"0.1ABC\\"}","event":"e1","fromQueue":true,"history":true,"message_send_time":1699999999,"pipe":"test_pipelog","user_id":0}'],
    ['track users legacy', m.trackPipeUsersAnswer([], 'm1', T), true, `{"_info":"answer for track_pipe_users","api_data":"for major_version < 4","data":"[]","event":"answer","event_name":"answer","marker":"m1","message_send_time":${T},"pipe":"_answer"}`],
    ['pipe count (ruling 2)', m.pipeCountAnswer(3, '2259796665', T), false, `{"data":{"0":"user_in_pipe","1":3,"user_in_pipe":3},"event":"user_in_pipe","marker":"2259796665","message_send_time":${T},"pipe":"_answer_pipe_count"}`],
    ['private to v3 keeps data a string', m.privateMessage('ev', 'x'), true, '{"api_data":"for major_version < 4","data":"x","event":"ev","event_name":"ev","pipe":"msg"}'],
    ['apostrophes as \\u0027', m.pipeMessage('p1', 'e', "it's", T), false, `{"data":"it\\u0027s","event":"e","message_send_time":${T},"pipe":"p1"}`],
    ['too many letters error', m.errorFrame({ code: '403', error: 'Too many letters' }, T), false, `{"data":{"code":"403","error":"Too many letters"},"event":"error","message_send_time":${T},"pipe":"sys"}`],
  ];
  for (const [name, env, legacy, expected] of cases) {
    await t.test(name, () => {
      assert.equal(env.json(legacy), expected);
      assert.deepEqual(JSON.parse(env.json(legacy)), JSON.parse(expected));
    });
  }
});

test('an envelope serializes once per class', () => {
  const env = m.pipeMessage('p1', 'e', 'x', T);
  assert.equal(env.json(false), env.json(false));
  assert.ok(Object.is(env.json(true), env.json(true)));
});
