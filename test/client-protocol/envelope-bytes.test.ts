import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as msg from '../../src/client-protocol/messages.js';
import { ClientErrors } from '../../src/errors.js';

const T = 1700000000;
const SERVER = 'CppComet community 4.09 (AGPL license)';

test('legacy bytes not covered by envelope.test.ts (PROTOCOL 2.5, 3, 5.4)', async (t) => {
  const cases: Array<[string, ReturnType<typeof msg.serverInfo>, string, string]> = [
    [
      'serverInfo: authorized as a string for v3 (PROTOCOL 3 REC)',
      msg.serverInfo(true, 'valid00000userHash', T),
      `{"authorized":true,"data":"valid00000userHash","event":"serverInfo","message_send_time":${T},"pipe":"sys","server":"${SERVER}"}`,
      `{"api_data":"for major_version < 4","authorized":"true","data":"valid00000userHash","event":"serverInfo","event_name":"serverInfo","message_send_time":${T},"pipe":"sys","server":"${SERVER}"}`,
    ],
    [
      'serverInfo anonymous, legacy',
      msg.serverInfo(false, '', T),
      `{"authorized":false,"data":"","event":"serverInfo","message_send_time":${T},"pipe":"sys","server":"${SERVER}"}`,
      `{"api_data":"for major_version < 4","authorized":"false","data":"","event":"serverInfo","event_name":"serverInfo","message_send_time":${T},"pipe":"sys","server":"${SERVER}"}`,
    ],
    [
      'handshake 418 (2.5 example)',
      msg.handshakeError(ClientErrors.noVersion, 418, T),
      `{"data":{"error":"Error code 418(Invalid request Not assigned client api version)\\n","error_code":418,"info":"Closed due to error. See last message."},"event":"error","message_send_time":${T},"pipe":"sys"}`,
      `{"api_data":"for major_version < 4","data":"{\\"error\\":\\"Error code 418(Invalid request Not assigned client api version)\\\\n\\",\\"error_code\\":418,\\"info\\":\\"Closed due to error. See last message.\\"}","event":"error","event_name":"error","message_send_time":${T},"pipe":"sys"}`,
    ],
    [
      'handshake 423, modern (2.5 example)',
      msg.handshakeError(ClientErrors.badOrigin, 423, T),
      `{"data":{"error":"Error code 423(Access denied, Request from unauthorized domain.)","error_code":423,"info":"Closed due to error. See last message."},"event":"error","message_send_time":${T},"pipe":"sys"}`,
      `{"api_data":"for major_version < 4","data":"{\\"error\\":\\"Error code 423(Access denied, Request from unauthorized domain.)\\",\\"error_code\\":423,\\"info\\":\\"Closed due to error. See last message.\\"}","event":"error","event_name":"error","message_send_time":${T},"pipe":"sys"}`,
    ],
    [
      'track event, legacy data stringified',
      msg.trackEvent('track_online', 'subscription', 5, 'U1', T),
      `{"data":{"user_id":5,"uuid":"U1"},"event":"subscription","message_send_time":${T},"pipe":"track_online"}`,
      `{"api_data":"for major_version < 4","data":"{\\"user_id\\":5,\\"uuid\\":\\"U1\\"}","event":"subscription","event_name":"subscription","message_send_time":${T},"pipe":"track_online"}`,
    ],
  ];
  for (const [name, env, modern, legacy] of cases) {
    await t.test(name, () => {
      assert.equal(env.json(false), modern);
      assert.equal(env.json(true), legacy);
    });
  }
});

test('16.2 byte lengths: serverInfo is 145 bytes, online 57, report 137', () => {
  assert.equal(Buffer.byteLength(msg.serverInfo(false, '', T).json(false)), 145);
  assert.equal(Buffer.byteLength(msg.userStatusEvent(3, 'online').json(false)), 57);
  assert.equal(Buffer.byteLength(msg.deliveryReport('web_chat', '{"text":"hi"}', 1, T).json(false)), 137);
});

test('apostrophes are emitted as \\u0027 (ruling 3) and parse back', () => {
  const env = msg.pipeMessage('web_q', 'e', `{"t":"it's"}`, T, 0);
  assert.ok(!env.json(false).includes("'"));
  assert.ok(env.json(false).includes('\\u0027'));
  // The clients rewrite backslash-apostrophe before JSON.parse; that rewrite cannot hit \u0027.
  const afterClientRewrite = env.json(false).replace(/\\'/g, "'");
  assert.equal(JSON.parse(JSON.parse(afterClientRewrite).data).t, "it's");
});
