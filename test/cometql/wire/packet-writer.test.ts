import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framePackets } from '../../../src/cometql/wire/packet-writer.js';

test('payloads are framed with consecutive sequence ids', () => {
  const { data, nextSequenceId } = framePackets([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('c')], 1);
  assert.equal(data.toString('hex'), '02000001' + '6162' + '00000002' + '01000003' + '63');
  assert.equal(nextSequenceId, 4);
});

test('sequence ids wrap from 255 to 0', () => {
  const { data, nextSequenceId } = framePackets([Buffer.from('a'), Buffer.from('b')], 255);
  assert.equal(data[3], 255);
  assert.equal(data[8], 0);
  assert.equal(nextSequenceId, 1);
});

test('payloads of 16 MiB - 1 and more are split; an exact multiple ends with an empty packet', async (t) => {
  const max = 0xffffff;
  const cases: Array<[number, number[]]> = [
    [max - 1, [max - 1]],
    [max, [max, 0]],
    [max + 1, [max, 1]],
    [2 * max, [max, max, 0]],
  ];
  for (const [size, lengths] of cases) {
    await t.test(`${size}`, () => {
      const { data, nextSequenceId } = framePackets([Buffer.alloc(size, 1)], 0);
      const seen: number[] = [];
      let o = 0;
      while (o < data.length) {
        const len = data.readUIntLE(o, 3);
        assert.equal(data[o + 3], seen.length);
        seen.push(len);
        o += 4 + len;
      }
      assert.deepEqual(seen, lengths);
      assert.equal(nextSequenceId, lengths.length);
    });
  }
});
