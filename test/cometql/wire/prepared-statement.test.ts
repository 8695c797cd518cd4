import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePrepareOk, parseExecute, parseSendLongData, readStatementId } from '../../../src/cometql/wire/prepared-statement.js';
import { FieldType as T } from '../../../src/cometql/wire/constants.js';
import { encodeColumnDefinition } from '../../../src/cometql/wire/result-set.js';
import type { ParamType } from '../../../src/cometql/wire/binary-values.js';

test('PREPARE_OK: header, parameter definitions + EOF, column definitions + EOF', async (t) => {
  await t.test('select with one parameter and two columns', () => {
    const p = encodePrepareOk(7, 1, ['id', 'time']);
    assert.equal(p[0].toString('hex'), '00' + '07000000' + '0200' + '0100' + '00' + '0000');
    assert.deepEqual(p[1], encodeColumnDefinition('?'));
    assert.equal(p[2].toString('hex'), 'fe00000200');
    assert.deepEqual(p[3], encodeColumnDefinition('id'));
    assert.deepEqual(p[4], encodeColumnDefinition('time'));
    assert.equal(p[5].toString('hex'), 'fe00000200');
    assert.equal(p.length, 6);
  });
  await t.test('insert with three parameters, no columns', () => {
    const p = encodePrepareOk(1, 3, null);
    assert.equal(p[0].readUInt16LE(5), 0);
    assert.equal(p[0].readUInt16LE(7), 3);
    assert.equal(p.length, 1 + 3 + 1);
  });
  await t.test('no parameters, no columns: header only', () => {
    assert.equal(encodePrepareOk(2, 0, null).length, 1);
    assert.equal(encodePrepareOk(2, 0, []).length, 1);
  });
});

/** COM_STMT_EXECUTE as drivers send it. */
function executePacket(id: number, params: Array<{ type: number; unsigned?: boolean; value: Buffer | null }>, sendTypes = true): Buffer {
  const head = Buffer.alloc(10);
  head[0] = 0x17;
  head.writeUInt32LE(id, 1);
  head[5] = 0;
  head.writeUInt32LE(1, 6);
  if (params.length === 0) return head;
  const bitmap = Buffer.alloc((params.length + 7) >> 3);
  params.forEach((p, i) => {
    if (p.value === null) bitmap[i >> 3] |= 1 << (i & 7);
  });
  const types = sendTypes ? Buffer.concat(params.map((p) => Buffer.from([p.type, p.unsigned ? 0x80 : 0]))) : Buffer.alloc(0);
  const values = Buffer.concat(params.filter((p) => p.value !== null).map((p) => p.value!));
  return Buffer.concat([head, bitmap, Buffer.from([sendTypes ? 1 : 0]), types, values]);
}

const str = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);
const dbl = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return b;
};

test('COM_STMT_EXECUTE parameters', async (t) => {
  await t.test('mysql2 style: DOUBLE number, VAR_STRING, NULL', () => {
    const r = parseExecute(executePacket(3, [{ type: T.DOUBLE, value: dbl(2) }, { type: T.VAR_STRING, value: str("it's") }, { type: T.NULL, value: null }]), 3, null);
    assert.ok(r.ok);
    assert.equal(r.value.statementId, 3);
    assert.equal(r.value.iterationCount, 1);
    assert.deepEqual(r.value.params, ['2', "it's", null]);
    assert.deepEqual(r.value.paramTypes.map((p) => p.type), [T.DOUBLE, T.VAR_STRING, T.NULL]);
  });
  await t.test('NULL bitmap over several bytes', () => {
    const params = Array.from({ length: 10 }, (_, i) => ({ type: T.LONG, value: i % 3 === 0 ? null : Buffer.from([i, 0, 0, 0]) }));
    const r = parseExecute(executePacket(1, params), 10, null);
    assert.ok(r.ok);
    assert.deepEqual(r.value.params, [null, '1', '2', null, '4', '5', null, '7', '8', null]);
  });
  await t.test('types remembered from the previous execution (new-params-bound = 0)', () => {
    const bound: ParamType[] = [{ type: T.LONGLONG, unsigned: true }, { type: T.STRING, unsigned: false }];
    const r = parseExecute(executePacket(1, [{ type: 0, value: Buffer.from('ffffffffffffffff', 'hex') }, { type: 0, value: str('x') }], false), 2, bound);
    assert.ok(r.ok);
    assert.deepEqual(r.value.params, ['18446744073709551615', 'x']);
    assert.deepEqual(r.value.paramTypes, bound);
  });
  await t.test('values without types and nothing remembered', () => {
    const r = parseExecute(executePacket(1, [{ type: 0, value: str('x') }], false), 1, null);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'CQL_ERR_MISSING_PARAM_TYPES');
  });
  await t.test('long data replaces the value, which is absent from the packet', () => {
    const packet = executePacket(1, [{ type: T.BLOB, value: Buffer.alloc(0) }, { type: T.VAR_STRING, value: str('b') }]);
    const r = parseExecute(packet, 2, null, new Map([[0, Buffer.from('long value')]]));
    assert.ok(r.ok);
    assert.deepEqual(r.value.params, ['long value', 'b']);
    const nullBit = executePacket(1, [{ type: T.BLOB, value: null }]);
    const withNullBit = parseExecute(nullBit, 1, null, new Map([[0, Buffer.from('wins')]]));
    assert.ok(withNullBit.ok);
    assert.deepEqual(withNullBit.value.params, ['wins'], 'long data wins over the NULL bit (mysqlnd sets both)');
  });
  await t.test('no parameters: only the header is read', () => {
    const r = parseExecute(executePacket(9, []), 0, null);
    assert.ok(r.ok);
    assert.deepEqual(r.value.params, []);
  });
  await t.test('every truncation is a CQL_ERR_TRUNCATED result', () => {
    const full = executePacket(3, [{ type: T.LONG, value: Buffer.from([1, 0, 0, 0]) }, { type: T.VAR_STRING, value: str('abc') }]);
    for (let n = 0; n < full.length; n++) {
      const r = parseExecute(full.subarray(0, n), 2, null);
      assert.equal(r.ok, false, `cut at ${n}`);
      if (!r.ok) assert.equal(r.error.code, 'CQL_ERR_TRUNCATED');
    }
    assert.ok(parseExecute(full, 2, null).ok);
  });
  await t.test('unknown parameter type', () => {
    const r = parseExecute(executePacket(1, [{ type: 0x42, value: Buffer.from([1]) }]), 1, null);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'CQL_ERR_UNKNOWN_PARAM_TYPE');
  });
});

test('statement ids and COM_STMT_SEND_LONG_DATA', () => {
  assert.equal(readStatementId(Buffer.from('1905000000', 'hex')), 5);
  assert.equal(readStatementId(Buffer.from('190500', 'hex')), null);
  const r = parseSendLongData(Buffer.from('18' + '02000000' + '0100' + '616263', 'hex'));
  assert.ok(r.ok);
  assert.deepEqual({ ...r.value, data: r.value.data.toString() }, { statementId: 2, paramIndex: 1, data: 'abc' });
  assert.equal(parseSendLongData(Buffer.from('18020000', 'hex')).ok, false);
});
