import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChangeUser, parseHandshakeResponse } from '../../../src/cometql/wire/handshake-response.js';
import { Capability as C } from '../../../src/cometql/wire/constants.js';
import { encodeLenencString } from '../../../src/cometql/wire/lenenc.js';

interface LoginSpec {
  caps: number;
  user?: string;
  auth?: Buffer;
  database?: string;
  plugin?: string;
  attrs?: Record<string, string>;
}

/** A HandshakeResponse41 built the way drivers build it. */
function login41(s: LoginSpec): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(32);
  head.writeUInt32LE(s.caps >>> 0, 0);
  head.writeUInt32LE(16777216, 4);
  head[8] = 45;
  parts.push(head, Buffer.from(`${s.user ?? 'root'}\0`));
  const auth = s.auth ?? Buffer.alloc(20, 7);
  if (s.caps & C.PLUGIN_AUTH_LENENC_CLIENT_DATA) parts.push(encodeLenencString(auth));
  else if (s.caps & C.SECURE_CONNECTION) parts.push(Buffer.from([auth.length]), auth);
  else parts.push(auth, Buffer.from([0]));
  if (s.caps & C.CONNECT_WITH_DB) parts.push(Buffer.from(`${s.database ?? ''}\0`));
  if (s.caps & C.PLUGIN_AUTH) parts.push(Buffer.from(`${s.plugin ?? 'mysql_native_password'}\0`));
  if (s.caps & C.CONNECT_ATTRS) {
    const kv = Object.entries(s.attrs ?? {}).flatMap(([k, v]) => [encodeLenencString(k), encodeLenencString(v)]);
    parts.push(encodeLenencString(Buffer.concat(kv)));
  }
  return Buffer.concat(parts);
}

const BASIC = C.PROTOCOL_41 | C.SECURE_CONNECTION | C.LONG_PASSWORD;

test('typical login packets parse', async (t) => {
  await t.test('mysql2-like: lenenc auth, empty database, plugin, attributes', () => {
    const caps = BASIC | C.CONNECT_WITH_DB | C.PLUGIN_AUTH | C.PLUGIN_AUTH_LENENC_CLIENT_DATA | C.CONNECT_ATTRS | C.MULTI_RESULTS;
    const r = parseHandshakeResponse(login41({ caps, user: 'root', database: '', attrs: { _client_name: 'Node-MySQL-2' } }));
    assert.ok(r.ok);
    assert.equal(r.value.user, 'root');
    assert.equal(r.value.authResponse.length, 20);
    assert.equal(r.value.database, '');
    assert.equal(r.value.authPlugin, 'mysql_native_password');
    assert.equal(r.value.attributes.get('_client_name'), 'Node-MySQL-2');
    assert.equal(r.value.charset, 45);
    assert.equal(r.value.maxPacketSize, 16777216);
    assert.equal(r.value.protocol41, true);
  });
  await t.test('mysql CLI-like: 1-byte auth length, database, plugin', () => {
    const r = parseHandshakeResponse(login41({ caps: BASIC | C.CONNECT_WITH_DB | C.PLUGIN_AUTH, user: '15', database: 'CometQL_v1' }));
    assert.ok(r.ok);
    assert.equal(r.value.user, '15');
    assert.equal(r.value.database, 'CometQL_v1');
  });
  await t.test('no CONNECT_WITH_DB: database is null; no PLUGIN_AUTH: plugin is null', () => {
    const r = parseHandshakeResponse(login41({ caps: BASIC }));
    assert.ok(r.ok);
    assert.equal(r.value.database, null);
    assert.equal(r.value.authPlugin, null);
    assert.equal(r.value.attributes.size, 0);
  });
  await t.test('caching_sha2_password 32-byte response', () => {
    const r = parseHandshakeResponse(login41({ caps: BASIC | C.PLUGIN_AUTH, auth: Buffer.alloc(32, 1), plugin: 'caching_sha2_password' }));
    assert.ok(r.ok);
    assert.equal(r.value.authResponse.length, 32);
    assert.equal(r.value.authPlugin, 'caching_sha2_password');
  });
  await t.test('a lenenc auth response of 300 bytes', () => {
    const r = parseHandshakeResponse(login41({ caps: BASIC | C.PLUGIN_AUTH_LENENC_CLIENT_DATA, auth: Buffer.alloc(300, 2) }));
    assert.ok(r.ok);
    assert.equal(r.value.authResponse.length, 300);
  });
  await t.test('plugin name without its final NUL', () => {
    const p = login41({ caps: BASIC | C.PLUGIN_AUTH });
    const r = parseHandshakeResponse(p.subarray(0, p.length - 1));
    assert.ok(r.ok);
    assert.equal(r.value.authPlugin, 'mysql_native_password');
  });
});

