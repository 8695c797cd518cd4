// Issue 9 #5: the protocol ignores nbf (and iat) (PROTOCOL.md §4.3): a token carrying one, past,
// future or not even a number, is accepted like any other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, type E2E } from '../helpers/comet-client.js';
import { jwt } from '../helpers/jwt.js';

let e: E2E;
before(async () => {
  e = await startE2E();
});
after(async () => {
  await e.stop();
});

test('JWTs with nbf (past, future, non-numeric) or odd iat authorize; exp still counts', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['no nbf (control)', { user_id: 51, exp: now + 3600 }, true],
    ['nbf in the past', { user_id: 51, exp: now + 3600, nbf: now - 3600 }, true],
    ['nbf now', { user_id: 51, exp: now + 3600, nbf: now }, true],
    ['nbf in the future', { user_id: 51, exp: now + 3600, nbf: now + 1800 }, true],
    ['nbf a string', { user_id: 51, exp: now + 3600, nbf: 'later' }, true],
    ['iat in the future', { user_id: 51, exp: now + 3600, iat: now + 1800 }, true],
    ['iat a string', { user_id: 51, exp: now + 3600, iat: 'x' }, true],
    ['nbf past but expired', { user_id: 51, exp: now - 60, nbf: now - 3600 }, false],
  ];
  for (const [what, payload, ok] of cases) {
    const c = await e.client({ session: jwt(payload), userId: 51 });
    assert.equal(c.first.json.authorized, ok, what);
    c.terminate();
  }
});
