import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFloat32, readBinaryValue } from '../../../src/cometql/wire/binary-values.js';
import { FieldType as T } from '../../../src/cometql/wire/constants.js';
import { PayloadCursor } from '../../../src/cometql/wire/payload-cursor.js';
import { WireError } from '../../../src/cometql/wire/wire-error.js';

const f32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v);
  return b.toString('hex');
};
const f64 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b.toString('hex');
};

test('binary parameter values render as MySQL text (COMETQL.md 2.12)', async (t) => {
  const cases: Array<[string, number, boolean, string, string | null]> = [
    ['TINY signed', T.TINY, false, 'ff', '-1'],
    ['TINY unsigned', T.TINY, true, 'ff', '255'],
    ['SHORT signed', T.SHORT, false, '0080', '-32768'],
    ['SHORT unsigned', T.SHORT, true, 'ffff', '65535'],
    ['YEAR', T.YEAR, true, 'e907', '2025'],
    ['LONG signed', T.LONG, false, 'feffffff', '-2'],
    ['LONG unsigned', T.LONG, true, 'ffffffff', '4294967295'],
    ['INT24', T.INT24, false, '02000000', '2'],
    ['LONGLONG signed', T.LONGLONG, false, 'ffffffffffffffff', '-1'],
    ['LONGLONG unsigned', T.LONGLONG, true, 'ffffffffffffffff', '18446744073709551615'],
    ['LONGLONG 2^53+1', T.LONGLONG, false, '0100000000002000', '9007199254740993'],
    ['FLOAT 1.5', T.FLOAT, false, f32(1.5), '1.5'],
    ['FLOAT 0.1', T.FLOAT, false, f32(0.1), '0.1'],
    ['DOUBLE 2', T.DOUBLE, false, f64(2), '2'],
    ['DOUBLE -0.25', T.DOUBLE, false, f64(-0.25), '-0.25'],
    ['NEWDECIMAL', T.NEWDECIMAL, false, '052d312e3530', '-1.50'],
    ['DECIMAL', T.DECIMAL, false, '0131', '1'],
    ['VAR_STRING', T.VAR_STRING, false, '0568656c6c6f', 'hello'],
    ['STRING utf8', T.STRING, false, '02c3a9', 'é'],
    ['VARCHAR empty', T.VARCHAR, false, '00', ''],
    ['BLOB', T.BLOB, false, '03616263', 'abc'],
    ['JSON', T.JSON, false, '077b2261223a317d', '{"a":1}'],
    ['ENUM', T.ENUM, false, '0161', 'a'],
    ['invalid UTF-8 becomes U+FFFD', T.VAR_STRING, false, '02fffe', '\ufffd\ufffd'],
    ['NULL type', T.NULL, false, '', null],
    ['DATE', T.DATE, false, '04e9070c1f', '2025-12-31'],
    ['DATE zero length', T.DATE, false, '00', '0000-00-00'],
    ['DATETIME date only', T.DATETIME, false, '04e9070102', '2025-01-02 00:00:00'],
    ['DATETIME seconds', T.DATETIME, false, '07e90701020304' + '05', '2025-01-02 03:04:05'],
    ['DATETIME micro', T.DATETIME, false, '0be9070102030405' + '40e20100', '2025-01-02 03:04:05.123456'],
    ['TIMESTAMP zero', T.TIMESTAMP, false, '00', '0000-00-00 00:00:00'],
    ['TIME zero', T.TIME, false, '00', '00:00:00'],
    ['TIME 1 day 2:03:04', T.TIME, false, '08' + '00' + '01000000' + '020304', '26:03:04'],
    ['TIME negative with micro', T.TIME, false, '0c' + '01' + '00000000' + '0a0b0c' + '01000000', '-10:11:12.000001'],
  ];
  for (const [name, type, unsigned, hex, expected] of cases) {
    await t.test(name, () => {
      const c = new PayloadCursor(Buffer.from(hex, 'hex'));
      assert.equal(readBinaryValue(c, { type, unsigned }), expected);
      assert.equal(c.remaining, 0, 'consumes exactly the value');
    });
  }
});

test('unknown types and truncated values throw WireError', async (t) => {
  const cases: Array<[string, number, string, string]> = [
    ['unknown type 0x13', 0x13, '00', 'CQL_ERR_UNKNOWN_PARAM_TYPE'],
    ['LONG cut', T.LONG, '0102', 'CQL_ERR_TRUNCATED'],
    ['string cut', T.VAR_STRING, '05616263', 'CQL_ERR_TRUNCATED'],
    ['DATETIME cut', T.DATETIME, '07e907', 'CQL_ERR_TRUNCATED'],
    ['DOUBLE empty', T.DOUBLE, '', 'CQL_ERR_TRUNCATED'],
  ];
  for (const [name, type, hex, code] of cases) {
    await t.test(name, () =>
      assert.throws(() => readBinaryValue(new PayloadCursor(Buffer.from(hex, 'hex')), { type, unsigned: false }), (e: unknown) => e instanceof WireError && e.code === code),
    );
  }
});

test('formatFloat32 gives the shortest text that reads back as the same float', () => {
  for (const [v, s] of [[1.5, '1.5'], [0.1, '0.1'], [3.14159, '3.14159'], [1e10, '10000000000'], [-2, '-2'], [0, '0']] as const) {
    assert.equal(formatFloat32(Math.fround(v)), s);
  }
  assert.equal(formatFloat32(Number.NaN), 'NaN');
});
