import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTextFrame, framedEnvelope, encodePong, PING_FRAME, headerLength } from '../../src/transport/ws-sender.js';
import { acceptKey, switchingProtocols, usableKey } from '../../src/transport/ws-handshake.js';
import * as msg from '../../src/client-protocol/messages.js';
import { parseServerFrame } from '../helpers/comet-client.js';

const T = 1700000000;

test('PROTOCOL 16.2: exact server frame bytes', () => {
  const info = encodeTextFrame(msg.serverInfo(false, '', T).json(false));
  assert.deepEqual([...info.subarray(0, 4)], [0x81, 0x7e, 0x00, 0x91]);
  assert.equal(info.subarray(4).toString(), `{"authorized":false,"data":"","event":"serverInfo","message_send_time":${T},"pipe":"sys","server":"CppComet community 4.09 (AGPL license)"}`);
  const online = encodeTextFrame(msg.userStatusEvent(3, 'online').json(false));
  assert.deepEqual([...online.subarray(0, 2)], [0x81, 0x39]);
  assert.equal(online.length, 2 + 57);
  const report = encodeTextFrame(msg.deliveryReport('web_chat', '{"text":"hi"}', 1, T).json(false));
  assert.deepEqual([...report.subarray(0, 4)], [0x81, 0x7e, 0x00, 0x89]);
});

test('length forms at every boundary; 123-125 bytes intact (upstream corrupts them)', async (t) => {
  const cases: Array<[number, number[]]> = [
    [0, [0x81, 0x00]],
    [104, [0x81, 0x68]],
    [123, [0x81, 123]],
    [124, [0x81, 124]],
    [125, [0x81, 125]],
    [126, [0x81, 0x7e, 0x00, 0x7e]],
    [65535, [0x81, 0x7e, 0xff, 0xff]],
    [65536, [0x81, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]],
    [100000, [0x81, 0x7f, 0, 0, 0, 0, 0, 0x01, 0x86, 0xa0]],
  ];
  for (const [len, head] of cases) {
    await t.test(`${len} bytes`, () => {
      const text = 'z'.repeat(len);
      const f = encodeTextFrame(text);
      assert.deepEqual([...f.subarray(0, head.length)], head);
      assert.equal(f.length, head.length + len);
      assert.equal(headerLength(len), head.length);
      const parsed = parseServerFrame(f)!;
      assert.equal(parsed.payload.toString(), text);
      assert.equal(parsed.fin, true);
      assert.equal(parsed.opcode, 1);
    });
  }
});

test('multi-byte UTF-8 length is counted in bytes', () => {
  const f = encodeTextFrame('\u00e9\u4e2d\ud83d\ude00');
  assert.equal(f[1], 2 + 3 + 4);
  assert.equal(parseServerFrame(f)!.payload.toString('utf8'), '\u00e9\u4e2d\ud83d\ude00');
});

test('an envelope is framed once per class and the frame is shared', () => {
  const env = msg.pipeMessage('web_mix', 'e', 'hello', T, 1);
  const m1 = framedEnvelope(env, false);
  const m2 = framedEnvelope(env, false);
  const l1 = framedEnvelope(env, true);
  assert.ok(Object.is(m1, m2), 'modern frame cached');
  assert.ok(Object.is(l1, framedEnvelope(env, true)), 'legacy frame cached');
  assert.notDeepEqual(m1, l1);
  assert.equal(parseServerFrame(l1)!.payload.toString(), env.json(true));
});

test('control frames: ping is empty, pong echoes', () => {
  assert.deepEqual([...PING_FRAME], [0x89, 0x00]);
  assert.deepEqual([...encodePong(Buffer.from('ab'))], [0x8a, 0x02, 0x61, 0x62]);
});

test('handshake: RFC 6455 key example and the exact 101 (PROTOCOL 2.4.1)', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  assert.equal(
    switchingProtocols('dGhlIHNhbXBsZSBub25jZQ=='),
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
});

test('usable keys', () => {
  const cases: Array<[string | string[] | undefined, string | undefined]> = [
    ['dGhlIHNhbXBsZSBub25jZQ==', 'dGhlIHNhbXBsZSBub25jZQ=='],
    [' dGhlIHNhbXBsZSBub25jZQ== ', 'dGhlIHNhbXBsZSBub25jZQ=='],
    [undefined, undefined],
    ['', undefined],
    ['has space', undefined],
    ['x'.repeat(65), undefined],
    [['a', 'b'], undefined],
  ];
  for (const [header, expected] of cases) assert.equal(usableKey(header), expected, String(header));
});
