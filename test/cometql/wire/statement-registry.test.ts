import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatementRegistry } from '../../../src/cometql/wire/statement-registry.js';
import { ok, type PreparedStatement } from '../../../src/cometql/result.js';

const stmt = (paramCount = 1): PreparedStatement => ({ paramCount, columns: null, execute: async () => ok() });

test('statement ids are unique and the count is bounded', () => {
  const r = new StatementRegistry(3, 100);
  const ids = [r.add(stmt(), 10)!.id, r.add(stmt(), 10)!.id, r.add(stmt(), 10)!.id];
  assert.equal(new Set(ids).size, 3);
  assert.equal(r.add(stmt(), 10), null, 'limit reached');
  r.delete(ids[1]);
  assert.ok(r.add(stmt(), 10), 'room again after a close');
  assert.equal(r.get(ids[1]), undefined);
  r.clear();
  assert.equal(r.size, 0);
});

test('long data is joined per parameter and bounded in bytes', () => {
  const r = new StatementRegistry(10, 10);
  const a = r.add(stmt(2), 10)!;
  r.appendLongData(a.id, 0, Buffer.from('abc'));
  r.appendLongData(a.id, 0, Buffer.from('def'));
  r.appendLongData(a.id, 5, Buffer.from('ignored: no such parameter'));
  r.appendLongData(999, 0, Buffer.from('ignored: no such statement'));
  assert.deepEqual([...r.longDataOf(a)].map(([i, b]) => [i, b.toString()]), [[0, 'abcdef']]);
  r.appendLongData(a.id, 1, Buffer.from('12345'));
  assert.equal(a.longDataOverflow, true, '6 + 5 bytes > 10');
  assert.equal(r.longDataOf(a).size, 0, 'data dropped on overflow');
  r.resetLongData(a);
  assert.equal(a.longDataOverflow, false);
  r.appendLongData(a.id, 1, Buffer.from('0123456789'));
  assert.equal(a.longDataOverflow, false, 'the budget was returned by the reset');
});
