import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsReceiver, type FrameSink, type WsErrorCode, type WsProtocolError } from '../../src/transport/ws-receiver.js';

class RecordingSink implements FrameSink {
  readonly messages: string[] = [];
  readonly pings: Buffer[] = [];
  closeFrames = 0;
  errors: WsErrorCode[] = [];
  onMessage(text: string): void {
    this.messages.push(text);
  }
  onPing(payload: Buffer): void {
    this.pings.push(Buffer.from(payload));
  }
  onCloseFrame(): void {
    this.closeFrames++;
  }
  onProtocolError(err: WsProtocolError): void {
    this.errors.push(err.code);
  }
}

const MASK = Buffer.from([0x11, 0x22, 0x33, 0x44]);

/** A masked client frame; `len` overrides the encoded length form. */
function frame(opcode: number, payload: Buffer | string, opts: { fin?: boolean; rsv?: number; masked?: boolean; form?: 7 | 16 | 64 } = {}): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const form = opts.form ?? (p.length < 126 ? 7 : p.length <= 0xffff ? 16 : 64);
  const head: number[] = [(opts.fin === false ? 0 : 0x80) | (opts.rsv ?? 0) | opcode];
  const maskBit = opts.masked === false ? 0 : 0x80;
  if (form === 7) head.push(maskBit | p.length);
  else if (form === 16) head.push(maskBit | 126, p.length >> 8, p.length & 0xff);
  else {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt(p.length));
    head.push(maskBit | 127, ...b);
  }
  const body = Buffer.from(p);
  if (opts.masked !== false) for (let i = 0; i < body.length; i++) body[i] ^= MASK[i & 3];
  return Buffer.concat([Buffer.from(head), opts.masked === false ? Buffer.alloc(0) : MASK, body]);
}

function run(bytes: Buffer | Buffer[], max = 103840): RecordingSink {
  const sink = new RecordingSink();
  const r = new WsReceiver(max);
  for (const b of Array.isArray(bytes) ? bytes : [bytes]) r.push(b, sink);
  return sink;
}

test('PROTOCOL 16.1: the masked "subscription\\nweb_chat" frame', () => {
  const bytes = Buffer.from('81 95 11 22 33 44 62 57 51 37 72 50 5a 34 65 4b 5c 2a 1b 55 56 26 4e 41 5b 25 65'.replace(/ /g, ''), 'hex');
  assert.deepEqual(run(Buffer.from(bytes)).messages, ['subscription\nweb_chat']); // unmasking is in place
  assert.deepEqual(frame(1, 'subscription\nweb_chat'), bytes);
});

