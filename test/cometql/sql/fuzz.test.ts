// Fuzzing the lexer and parser with a seeded PRNG: random bytes, token soup and mutated valid
// queries. Nothing may throw; every result is a statement list or ERR 3 (COMETQL.md §5.6).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../../src/cometql/sql/parser.js';
import { tokenize } from '../../../src/cometql/sql/lexer.js';
import { fuzzInputs, prng, randomBytes } from '../../helpers/fuzz-inputs.js';

const LIMIT_ERRNOS = new Set([14, 18, 19, 20, 21]);

test('fuzz: lexer and parser never throw, and answer statements or ERR 3', () => {
  let parsed = 0;
  let rejected = 0;
  for (const text of fuzzInputs(20240601, 6000)) {
    for (const opts of [{}, { placeholders: true }, { decodeEscapes: true }]) {
      assert.doesNotThrow(() => tokenize(text, opts), `tokenize ${JSON.stringify(text)}`);
      const r = parseQuery(text, opts);
      if (r.ok) {
        parsed++;
        assert.ok(Array.isArray(r.statements));
        assert.ok(r.paramCount >= 0);
        for (const s of r.statements) {
          assert.equal(typeof s.kind, 'string');
          if (s.kind === 'error') assert.ok(LIMIT_ERRNOS.has(s.error.errno), JSON.stringify(text));
        }
      } else {
        rejected++;
        assert.equal(r.error.errno, 3, JSON.stringify(text));
      }
    }
  }
  // The generators reach both outcomes (the test would be vacuous otherwise).
  assert.ok(parsed > 1000, `parsed ${parsed}`);
  assert.ok(rejected > 1000, `rejected ${rejected}`);
});

test('fuzz: a quoted random text without quotes or backslashes comes back as its raw value', () => {
  const rnd = prng(7);
  for (let i = 0; i < 2000; i++) {
    let body = randomBytes(rnd).replace(/['\\]/g, '');
    if (rnd() < 0.3) body = body.replace(/(.)/, "$1''"); // a doubled quote continues the string
    const r = parseQuery(`insert into t (a) values ('${body}')`);
    assert.ok(r.ok, JSON.stringify(body));
    assert.deepEqual(r.statements[0], { kind: 'insert', table: 't', columns: ['a'], values: [body] });
  }
});

test('fuzz: a minus sign is never lost (a negative number or ERR 3, never the positive number)', () => {
  const rnd = prng(11);
  const gaps = [' ', '  ', '\t', '\n', '/**/', '/* x */', '-- c\n', '# c\n', "'", '"', '`', '+', '!', '(', ''];
  let rejected = 0;
  for (let i = 0; i < 3000; i++) {
    const n = String(1 + Math.floor(rnd() * 100000));
    // Between the minus and the digits: known separators or random bytes without digits.
    const gap = rnd() < 0.5 ? gaps[Math.floor(rnd() * gaps.length)] : randomBytes(rnd).replace(/[0-9]/g, '').slice(0, 12);
    const quote = gap === '' && rnd() < 0.3 ? "'" : '';
    const text = `delete from users_auth where id in (3, -${gap}${quote}${n}${quote})`;
    const r = parseQuery(text);
    if (!r.ok) {
      assert.equal(r.error.errno, 3, JSON.stringify(text));
      rejected++;
      continue;
    }
    for (const s of r.statements) {
      if (s.kind !== 'delete') continue;
      for (const cond of s.where ?? []) assert.ok(!cond.values.includes(n), `${JSON.stringify(text)} read the sign away`);
    }
  }
  assert.ok(rejected > 1000, `rejected ${rejected}`);
});
