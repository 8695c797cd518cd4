import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBinaryRow, encodeColumnDefinition, encodeResultSet, encodeTextRow } from '../../../src/cometql/wire/result-set.js';

test('column definition bytes (COMETQL.md 2.10; charset 45 utf8mb4, COMPATIBILITY W16)', () => {
  const def = encodeColumnDefinition('Tables');
  const expected =
    '03646566' + // catalog "def"
    '00' + '00' + '00' + // schema, table, org_table
    '06' + Buffer.from('Tables').toString('hex') +
    '00' + // org_name
    '0c' + '2d00' + '4d000000' + 'fd' + '0100' + '1f' + '0000';
  assert.equal(def.toString('hex'), expected);
});

test('long and non-ASCII column names use proper length encoding', () => {
  const name = 'ы'.repeat(200); // 400 bytes: upstream truncated at 250
  const def = encodeColumnDefinition(name);
  assert.equal(def.subarray(7, 10).toString('hex'), 'fc9001');
  assert.equal(def.subarray(10, 410).toString('utf8'), name);
});

test('text rows: length-encoded strings; missing values become empty strings', async (t) => {
  const cases: Array<[string[], number, string]> = [
    [['2', '-1'], 2, '0132' + '022d31'],
    [['', 'é'], 2, '00' + '02c3a9'],
    [['a'], 3, '0161' + '00' + '00'],
    [['a', 'b', 'c'], 2, '0161' + '0162'],
  ];
  for (const [values, n, hex] of cases) await t.test(JSON.stringify(values), () => assert.equal(encodeTextRow(values, n).toString('hex'), hex));
  await t.test('a 70000-byte value', () => {
    const row = encodeTextRow(['x'.repeat(70000)], 1);
    assert.equal(row.subarray(0, 4).toString('hex'), 'fd701101');
    assert.equal(row.length, 70004);
  });
});

test('binary rows: 00, NULL bitmap of ceil((n + 2) / 8) zero bytes, values', async (t) => {
  const cases: Array<[number, number]> = [
    [1, 1],
    [6, 1],
    [7, 2],
    [14, 2],
    [15, 3],
  ];
  for (const [columns, bitmap] of cases) {
    await t.test(`${columns} columns`, () => {
      const row = encodeBinaryRow(Array.from({ length: columns }, () => 'v'), columns);
      assert.equal(row[0], 0);
      assert.deepEqual(row.subarray(1, 1 + bitmap), Buffer.alloc(bitmap));
      assert.equal(row.length, 1 + bitmap + columns * 2);
      assert.equal(row.subarray(1 + bitmap, 3 + bitmap).toString('hex'), '0176');
    });
  }
});

test('result set: count, definitions, EOF, rows, EOF with the given status', () => {
  const payloads = encodeResultSet(['id', 'time'], [['2', '-1'], ['3', '0']], { binary: false, status: 0x000a });
  assert.equal(payloads.length, 1 + 2 + 1 + 2 + 1);
  assert.equal(payloads[0].toString('hex'), '02');
  assert.deepEqual(payloads[1], encodeColumnDefinition('id'));
  assert.equal(payloads[3].toString('hex'), 'fe00000200');
  assert.equal(payloads[4].toString('hex'), '0132022d31');
  assert.equal(payloads[6].toString('hex'), 'fe00000a00');
  const binary = encodeResultSet(['v'], [['x']], { binary: true });
  assert.equal(binary[3].toString('hex'), '00' + '00' + '0178');
  assert.equal(binary[4].toString('hex'), 'fe00000200');
});

test('an empty result set still has its definitions and both EOFs', () => {
  const payloads = encodeResultSet(['Level', 'Code', 'Message'], [], { binary: false });
  assert.equal(payloads.length, 1 + 3 + 1 + 1);
});
