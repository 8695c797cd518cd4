// Server frames built with ws's Sender.frame(): exact header bytes per length class, one cached
// Buffer per envelope and client class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTextFrame, framedEnvelope, PING_FRAME } from '../../src/transport/ws-frames.js';
import { Envelope } from '../../src/client-protocol/envelope.js';
import { parseServerFrame } from '../helpers/comet-client.js';

test('text frames: FIN+text, unmasked, 7/16/64-bit lengths, payload intact', () => {
  const cases: Array<[number, number[]]> = [
    [0, [0x81, 0]],
    [125, [0x81, 125]],
    [126, [0x81, 126, 0, 126]],
    [65535, [0x81, 126, 0xff, 0xff]],
    [65536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ];
  for (const [n, header] of cases) {
    const text = 'x'.repeat(n);
    const f = encodeTextFrame(text);
    assert.deepEqual([...f.subarray(0, header.length)], header, String(n));
    assert.equal(f.length, header.length + n);
    assert.equal(parseServerFrame(f)!.payload.toString(), text);
  }
  assert.equal(encodeTextFrame('é').length, 4, 'length counts UTF-8 bytes');
});

test('ping is the empty control frame', () => {
  assert.deepEqual([...PING_FRAME], [0x89, 0x00]);
});

test('an envelope is framed once per client class and shared', () => {
  const env = new Envelope({ data: { a: 1 }, event: 'e', pipe: 'web_x' });
  const modern = framedEnvelope(env, false);
  assert.ok(Object.is(modern, framedEnvelope(env, false)));
  const legacy = framedEnvelope(env, true);
  assert.ok(Object.is(legacy, framedEnvelope(env, true)));
  assert.equal(parseServerFrame(modern)!.payload.toString(), env.json(false));
  assert.equal(parseServerFrame(legacy)!.payload.toString(), env.json(true));
});
