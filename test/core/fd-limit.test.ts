import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionCaps, openFileLimit } from '../../src/fd-limit.js';

test('connection caps from the open-file limit', () => {
  assert.deepEqual(connectionCaps(undefined), { ws: undefined, cometql: undefined });
  assert.deepEqual(connectionCaps(20000), { ws: 19904, cometql: 1000 });
  assert.deepEqual(connectionCaps(1024), { ws: 928, cometql: 102 });
  assert.deepEqual(connectionCaps(120), { ws: 90, cometql: 12 });
});

test('the open-file limit is read from /proc on Linux', () => {
  const limit = openFileLimit();
  assert.ok(limit === undefined || (Number.isInteger(limit) && limit > 0));
  if (process.platform === 'linux') assert.ok(limit !== undefined);
});
