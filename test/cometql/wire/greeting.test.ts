import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildGreeting, createScramble, nextConnectionId, SERVER_CAPABILITIES, BASE_CAPABILITIES } from '../../../src/cometql/wire/greeting.js';
import { Capability } from '../../../src/cometql/wire/constants.js';
import { MYSQL_SERVER_VERSION, UPSTREAM_VERSION } from '../../../src/version.js';

const scramble = Buffer.from('0102030405060708090a0b0c0d0e0f1011121314', 'hex');

test('greeting layout (COMETQL.md 2.2 Re-impl)', () => {
  const g = buildGreeting({ connectionId: 0x01020304, scramble });
  const v = Buffer.from(MYSQL_SERVER_VERSION);
  let o = 0;
  assert.equal(g[o++], 10, 'protocol 10');
  assert.equal(g.subarray(o, o + v.length).toString(), MYSQL_SERVER_VERSION);
  o += v.length;
  assert.equal(g[o++], 0, 'version NUL');
  assert.equal(g.readUInt32LE(o), 0x01020304, 'connection id');
  o += 4;
  assert.deepEqual(g.subarray(o, o + 8), scramble.subarray(0, 8));
  o += 8;
  assert.equal(g[o++], 0, 'filler');
  const capsLow = g.readUInt16LE(o);
  o += 2;
  assert.equal(g[o++], 33, 'charset utf8_general_ci');
  assert.equal(g.readUInt16LE(o), 0x0002, 'status AUTOCOMMIT');
  o += 2;
  const caps = capsLow | (g.readUInt16LE(o) << 16);
  o += 2;
  assert.equal(caps, SERVER_CAPABILITIES);
  assert.equal(g[o++], 21, 'auth-plugin-data length');
  assert.deepEqual(g.subarray(o, o + 10), Buffer.alloc(10), 'reserved');
  o += 10;
  assert.deepEqual(g.subarray(o, o + 12), scramble.subarray(8));
  o += 12;
  assert.equal(g[o++], 0);
  assert.equal(g.subarray(o).toString('latin1'), 'mysql_native_password\0');
});

test('capabilities: upstream set minus SSL and COMPRESS, plus the two login features the parser handles', () => {
  assert.equal(BASE_CAPABILITIES, 0x000ff7df);
  assert.equal(SERVER_CAPABILITIES & Capability.SSL, 0);
  assert.equal(SERVER_CAPABILITIES & Capability.COMPRESS, 0);
  assert.equal(SERVER_CAPABILITIES & Capability.DEPRECATE_EOF, 0);
  assert.equal(SERVER_CAPABILITIES & 0xc0000000, 0, 'no client-only bits');
  for (const flag of [Capability.PROTOCOL_41, Capability.SECURE_CONNECTION, Capability.PLUGIN_AUTH, Capability.MULTI_STATEMENTS, Capability.MULTI_RESULTS, Capability.CONNECT_WITH_DB, Capability.CONNECT_ATTRS, Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA]) {
    assert.ok(SERVER_CAPABILITIES & flag, `flag 0x${flag.toString(16)}`);
  }
});

test('with the upstream version string the payload is 106 bytes, like upstream', () => {
  assert.equal(buildGreeting({ connectionId: 1, scramble, serverVersion: UPSTREAM_VERSION }).length, 106);
});

test('scrambles: 20 bytes in 0x01..0x7f, different each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const s = createScramble();
    assert.equal(s.length, 20);
    for (const b of s) assert.ok(b >= 1 && b <= 0x7f, `byte ${b}`);
    seen.add(s.toString('hex'));
  }
  assert.equal(seen.size, 500);
});

test('connection ids increase per process', () => {
  const a = nextConnectionId();
  const b = nextConnectionId();
  assert.equal(b, a + 1);
});

test('a scramble of the wrong size is a programming error', () => {
  assert.throws(() => buildGreeting({ connectionId: 1, scramble: Buffer.alloc(8) }), RangeError);
});
