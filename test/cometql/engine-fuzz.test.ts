// Fuzzing the whole engine: random and mutated queries through engine.query() and prepare()
// on a real core with live subscribers. Nothing throws; every answer is well formed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, session } from '../helpers/engine-harness.js';
import { fuzzInputs } from '../helpers/fuzz-inputs.js';
import type { QueryResult } from '../../src/cometql/result.js';

function assertWellFormed(r: QueryResult, sql: string): void {
  switch (r.kind) {
    case 'ok':
      assert.ok(Number.isInteger(r.affectedRows) && Number.isInteger(r.insertId), sql);
      break;
    case 'rows':
      assert.ok(r.columns.length > 0, sql);
      for (const row of r.rows) {
        assert.equal(row.length, r.columns.length, sql);
        for (const v of row) assert.equal(typeof v, 'string', sql);
      }
      break;
    case 'error':
      assert.ok(Number.isInteger(r.error.errno) && r.error.errno !== 500, `${sql} → ${r.error.message}`);
      assert.equal(typeof r.error.message, 'string');
  }
}

test('fuzz: engine.query and prepare answer every input with a well-formed result', async () => {
  const h = harness();
  await h.connect({ pipes: ['web_chat', 'pipes', 'name'] });
  const multi = session({ multiStatements: true });
  let n = 0;
  for (const sql of fuzzInputs(99, 2500)) {
    for (const s of [h.session, multi]) {
      const results = await h.engine.query(s, sql);
      assert.ok(results.length >= 1, sql);
      for (const r of results) assertWellFormed(r, sql);
      n += results.length;
    }
    const p = h.engine.prepare(h.session, sql);
    if (!('errno' in p)) assertWellFormed(await p.execute(h.session, Array.from({ length: p.paramCount }, (_, i) => (i % 3 === 0 ? null : `v${i}`))), sql);
  }
  assert.ok(n >= 5000);
});
