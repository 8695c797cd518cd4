// Canonical base64url, canonical spellings and deny-list keys (src/core/jwt-encoding.ts), and the
// deny-list and verifier built on them (src/core/revocation.ts, src/core/auth.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCanonicalBase64url, canonicalSpelling, revocationKey } from '../../src/core/jwt-encoding.js';
import { RevocationList } from '../../src/core/revocation.js';
import { AuthRegistry } from '../../src/core/auth.js';
import { b64url, signSegments, flipLowBit } from '../helpers/jwt.js';

const HEADER = b64url('{"alg":"HS256","typ":"JWT"}');
const signed = (header: string, payload: string) => signSegments(header, payload, 'pw1');

const TOKEN = signed(HEADER, b64url('{"user_id":5,"exp":4102444800}')); // 32-byte signature: 43 chars, 2 unused bits
const [H, P, S] = TOKEN.split('.') as [string, string, string];

test('isCanonicalBase64url: only unpadded text that re-encodes to itself', () => {
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['QQ', true], // one byte, 4 unused zero bits
    ['QR', false], // same byte, unused bits set
    ['QQ==', false], // padded
    ['QQ=', false],
    ['QUI', true],
    ['QUJ', false],
    ['QUJD', true], // no unused bits
    ['Q', false], // a lone 6-bit group decodes to nothing
    ['a+b/', false], // base64 alphabet
    ['a-b_', true],
    ['ab c', false],
    ['ab!c', false],
    [S, true],
    [flipLowBit(S), false],
    [`${S}=`, false],
  ];
  for (const [segment, canonical] of cases) assert.equal(isCanonicalBase64url(segment), canonical, segment);
});

test('canonicalSpelling and revocationKey: every spelling of a token has one key; other texts keep theirs', () => {
  const spellings = [TOKEN, `${TOKEN}=`, `${H}.${P}.${flipLowBit(S)}`, `${H}.${P}.${flipLowBit(S)}=`, `${H}.${P}.${S.replace(/-/g, '+').replace(/_/g, '/')}`];
  for (const t of spellings) {
    assert.equal(canonicalSpelling(t), TOKEN, t);
    assert.equal(revocationKey(t), revocationKey(TOKEN), t);
  }
  const keys: Array<[string, string]> = [
    ['not-a-jwt', 't:not-a-jwt'],
    ['a.b', 't:a.b'],
    ['a.b.c.d', 't:a.b.c.d'],
    ['a.b.c!', 't:a.b.c!'],
    ['header.payload.signature', 's:signatur'], // the lone last 6-bit group carries no byte
    ['x.y.QQ==', 's:QQ'],
    ['h.p.', 's:'],
  ];
  for (const [token, key] of keys) assert.equal(revocationKey(token), key, token);
  assert.notEqual(revocationKey(TOKEN), revocationKey(signed(HEADER, b64url('{"user_id":6,"exp":4102444800}'))));
  assert.equal(canonicalSpelling('not-a-jwt'), 'not-a-jwt');
});

test('RevocationList: lists inserted texts, refuses every spelling, DELETE of the text undoes it', () => {
  const list = new RevocationList();
  list.add(1, `${TOKEN}=`);
  assert.equal(list.refuses(1, TOKEN), true);
  assert.equal(list.refuses(1, `${H}.${P}.${flipLowBit(S)}`), true);
  assert.equal(list.refuses(2, TOKEN), false, 'per dev_id');
  assert.equal(list.has(1, `${TOKEN}=`), true);
  assert.equal(list.has(1, TOKEN), false, 'SELECT shows what was inserted');
  list.add(1, TOKEN); // a second spelling of the same token
  list.add(1, TOKEN);
  assert.deepEqual([...list.tokens(1)], [`${TOKEN}=`, TOKEN]);
  list.delete(1, `${TOKEN}=`);
  assert.equal(list.refuses(1, TOKEN), true, 'still listed under its other spelling');
  list.delete(1, TOKEN);
  assert.equal(list.refuses(1, TOKEN), false);
  assert.deepEqual([...list.tokens(1)], []);
  list.delete(1, 'never-listed');
  list.add(1, 'plain');
  assert.equal(list.refuses(1, 'plain'), true);
  assert.equal(list.refuses(1, 'plain2'), false);
});

test('AuthRegistry.authenticate: canonical token only; revoked under any spelling; nbf/iat ignored', async () => {
  const auth = new AuthRegistry('pw');
  const now = 1_700_000_000;
  const payloadVariant = flipLowBit(b64url('{"user_id":5,"exp":4102444800,"x":1}')); // 2 unused bits at the end
  const cases: Array<[string, string, boolean]> = [
    ['canonical', TOKEN, true],
    ['padded signature', `${TOKEN}=`, false],
    ['signature low bit', `${H}.${P}.${flipLowBit(S)}`, false],
    ['base64 alphabet signature', `${H}.${P}.${S.replace(/-/g, '+').replace(/_/g, '/')}`, !/[-_]/.test(S)], // refused unless the swap changed nothing,
    ['signed non-canonical payload', signed(HEADER, payloadVariant), false],
    ['signed non-canonical header', signed(flipLowBit(b64url('{"alg":"HS256","typ":"JWT","k":1}')), P), false],
    ['nbf in the past', signed(HEADER, b64url(`{"user_id":5,"exp":4102444800,"nbf":${now - 60}}`)), true],
    ['nbf in the future', signed(HEADER, b64url(`{"user_id":5,"exp":4102444800,"nbf":${now + 3600}}`)), true],
    ['nbf not a number', signed(HEADER, b64url('{"user_id":5,"exp":4102444800,"nbf":"soon"}')), true],
    ['iat in the future, not a number', signed(HEADER, b64url('{"user_id":5,"exp":4102444800,"iat":"x"}')), true],
    ['expired', signed(HEADER, b64url(`{"user_id":5,"exp":${now - 1}}`)), false],
  ];
  for (const [what, token, ok] of cases) assert.equal(await auth.authenticate(1, 5, token, now), ok, what);
  auth.revoked.add(1, `${H}.${P}.${flipLowBit(S)}`);
  assert.equal(await auth.authenticate(1, 5, TOKEN, now), false, 'revoked through another spelling');
  assert.equal(await auth.authenticate(0, 5, TOKEN, now), false, 'dev 0 has another secret anyway');
  auth.revoked.delete(1, `${H}.${P}.${flipLowBit(S)}`);
  assert.equal(await auth.authenticate(1, 5, TOKEN, now), true);
  auth.hashes.set(1, 7, 'plain-hash');
  auth.revoked.add(1, 'plain-hash');
  assert.equal(await auth.authenticate(1, 7, 'plain-hash', now), true, 'a stored hash is not a JWT: the deny-list does not apply');
});
