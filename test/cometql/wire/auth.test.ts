import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import {
  buildAuthSwitchRequest,
  cachingSha2Token,
  FAST_AUTH_SUCCESS,
  nativePasswordToken,
  verifyCachingSha2FastAuth,
  verifyNativePassword,
} from '../../../src/cometql/wire/auth.js';

// mysql2's own token functions are an independent implementation to check against.
const requireFile = createRequire(import.meta.url);
const mysql2Auth41 = requireFile(resolve('node_modules/mysql2/lib/auth_41.js')) as { calculateToken(p: string, s1: Buffer, s2: Buffer): Buffer };
const mysql2Sha2 = requireFile(resolve('node_modules/mysql2/lib/auth_plugins/caching_sha2_password.js')) as { calculateToken(p: string, s: Buffer): Buffer };

const scramble = Buffer.from('3a5c2e7f011f202122232425262728292a2b2c2d', 'hex');

test('mysql_native_password token matches mysql2', async (t) => {
  for (const password of ['CometQLPassword', 'p', 'пароль', 'x'.repeat(100)]) {
    await t.test(password.slice(0, 20), () => {
      const expected = mysql2Auth41.calculateToken(password, scramble.subarray(0, 8), scramble.subarray(8));
      const token = nativePasswordToken(Buffer.from(password), scramble);
      assert.equal(token.length, 20);
      assert.deepEqual(token, expected);
      assert.ok(verifyNativePassword(Buffer.from(password), scramble, expected));
    });
  }
});

test('caching_sha2_password fast-auth token matches mysql2', () => {
  const expected = mysql2Sha2.calculateToken('CometQLPassword', scramble);
  assert.equal(expected.length, 32);
  assert.deepEqual(cachingSha2Token(Buffer.from('CometQLPassword'), scramble), expected);
  assert.ok(verifyCachingSha2FastAuth(Buffer.from('CometQLPassword'), scramble, expected));
});

test('verification fails for wrong tokens, other lengths and other scrambles', async (t) => {
  const pw = Buffer.from('CometQLPassword');
  const good = nativePasswordToken(pw, scramble);
  const flipped = Buffer.from(good);
  flipped[19] ^= 1;
  const cases: Array<[string, Buffer]> = [
    ['one bit off', flipped],
    ['empty', Buffer.alloc(0)],
    ['too short', good.subarray(0, 19)],
    ['too long', Buffer.concat([good, Buffer.from([0])])],
    ['other scramble', nativePasswordToken(pw, Buffer.alloc(20, 1))],
    ['other password', nativePasswordToken(Buffer.from('CometQLPassworD'), scramble)],
  ];
  for (const [name, token] of cases) await t.test(name, () => assert.equal(verifyNativePassword(pw, scramble, token), false));
  await t.test('sha2: 20-byte token refused', () => assert.equal(verifyCachingSha2FastAuth(pw, scramble, good), false));
});

test('empty password gives an empty token (what clients send) and never verifies', () => {
  assert.equal(nativePasswordToken(Buffer.alloc(0), scramble).length, 0);
  assert.equal(cachingSha2Token(Buffer.alloc(0), scramble).length, 0);
  assert.equal(verifyNativePassword(Buffer.alloc(0), scramble, Buffer.alloc(0)), false);
});

test('AuthSwitchRequest and fast-auth packets', () => {
  assert.equal(
    buildAuthSwitchRequest('mysql_native_password', scramble).toString('hex'),
    'fe' + Buffer.from('mysql_native_password').toString('hex') + '00' + scramble.toString('hex') + '00',
  );
  assert.equal(FAST_AUTH_SUCCESS.toString('hex'), '0103');
});