test('frames and streams, table-driven', async (t) => {
  const text60k = 'x'.repeat(60000);
  const cases: Array<[string, Buffer[], Partial<{ messages: string[]; pings: number; closeFrames: number; errors: WsErrorCode[] }>]> = [
    ['7-bit length', [frame(1, 'hello')], { messages: ['hello'] }],
    ['empty text frame', [frame(1, '')], { messages: [''] }],
    ['16-bit length (500 bytes)', [frame(1, 'a'.repeat(500))], { messages: ['a'.repeat(500)] }],
    ['16-bit length (60 000 bytes)', [frame(1, text60k)], { messages: [text60k] }],
    ['64-bit form for a small payload', [frame(1, 'abc', { form: 64 })], { messages: ['abc'] }],
    ['16-bit form for a small payload', [frame(1, 'abc', { form: 16 })], { messages: ['abc'] }],
    ['two frames in one chunk', [Buffer.concat([frame(1, 'one'), frame(1, 'two')])], { messages: ['one', 'two'] }],
    ['one frame split over three chunks', (() => { const f = frame(1, 'split me'); return [f.subarray(0, 1), f.subarray(1, 7), f.subarray(7)]; })(), { messages: ['split me'] }],
    ['byte by byte', [...frame(1, 'bytes')].map((b) => Buffer.from([b])), { messages: ['bytes'] }],
    ['binary is treated as text', [frame(2, 'bin')], { messages: ['bin'] }],
    ['fragmented text reassembled', [frame(1, 'ab', { fin: false }), frame(0, 'cd', { fin: false }), frame(0, 'ef')], { messages: ['abcdef'] }],
    ['ping between fragments answered', [frame(1, 'ab', { fin: false }), frame(9, 'p'), frame(0, 'cd')], { messages: ['abcd'], pings: 1 }],
    ['pong ignored', [frame(10, 'x'), frame(1, 'after')], { messages: ['after'] }],
    ['UTF-8 split across fragments', [frame(1, Buffer.from([0xc3]), { fin: false }), frame(0, Buffer.from([0xa9]))], { messages: ['\u00e9'] }],
    ['close frame stops parsing', [Buffer.concat([frame(8, Buffer.from([0x03, 0xe8])), frame(1, 'ignored')])], { closeFrames: 1, messages: [] }],
    ['unmasked frame', [frame(1, 'x', { masked: false })], { errors: ['WS_ERR_EXPECTED_MASK'] }],
    ['RSV1 without extension', [frame(1, 'x', { rsv: 0x40 })], { errors: ['WS_ERR_UNEXPECTED_RSV'] }],
    ['opcode 3', [frame(3, 'x')], { errors: ['WS_ERR_INVALID_OPCODE'] }],
    ['opcode 0xB', [frame(11, 'x')], { errors: ['WS_ERR_INVALID_OPCODE'] }],
    ['continuation without start', [frame(0, 'x')], { errors: ['WS_ERR_UNEXPECTED_CONTINUATION'] }],
    ['new text inside a fragmented message', [frame(1, 'a', { fin: false }), frame(1, 'b')], { errors: ['WS_ERR_EXPECTED_CONTINUATION'] }],
    ['fragmented ping', [frame(9, 'x', { fin: false })], { errors: ['WS_ERR_FRAGMENTED_CONTROL'] }],
    ['control frame of 126 bytes', [frame(9, 'x'.repeat(126))], { errors: ['WS_ERR_CONTROL_TOO_LONG'] }],
    ['invalid UTF-8', [frame(1, Buffer.from([0x61, 0xff, 0x62]))], { errors: ['WS_ERR_INVALID_UTF8'], messages: [] }],
    ['overlong UTF-8', [frame(1, Buffer.from([0xc0, 0xaf]))], { errors: ['WS_ERR_INVALID_UTF8'] }],
    ['UTF-16 surrogate in UTF-8', [frame(1, Buffer.from([0xed, 0xa0, 0x80]))], { errors: ['WS_ERR_INVALID_UTF8'] }],
    ['frame after an error is ignored', [Buffer.concat([frame(1, Buffer.from([0xff])), frame(1, 'later')])], { errors: ['WS_ERR_INVALID_UTF8'], messages: [] }],
  ];
  for (const [name, chunks, expected] of cases) {
    await t.test(name, () => {
      const s = run(chunks);
      if (expected.messages) assert.deepEqual(s.messages, expected.messages);
      assert.equal(s.pings.length, expected.pings ?? 0);
      assert.equal(s.closeFrames, expected.closeFrames ?? 0);
      assert.deepEqual(s.errors, expected.errors ?? []);
    });
  }
});

test('message size limit: payload above maxMessageSize closes, fragments count together', () => {
  assert.deepEqual(run(frame(1, 'x'.repeat(70000)), 65535).errors, ['WS_ERR_PAYLOAD_TOO_BIG']);
  assert.deepEqual(run(frame(1, 'x'.repeat(70000)), 103840).messages.length, 1);
  assert.deepEqual(run([frame(1, 'x'.repeat(40000), { fin: false }), frame(0, 'x'.repeat(40000))], 65535).errors, ['WS_ERR_PAYLOAD_TOO_BIG']);
  // The length header alone is enough: no need to wait for the body.
  const header = Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual(run(header, 65535).errors, ['WS_ERR_PAYLOAD_TOO_BIG']);
  const huge = Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(run(huge).errors, ['WS_ERR_PAYLOAD_TOO_BIG']);
});

test('ping payload is passed on for the pong', () => {
  const s = run(frame(9, 'hi!'));
  assert.deepEqual(s.pings.map((p) => p.toString()), ['hi!']);
});

test('a receiver keeps no buffer between frames', () => {
  const r = new WsReceiver(1000);
  const sink = new RecordingSink();
  r.push(frame(1, 'abc'), sink);
  const fields = r as unknown as { chunks: unknown; fragments: unknown; buffered: number };
  assert.equal(fields.chunks, null);
  assert.equal(fields.fragments, null);
  assert.equal(fields.buffered, 0);
});