test('HAProxy mysql-check packets (post-41 and pre-41)', async (t) => {
  await t.test('post-41: caps 0x8200, user, 00', () => {
    const payload = Buffer.concat([Buffer.from('00820000' + '00800001' + '21', 'hex'), Buffer.alloc(23), Buffer.from('haproxy_check\0\0')]);
    const r = parseHandshakeResponse(payload);
    assert.ok(r.ok);
    assert.equal(r.value.user, 'haproxy_check');
    assert.equal(r.value.authResponse.length, 0);
  });
  await t.test('pre-41 (protocol 3.20 layout): caps 0x8000, 3-byte max packet, user, 00', () => {
    const payload = Buffer.concat([Buffer.from('0080' + '000001', 'hex'), Buffer.from('haproxy_check\0\0')]);
    const r = parseHandshakeResponse(payload);
    assert.ok(r.ok);
    assert.equal(r.value.protocol41, false);
    assert.equal(r.value.user, 'haproxy_check');
    assert.equal(r.value.authResponse.length, 0);
  });
});

test('malformed packets give stable error codes, never exceptions', async (t) => {
  const full = login41({ caps: BASIC | C.CONNECT_WITH_DB | C.PLUGIN_AUTH | C.CONNECT_ATTRS, database: 'CometQL_v1', attrs: { a: 'b' } });
  const cases: Array<[string, Buffer, string]> = [
    ['empty', Buffer.alloc(0), 'CQL_ERR_TRUNCATED'],
    ['one byte', Buffer.from([0x00]), 'CQL_ERR_TRUNCATED'],
    ['cut inside the fixed header', full.subarray(0, 20), 'CQL_ERR_TRUNCATED'],
    ['user name without NUL', Buffer.concat([full.subarray(0, 32), Buffer.from('root')]), 'CQL_ERR_TRUNCATED'],
    ['auth length beyond the end', Buffer.concat([full.subarray(0, 32), Buffer.from('root\0'), Buffer.from([20, 1, 2])]), 'CQL_ERR_TRUNCATED'],
    ['attributes longer than the packet', Buffer.concat([login41({ caps: BASIC | C.CONNECT_ATTRS }).subarray(0, -1), Buffer.from([0x50])]), 'CQL_ERR_TRUNCATED'],
    ['1-byte auth length 251 beyond the end', Buffer.concat([full.subarray(0, 32), Buffer.from('root\0'), Buffer.from([0xfb])]), 'CQL_ERR_TRUNCATED'],
    ['SSLRequest (32 bytes with the SSL flag)', (() => { const b = Buffer.alloc(32); b.writeUInt32LE(BASIC | C.SSL, 0); return b; })(), 'CQL_ERR_SSL_REQUEST'],
  ];
  for (const [name, payload, code] of cases) {
    await t.test(name, () => {
      const r = parseHandshakeResponse(payload);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, code);
    });
  }
  await t.test('lenenc auth length with the invalid 0xfb marker', () => {
    const caps = BASIC | C.PLUGIN_AUTH_LENENC_CLIENT_DATA;
    const head = Buffer.alloc(32);
    head.writeUInt32LE(caps, 0);
    const r = parseHandshakeResponse(Buffer.concat([head, Buffer.from('root\0'), Buffer.from([0xfb, 1, 2])]));
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'CQL_ERR_INVALID_LENENC');
  });
});

test('COM_CHANGE_USER parses with the login capabilities', async (t) => {
  const caps = BASIC | C.PLUGIN_AUTH | C.CONNECT_ATTRS | C.PLUGIN_AUTH_LENENC_CLIENT_DATA;
  const attrs = encodeLenencString(Buffer.concat([encodeLenencString('k'), encodeLenencString('v')]));
  const payload = Buffer.concat([Buffer.from([0x11]), Buffer.from('7\0'), Buffer.from([20]), Buffer.alloc(20, 9), Buffer.from('db_7\0'), Buffer.from([33, 0]), Buffer.from('mysql_native_password\0'), attrs]);
  await t.test('mysql2 layout', () => {
    const r = parseChangeUser(payload, caps);
    assert.ok(r.ok);
    assert.equal(r.value.user, '7');
    assert.equal(r.value.authResponse.length, 20);
    assert.equal(r.value.database, 'db_7');
    assert.equal(r.value.charset, 33);
    assert.equal(r.value.authPlugin, 'mysql_native_password');
    assert.equal(r.value.attributes.get('k'), 'v');
  });
  await t.test('minimal: user, auth, database only', () => {
    const r = parseChangeUser(Buffer.concat([Buffer.from([0x11]), Buffer.from('root\0'), Buffer.from([0]), Buffer.from('\0')]), caps);
    assert.ok(r.ok);
    assert.equal(r.value.database, '');
    assert.equal(r.value.charset, null);
    assert.equal(r.value.authPlugin, null);
  });
  await t.test('truncated', () => {
    for (let n = 0; n < 24; n++) {
      const r = parseChangeUser(payload.subarray(0, n), caps);
      assert.equal(r.ok, false, `cut at ${n}`);
    }
  });
});
