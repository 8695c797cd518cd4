// SQL LIKE matching for SHOW … LIKE (case-insensitive, % and _, backslash escape).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlLike } from '../../../src/cometql/sql/like.js';

const CASES: ReadonlyArray<readonly [string, string, boolean]> = [
  ['lower_case_table_names', 'lower%', true],
  ['lower_case_table_names', 'lower_case_table_names', true],
  ['lower_case_table_names', 'LOWER_CASE%', true],
  ['lowerXcase', 'lower\\_case', false],
  ['lower_case', 'lower\\_case', true],
  ['abc', '_b_', true],
  ['abc', '__', false],
  ['abc', '%', true],
  ['', '%', true],
  ['', '', true],
  ['abc', '', false],
  ['abcabc', '%b%c', true],
  ['abcab', '%b%c', false],
  ['version', '%sion', true],
  ['a%b', 'a\\%b', true],
  ['axb', 'a\\%b', false],
];

for (const [text, pattern, expected] of CASES) {
  test(`LIKE: ${JSON.stringify(text)} LIKE ${JSON.stringify(pattern)} = ${expected}`, () => {
    assert.equal(sqlLike(text, pattern), expected);
  });
}

test('LIKE: many % do not explode', () => {
  assert.equal(sqlLike('a'.repeat(2000), `${'%a'.repeat(200)}b`), false);
});
