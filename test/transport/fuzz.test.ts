// Seeded fuzzing of the frame receiver: random and mutated byte streams, invalid UTF-8, huge
// lengths. No exception may escape; after an error or a close frame nothing more is delivered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WsReceiver, type FrameSink, type WsProtocolError } from '../../src/transport/ws-receiver.js';
import { clientFrame } from '../helpers/comet-client.js';
import { prng } from '../helpers/prng.js';


class CountingSink implements FrameSink {
  messages = 0;
  ended = false;
  afterEnd = 0;
  onMessage(text: string): void {
    assert.equal(typeof text, 'string');
    if (this.ended) this.afterEnd++;
    this.messages++;
  }
  onPing(): void {
    if (this.ended) this.afterEnd++;
  }
  onCloseFrame(): void {
    if (this.ended) this.afterEnd++;
    this.ended = true;
  }
  onProtocolError(err: WsProtocolError): void {
    assert.match(err.code, /^WS_ERR_/);
    if (this.ended) this.afterEnd++;
    this.ended = true;
  }
}

function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

function feed(rnd: () => number, stream: Buffer, max: number): CountingSink {
  const sink = new CountingSink();
  const r = new WsReceiver(max);
  let off = 0;
  while (off < stream.length) {
    const n = 1 + Math.floor(rnd() * 64);
    r.push(Buffer.from(stream.subarray(off, off + n)), sink);
    off += n;
  }
  assert.equal(sink.afterEnd, 0, 'nothing is delivered after a close frame or an error');
  return sink;
}

test('fuzz: random byte streams', () => {
  const rnd = prng(1);
  for (let i = 0; i < 5000; i++) feed(rnd, randomBytes(rnd, Math.floor(rnd() * 300)), 1 + Math.floor(rnd() * 70000));
});

test('fuzz: mutated valid frame sequences', () => {
  const rnd = prng(2);
  const texts = ['subscription\nweb_chat', 'web_pipe2\nweb_x\ne\n*\n1', '', 'é中', 'x'.repeat(300)];
  for (let i = 0; i < 5000; i++) {
    const frames: Buffer[] = [];
    const count = 1 + Math.floor(rnd() * 5);
    for (let k = 0; k < count; k++) {
      const op = [1, 2, 0, 9, 10, 8][Math.floor(rnd() * 6)];
      frames.push(clientFrame(op, Buffer.from(texts[Math.floor(rnd() * texts.length)]), { fin: rnd() < 0.8 }));
    }
    const stream = Buffer.concat(frames);
    const flips = Math.floor(rnd() * 4);
    for (let f = 0; f < flips; f++) stream[Math.floor(rnd() * stream.length)] ^= 1 << Math.floor(rnd() * 8);
    feed(rnd, stream, 1000);
  }
});

test('fuzz: invalid UTF-8 payloads close, valid ones pass', () => {
  const rnd = prng(3);
  for (let i = 0; i < 3000; i++) {
    const payload = randomBytes(rnd, 1 + Math.floor(rnd() * 40));
    const sink = feed(rnd, clientFrame(1, payload), 1000);
    const valid = Buffer.from(payload.toString('utf8'), 'utf8').equals(payload);
    assert.equal(sink.messages, valid ? 1 : 0);
    assert.equal(sink.ended, !valid);
  }
});

test('fuzz: huge declared lengths end the connection without allocating', () => {
  const rnd = prng(4);
  for (let i = 0; i < 2000; i++) {
    const head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 0x80 | 127;
    head.writeUInt32BE(Math.floor(rnd() * 0xffffffff), 2);
    head.writeUInt32BE(Math.floor(rnd() * 0xffffffff), 6);
    const sink = new CountingSink();
    new WsReceiver(65535).push(head, sink);
    const declared = head.readBigUInt64BE(2);
    if (declared > 65535n) assert.equal(sink.ended, true);
  }
});
