import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLenencInt, encodeLenencString, lenencIntLength, readLenencInt } from '../../../src/cometql/wire/lenenc.js';
import { WireError } from '../../../src/cometql/wire/wire-error.js';

test('length-encoded integers: every range boundary encodes and decodes', async (t) => {
  const cases: Array<[number | bigint, string]> = [
    [0, '00'],
    [1, '01'],
    [250, 'fa'],
    [251, 'fcfb00'],
    [65535, 'fcffff'],
    [65536, 'fd000001'], // upstream wrote fd + 4 bytes here (COMETQL.md 2.9)
    [70000, 'fd701101'],
    [16777215, 'fdffffff'],
    [16777216, 'fe0000000100000000'],
    [Number.MAX_SAFE_INTEGER, 'feffffffffffff1f00'],
    [0xffffffffffffffffn, 'feffffffffffffffff'],
  ];
  for (const [value, hex] of cases) {
    await t.test(`${value}`, () => {
      const encoded = encodeLenencInt(value);
      assert.equal(encoded.toString('hex'), hex);
      assert.equal(lenencIntLength(value), encoded.length);
      if (typeof value === 'number') assert.deepEqual(readLenencInt(encoded, 0), { value, next: encoded.length });
    });
  }
});

test('length-encoded integers: invalid input is refused', async (t) => {
  await t.test('negative, fractional and too large values throw RangeError', () => {
    for (const v of [-1, 1.5, Number.NaN, -1n, 0x10000000000000000n]) assert.throws(() => encodeLenencInt(v), RangeError);
  });
  const bad: Array<[string, string, string]> = [
    ['empty', '', 'CQL_ERR_TRUNCATED'],
    ['NULL marker', 'fb', 'CQL_ERR_INVALID_LENENC'],
    ['ERR marker', 'ff', 'CQL_ERR_INVALID_LENENC'],
    ['fc without bytes', 'fc01', 'CQL_ERR_TRUNCATED'],
    ['fd short', 'fd0102', 'CQL_ERR_TRUNCATED'],
    ['fe short', 'fe01020304050607', 'CQL_ERR_TRUNCATED'],
    ['above 2^53-1', 'feffffffffffffff7f', 'CQL_ERR_INVALID_LENENC'],
  ];
  for (const [name, hex, code] of bad) {
    await t.test(name, () => {
      assert.throws(() => readLenencInt(Buffer.from(hex, 'hex'), 0), (e: unknown) => e instanceof WireError && e.code === code);
    });
  }
});

test('readLenencInt reads at an offset', () => {
  assert.deepEqual(readLenencInt(Buffer.from('aabbfc0001', 'hex'), 2), { value: 256, next: 5 });
});

test('length-encoded strings: UTF-8 bytes with their length', async (t) => {
  const cases: Array<[string | Buffer, string]> = [
    ['', '00'],
    ['def', '03646566'],
    ['é', '02c3a9'],
    [Buffer.from([0, 255]), '0200ff'],
  ];
  for (const [value, hex] of cases) await t.test(JSON.stringify(value), () => assert.equal(encodeLenencString(value).toString('hex'), hex));
  await t.test('251 bytes take the fc form', () => {
    const s = encodeLenencString('x'.repeat(251));
    assert.equal(s.subarray(0, 3).toString('hex'), 'fcfb00');
    assert.equal(s.length, 254);
  });
  await t.test('70000 bytes take the fd form with 3 length bytes', () => {
    const s = encodeLenencString(Buffer.alloc(70000, 0x61));
    assert.equal(s.subarray(0, 4).toString('hex'), 'fd701101');
    assert.equal(s.length, 70004);
  });
});
