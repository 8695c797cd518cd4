import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PayloadCursor } from '../../../src/cometql/wire/payload-cursor.js';
import { parseWith, WireError } from '../../../src/cometql/wire/wire-error.js';

const cursor = (hex: string) => new PayloadCursor(Buffer.from(hex, 'hex'));

test('fixed-size reads (little-endian, signed and unsigned)', async (t) => {
  const cases: Array<[string, string, (c: PayloadCursor) => unknown, unknown]> = [
    ['u8', 'ff', (c) => c.u8(), 255],
    ['i8', 'ff', (c) => c.i8(), -1],
    ['u16', '3412', (c) => c.u16(), 0x1234],
    ['i16', 'feff', (c) => c.i16(), -2],
    ['u24', '563412', (c) => c.u24(), 0x123456],
    ['u32', 'ffffffff', (c) => c.u32(), 4294967295],
    ['i32', 'ffffffff', (c) => c.i32(), -1],
    ['u64', 'ffffffffffffffff', (c) => c.u64(), 18446744073709551615n],
    ['i64', 'feffffffffffffff', (c) => c.i64(), -2n],
    ['f32', '0000c03f', (c) => c.f32(), 1.5],
    ['f64', '000000000000f83f', (c) => c.f64(), 1.5],
  ];
  for (const [name, hex, read, expected] of cases) {
    await t.test(name, () => {
      const c = cursor(hex);
      assert.equal(read(c), expected);
      assert.equal(c.remaining, 0);
    });
    await t.test(`${name} one byte short -> CQL_ERR_TRUNCATED`, () => {
      assert.throws(() => read(cursor(hex.slice(2))), (e: unknown) => e instanceof WireError && e.code === 'CQL_ERR_TRUNCATED');
    });
  }
});

test('strings: NUL-terminated, NUL-or-rest, length-encoded, rest', () => {
  const c = cursor(Buffer.from('root\0db').toString('hex') + '03616263' + '7a7a');
  assert.equal(c.nulTerminated().toString(), 'root');
  assert.throws(() => c.nulTerminated(), (e: unknown) => e instanceof WireError && e.code === 'CQL_ERR_TRUNCATED');
  const d = cursor(Buffer.from('db').toString('hex'));
  assert.equal(d.nulTerminatedOrRest().toString(), 'db');
  assert.equal(d.remaining, 0);
  const e = cursor('03616263' + '7a7a');
  assert.equal(e.lenencBytes().toString(), 'abc');
  assert.equal(e.rest().toString(), 'zz');
  assert.equal(e.rest().length, 0, 'rest at the end is empty');
  const f = cursor('05616263');
  assert.throws(() => f.lenencBytes(), (err: unknown) => err instanceof WireError && err.code === 'CQL_ERR_TRUNCATED');
  assert.equal(f.offset, 0, 'a failed read does not move the cursor');
  assert.throws(() => cursor('0102').bytes(-1), WireError);
  assert.throws(() => cursor('0102').skip(3), WireError);
});

test('parseWith turns WireError and stray RangeError into results; other errors propagate', () => {
  const a = parseWith(() => cursor('').u8());
  assert.equal(!a.ok && a.error.code, 'CQL_ERR_TRUNCATED');
  const b = parseWith(() => Buffer.alloc(1).readUInt32LE(0));
  assert.equal(!b.ok && b.error.code, 'CQL_ERR_TRUNCATED');
  assert.throws(() => parseWith(() => {
    throw new TypeError('bug');
  }), TypeError);
  assert.deepEqual(parseWith(() => 5), { ok: true, value: 5 });
});
