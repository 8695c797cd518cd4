import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketReader } from '../../../src/cometql/wire/packet-reader.js';
import { framePackets } from '../../../src/cometql/wire/packet-writer.js';

const MiB16 = 0xffffff;

function packet(payload: Buffer | string, seq: number): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(4);
  header.writeUIntLE(body.length, 0, 3);
  header[3] = seq;
  return Buffer.concat([header, body]);
}

test('one packet in one read', () => {
  const r = new PacketReader({ maxPacketSize: 1024 });
  const { packets, error } = r.push(packet('\x03show tables', 0));
  assert.equal(error, null);
  assert.deepEqual(packets.map((p) => [p.sequenceId, p.payload.toString()]), [[0, '\x03show tables']]);
  assert.equal(r.pendingBytes, 0);
});

test('pipelined packets in one read come out in order (COMETQL.md 2.1, scenario #20)', () => {
  const r = new PacketReader({ maxPacketSize: 1024 });
  const { packets } = r.push(Buffer.concat([packet('\x03show databases', 0), packet('\x03show tables', 0), packet('\x0e', 0)]));
  assert.deepEqual(packets.map((p) => p.payload.toString()), ['\x03show databases', '\x03show tables', '\x0e']);
});

test('a stream split at every possible position gives the same packets', () => {
  const stream = Buffer.concat([packet('\x03abc', 0), packet('', 1), packet('\x0e', 0), packet('x'.repeat(300), 7)]);
  for (let cut = 0; cut <= stream.length; cut++) {
    for (let cut2 = cut; cut2 <= stream.length; cut2 += 5) {
      const r = new PacketReader({ maxPacketSize: 1024 });
      const out = [...r.push(stream.subarray(0, cut)).packets, ...r.push(stream.subarray(cut, cut2)).packets, ...r.push(stream.subarray(cut2)).packets];
      assert.deepEqual(out.map((p) => [p.sequenceId, p.payload.toString()]), [[0, '\x03abc'], [1, ''], [0, '\x0e'], [7, 'x'.repeat(300)]], `cut at ${cut}/${cut2}`);
    }
  }
});

test('byte-by-byte delivery', () => {
  const stream = Buffer.concat([packet('\x03select 1', 0), packet('\x01', 0)]);
  const r = new PacketReader({ maxPacketSize: 64 });
  const out = [];
  for (const b of stream) out.push(...r.push(Buffer.from([b])).packets);
  assert.deepEqual(out.map((p) => p.payload.toString()), ['\x03select 1', '\x01']);
});

test('multi-packet payloads (>= 16 MiB - 1) are joined; the sequence id is the last fragment\'s', async (t) => {
  for (const size of [MiB16, MiB16 + 1, MiB16 * 2, MiB16 * 2 + 5]) {
    await t.test(`${size} bytes`, () => {
      const payload = Buffer.alloc(size, 0x61);
      payload[0] = 0x03;
      payload[size - 1] = 0x7a;
      const { data, nextSequenceId } = framePackets([payload], 0);
      const r = new PacketReader({ maxPacketSize: 64 * 1024 * 1024 });
      // deliver in 1 MiB chunks
      const out = [];
      for (let o = 0; o < data.length; o += 1 << 20) out.push(...r.push(data.subarray(o, o + (1 << 20))).packets);
      assert.equal(out.length, 1);
      assert.equal(out[0].payload.length, size);
      assert.ok(out[0].payload.equals(payload));
      assert.equal(out[0].sequenceId, nextSequenceId - 1);
    });
  }
});

test('a payload over the maximum fails with CQL_ERR_PACKET_TOO_LARGE and the command byte', async (t) => {
  await t.test('single packet', () => {
    const r = new PacketReader({ maxPacketSize: 100 });
    const res = r.push(packet('\x03' + 'x'.repeat(100), 0));
    assert.equal(res.packets.length, 0);
    assert.equal(res.error?.code, 'CQL_ERR_PACKET_TOO_LARGE');
    assert.equal(res.error?.command, 0x03);
    assert.equal(res.error?.sequenceId, 0);
    assert.equal(r.pendingBytes, 0, 'nothing is kept');
  });
  await t.test('the error waits for the command byte, but not for the body', () => {
    const r = new PacketReader({ maxPacketSize: 100 });
    const header = Buffer.from([200, 0, 0, 4]);
    assert.equal(r.push(header).error, null);
    const res = r.push(Buffer.from([0x16]));
    assert.equal(res.error?.code, 'CQL_ERR_PACKET_TOO_LARGE');
    assert.equal(res.error?.command, 0x16);
    assert.equal(res.error?.sequenceId, 4);
  });
  await t.test('packets before the oversize one are still delivered', () => {
    const r = new PacketReader({ maxPacketSize: 10 });
    const res = r.push(Buffer.concat([packet('\x0e', 0), packet('\x03' + 'y'.repeat(20), 0)]));
    assert.deepEqual(res.packets.map((p) => p.payload.toString()), ['\x0e']);
    assert.equal(res.error?.code, 'CQL_ERR_PACKET_TOO_LARGE');
  });
  await t.test('a multi-packet payload is refused once the joined size would exceed the maximum', () => {
    const r = new PacketReader({ maxPacketSize: MiB16 + 10 });
    const first = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0]), Buffer.alloc(MiB16, 0x03)]);
    assert.equal(r.push(first).error, null);
    const res = r.push(packet('z'.repeat(11), 1));
    assert.equal(res.error?.code, 'CQL_ERR_PACKET_TOO_LARGE');
    assert.equal(res.error?.command, 0x03);
    assert.equal(res.error?.sequenceId, 1);
  });
  await t.test('the reader stays failed', () => {
    const r = new PacketReader({ maxPacketSize: 4 });
    r.push(packet('\x03abcdef', 0));
    const res = r.push(packet('\x0e', 0));
    assert.equal(res.packets.length, 0);
    assert.equal(res.error?.code, 'CQL_ERR_PACKET_TOO_LARGE');
  });
});
