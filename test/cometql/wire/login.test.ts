import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCredentials, checkSwitchResponse, devIdFromUserName, type AuthOutcome } from '../../../src/cometql/wire/login.js';
import { cachingSha2Token, nativePasswordToken } from '../../../src/cometql/wire/auth.js';
import { Capability as C } from '../../../src/cometql/wire/constants.js';
import { SqlErrors } from '../../../src/errors.js';

test('user name -> dev_id (COMETQL.md 2.5)', async (t) => {
  const cases: Array<[string, ReturnType<typeof devIdFromUserName>]> = [
    ['root', { ok: true, devId: 0, nonNumericName: false }],
    ['', { ok: true, devId: 0, nonNumericName: false }],
    ['0', { ok: true, devId: 0, nonNumericName: false }],
    ['15', { ok: true, devId: 15, nonNumericName: false }],
    ['0007', { ok: true, devId: 7, nonNumericName: false }],
    ['99999', { ok: true, devId: 99999, nonNumericName: false }],
    ['100000', { ok: false }],
    ['2147483648', { ok: false }],
    ['99999999999999999999', { ok: false }],
    ['admin', { ok: true, devId: 0, nonNumericName: true }],
    ['15a', { ok: true, devId: 0, nonNumericName: true }],
    ['-1', { ok: true, devId: 0, nonNumericName: true }],
    ['Root', { ok: true, devId: 0, nonNumericName: true }],
  ];
  for (const [user, expected] of cases) await t.test(JSON.stringify(user), () => assert.deepEqual(devIdFromUserName(user, 100000), expected));
  await t.test('a larger dev_index_size still caps at 2^31-1', () => {
    assert.deepEqual(devIdFromUserName('2147483647', 2 ** 32), { ok: true, devId: 2147483647, nonNumericName: false });
    assert.deepEqual(devIdFromUserName('2147483648', 2 ** 32), { ok: false });
  });
});

const password = Buffer.from('CometQLPassword');
const scramble = Buffer.alloc(20, 0x21);
const native = nativePasswordToken(password, scramble);
const sha2 = cachingSha2Token(password, scramble);
const PLUGIN = C.PROTOCOL_41 | C.SECURE_CONNECTION | C.PLUGIN_AUTH;
const NO_PLUGIN = C.PROTOCOL_41 | C.SECURE_CONNECTION;
const accepted: AuthOutcome = { kind: 'accepted', fastAuth: false };
const rejected = (error = SqlErrors.authFailure): AuthOutcome => ({ kind: 'rejected', error });

test('first login answer (COMETQL.md 2.4)', async (t) => {
  const cases: Array<[string, string, Buffer, string | null, number, Buffer, AuthOutcome]> = [
    ['native, right token', 'root', native, 'mysql_native_password', PLUGIN, password, accepted],
    ['native without plugin name', 'root', native, null, NO_PLUGIN, password, accepted],
    ['native, wrong token', 'root', Buffer.alloc(20), 'mysql_native_password', PLUGIN, password, rejected()],
    ['native, 19 bytes', 'root', native.subarray(1), 'mysql_native_password', PLUGIN, password, rejected(SqlErrors.authDataLen)],
    ['empty response, client can switch', 'root', Buffer.alloc(0), 'mysql_native_password', PLUGIN, password, { kind: 'switch' }],
    ['empty response, client cannot switch', 'root', Buffer.alloc(0), null, NO_PLUGIN, password, rejected(SqlErrors.authDataLen)],
    ['haproxy_check without password', 'haproxy_check', Buffer.alloc(0), null, NO_PLUGIN, password, { kind: 'haproxy' }],
    ['haproxy_check prefix', 'haproxy_check_lb1', Buffer.alloc(0), null, PLUGIN, password, { kind: 'haproxy' }],
    ['haproxy_check with a wrong password is a normal login', 'haproxy_check', Buffer.alloc(20), null, NO_PLUGIN, password, rejected()],
    ['caching_sha2 fast path', 'root', sha2, 'caching_sha2_password', PLUGIN, password, { kind: 'accepted', fastAuth: true }],
    ['caching_sha2 wrong token', 'root', Buffer.alloc(32), 'caching_sha2_password', PLUGIN, password, rejected()],
    ['caching_sha2 empty response -> switch', 'root', Buffer.alloc(0), 'caching_sha2_password', PLUGIN, password, { kind: 'switch' }],
    ['unknown plugin -> switch', 'root', Buffer.from('x'), 'client_ed25519', PLUGIN, password, { kind: 'switch' }],
    ['empty server password, empty response', 'root', Buffer.alloc(0), 'mysql_native_password', PLUGIN, Buffer.alloc(0), accepted],
    ['empty server password, sha2 client with empty response', 'root', Buffer.alloc(0), 'caching_sha2_password', PLUGIN, Buffer.alloc(0), accepted],
    ['empty server password, client sends a token', 'root', native, 'mysql_native_password', PLUGIN, Buffer.alloc(0), rejected()],
  ];
  for (const [name, user, authResponse, authPlugin, clientCapabilities, pw, expected] of cases) {
    await t.test(name, () => assert.deepEqual(checkCredentials({ user, authResponse, authPlugin, clientCapabilities }, pw, scramble), expected));
  }
});

test('answer to the auth switch', async (t) => {
  const cases: Array<[string, Buffer, Buffer, AuthOutcome]> = [
    ['right token', native, password, accepted],
    ['wrong token', Buffer.alloc(20, 1), password, rejected()],
    ['empty (client has no password)', Buffer.alloc(0), password, rejected(SqlErrors.authDataLen)],
    ['32 bytes', sha2, password, rejected(SqlErrors.authDataLen)],
    ['empty with an empty server password', Buffer.alloc(0), Buffer.alloc(0), accepted],
  ];
  for (const [name, response, pw, expected] of cases) await t.test(name, () => assert.deepEqual(checkSwitchResponse(response, pw, scramble), expected));
});
