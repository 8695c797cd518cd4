import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEof, buildErr, buildOk } from '../../../src/cometql/wire/responses.js';
import { SqlErrors } from '../../../src/errors.js';

test('OK packets (COMETQL.md 2.9 Re-impl: status 0x0002, no info byte)', async (t) => {
  const cases: Array<[string, Parameters<typeof buildOk>[0], string]> = [
    ['fixed form', {}, '00000002000000'],
    ['affected 1, insert id 12', { affectedRows: 1, insertId: 12 }, '00010c02000000'],
    ['insert id 70000 (upstream corrupted this, scenario #45)', { affectedRows: 1, insertId: 70000 }, '0001fd70110102000000'],
    ['insert id 16777216', { insertId: 16777216 }, '0000fe000000010000000002000000'],
    ['MORE_RESULTS', { status: 0x000a }, '0000000a000000'],
    ['negative / fractional counters are sent as 0', { affectedRows: -1, insertId: 1.5 }, '00000002000000'],
  ];
  for (const [name, fields, hex] of cases) await t.test(name, () => assert.equal(buildOk(fields).toString('hex'), hex));
});

test('ERR packet: ff, errno LE, #, SQLSTATE, message (the spec example for error 16)', () => {
  assert.equal(
    buildErr(SqlErrors.authFailure).toString('hex'),
    'ff1000234859303030' + Buffer.from('Authentication failure').toString('hex'),
  );
  const e = buildErr(SqlErrors.unknownCommand);
  assert.equal(e.readUInt16LE(1), 1047);
  assert.equal(e.subarray(3, 9).toString(), '#08S01');
  assert.equal(e.subarray(9).toString(), 'Unknown command');
  assert.equal(buildErr(SqlErrors.accessDenied).readUInt16LE(1), 403);
});

test('EOF packet: fe, warnings, status', () => {
  assert.equal(buildEof().toString('hex'), 'fe00000200');
  assert.equal(buildEof(0x000a).toString('hex'), 'fe00000a00');
});
