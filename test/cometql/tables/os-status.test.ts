// `df -h`-style sizes for SHOW FILESYSTEM STATUS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanSize } from '../../../src/cometql/tables/os-status.js';

const CASES: ReadonlyArray<readonly [number, string]> = [
  [0, '0'],
  [1000, '1000'],
  [1024, '1.0K'],
  [1536, '1.5K'],
  [10 * 1024, '10K'],
  [40 * 1024 ** 3, '40G'],
  [9.81 * 1024 ** 3, '9.9G'],
  [12.2 * 1024 ** 3, '13G'],
  [3 * 1024 ** 4, '3.0T'],
];

for (const [bytes, text] of CASES) {
  test(`humanSize(${bytes}) = ${text}`, () => {
    assert.equal(humanSize(bytes), text);
  });
}
