// Seeded fuzzing of the parsers that face untrusted bytes (COMETQL.md 10.4 #62): no exception may
// escape and every result must be well-formed. Failures print the seed and case index to reproduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketReader } from '../../../src/cometql/wire/packet-reader.js';
import { framePackets } from '../../../src/cometql/wire/packet-writer.js';
import { parseChangeUser, parseHandshakeResponse } from '../../../src/cometql/wire/handshake-response.js';
import { parseExecute, parseSendLongData } from '../../../src/cometql/wire/prepared-statement.js';
import { Capability as C, FieldType as T } from '../../../src/cometql/wire/constants.js';
import { encodeLenencString } from '../../../src/cometql/wire/lenenc.js';
import { prng } from '../../helpers/prng.js';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const KNOWN_CODES = new Set(['CQL_ERR_TRUNCATED', 'CQL_ERR_INVALID_LENENC', 'CQL_ERR_PACKET_TOO_LARGE', 'CQL_ERR_SSL_REQUEST', 'CQL_ERR_UNKNOWN_PARAM_TYPE', 'CQL_ERR_MISSING_PARAM_TYPES']);


function tools(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const mutate = (input: Buffer): Buffer => {
    const b = Buffer.from(input);
    switch (int(5)) {
      case 0: // flip bits
        for (let i = 0, n = 1 + int(4); i < n && b.length; i++) b[int(b.length)] ^= 1 << int(8);
        return b;
      case 1: // truncate
        return b.subarray(0, int(b.length + 1));
      case 2: // insert random bytes
        return Buffer.concat([b.subarray(0, int(b.length + 1)), bytes(1 + int(8)), b.subarray(int(b.length + 1))]);
      case 3: // set a byte to a boundary value
        if (b.length) b[int(b.length)] = [0, 0xfb, 0xfc, 0xfd, 0xfe, 0xff][int(6)];
        return b;
      default: // append garbage
        return Buffer.concat([b, bytes(int(40))]);
    }
  };
  return { rnd, int, bytes, mutate };
}

function validLogin(r: ReturnType<typeof tools>): Buffer {
  const caps = C.PROTOCOL_41 | (r.int(2) ? C.SECURE_CONNECTION : 0) | (r.int(2) ? C.PLUGIN_AUTH_LENENC_CLIENT_DATA : 0) | (r.int(2) ? C.CONNECT_WITH_DB : 0) | (r.int(2) ? C.PLUGIN_AUTH : 0) | (r.int(2) ? C.CONNECT_ATTRS : 0);
  const head = Buffer.alloc(32);
  head.writeUInt32LE(caps, 0);
  const auth = r.bytes([0, 20, 32][r.int(3)]);
  const parts: Buffer[] = [head, Buffer.from(`${['root', '15', 'haproxy_check', ''][r.int(4)]}\0`)];
  if (caps & C.PLUGIN_AUTH_LENENC_CLIENT_DATA) parts.push(encodeLenencString(auth));
  else if (caps & C.SECURE_CONNECTION) parts.push(Buffer.from([auth.length]), auth);
  else parts.push(Buffer.from('abc\0'));
  if (caps & C.CONNECT_WITH_DB) parts.push(Buffer.from('CometQL_v1\0'));
  if (caps & C.PLUGIN_AUTH) parts.push(Buffer.from('mysql_native_password\0'));
  if (caps & C.CONNECT_ATTRS) parts.push(encodeLenencString(Buffer.concat([encodeLenencString('_os'), encodeLenencString('linux')])));
  return Buffer.concat(parts);
}

test('packet reader: random packet streams cut at random places come out intact', () => {
  const r = tools(SEED);
  for (let round = 0; round < 2000; round++) {
    const payloads = Array.from({ length: 1 + r.int(6) }, () => r.bytes(r.int(3) === 0 ? r.int(600) : r.int(20)));
    const stream = payloads.map((p) => framePackets([p], r.int(256)).data);
    const data = Buffer.concat(stream);
    const reader = new PacketReader({ maxPacketSize: 1000 });
    const out = [];
    for (let o = 0; o < data.length; ) {
      const n = 1 + r.int(64);
      const res = reader.push(data.subarray(o, o + n));
      assert.equal(res.error, null, `seed ${SEED} round ${round}`);
      out.push(...res.packets);
      o += n;
    }
    assert.deepEqual(out.map((p) => p.payload.toString('hex')), payloads.map((p) => p.toString('hex')), `seed ${SEED} round ${round}`);
  }
});

test('packet reader: random bytes never throw; output respects the maximum', () => {
  const r = tools(SEED + 1);
  for (let round = 0; round < 3000; round++) {
    const max = 1 + r.int(2000);
    const reader = new PacketReader({ maxPacketSize: max });
    let failed = false;
    for (let i = 0; i < 1 + r.int(10); i++) {
      const res = reader.push(r.bytes(r.int(300)));
      for (const p of res.packets) assert.ok(p.payload.length <= max && p.sequenceId >= 0 && p.sequenceId <= 255);
      if (res.error) {
        assert.equal(res.error.code, 'CQL_ERR_PACKET_TOO_LARGE');
        failed = true;
      } else assert.equal(failed, false, 'a failed reader stays failed');
    }
    assert.ok(reader.pendingBytes <= max + 4 + 300, `seed ${SEED + 1} round ${round}: memory bounded`);
  }
});

function checkLogin(payload: Buffer, where: string): void {
  const res = parseHandshakeResponse(payload);
  if (!res.ok) {
    assert.ok(KNOWN_CODES.has(res.error.code), `${where}: code ${res.error.code}`);
    return;
  }
  const v = res.value;
  assert.equal(typeof v.user, 'string', where);
  assert.ok(Buffer.isBuffer(v.authResponse) && v.authResponse.length <= payload.length, where);
  assert.ok(v.database === null || typeof v.database === 'string', where);
  assert.ok(v.authPlugin === null || typeof v.authPlugin === 'string', where);
  assert.ok(Number.isInteger(v.capabilities) && v.capabilities >= 0, where);
  for (const [k, val] of v.attributes) assert.ok(typeof k === 'string' && typeof val === 'string', where);
}

test('handshake-response parser: random and mutated login packets', () => {
  const r = tools(SEED + 2);
  for (let i = 0; i < 4000; i++) checkLogin(r.bytes(r.int(120)), `seed ${SEED + 2} random ${i}`);
  for (let i = 0; i < 6000; i++) {
    let p = validLogin(r);
    for (let m = 0, n = 1 + r.int(3); m < n; m++) p = r.mutate(p);
    checkLogin(p, `seed ${SEED + 2} mutated ${i}`);
  }
});

test('COM_CHANGE_USER, COM_STMT_EXECUTE and SEND_LONG_DATA parsers: random and mutated input', () => {
  const r = tools(SEED + 3);
  const types = [T.TINY, T.SHORT, T.LONG, T.LONGLONG, T.FLOAT, T.DOUBLE, T.NULL, T.DATE, T.DATETIME, T.TIME, T.VAR_STRING, T.BLOB, T.NEWDECIMAL, 0x42];
  for (let i = 0; i < 5000; i++) {
    const where = `seed ${SEED + 3} case ${i}`;
    const caps = r.int(0x400000);
    const cu = parseChangeUser(r.mutate(Buffer.concat([Buffer.from([0x11]), Buffer.from('root\0'), Buffer.from([20]), r.bytes(20), Buffer.from('db_1\0'), Buffer.from([33, 0])])), caps);
    if (!cu.ok) assert.ok(KNOWN_CODES.has(cu.error.code), where);
    const n = r.int(5);
    const head = Buffer.alloc(10);
    head[0] = 0x17;
    const typeBytes = Buffer.concat(Array.from({ length: n }, () => Buffer.from([types[r.int(types.length)], r.int(2) * 0x80])));
    const packet = Buffer.concat([head, r.bytes((n + 7) >> 3), Buffer.from([r.int(2)]), typeBytes, r.bytes(r.int(60))]);
    const ex = parseExecute(r.int(2) ? packet : r.mutate(packet), n, null, new Map());
    if (ex.ok) {
      assert.equal(ex.value.params.length, n, where);
      for (const p of ex.value.params) assert.ok(p === null || typeof p === 'string', where);
    } else assert.ok(KNOWN_CODES.has(ex.error.code), where);
    const ld = parseSendLongData(r.bytes(r.int(12)));
    if (!ld.ok) assert.ok(KNOWN_CODES.has(ld.error.code), where);
  }
});

test('packet reader: a bound lowered for login and raised after it; the failure comes at the header, bytes held stay under the bound', () => {
  const { int } = tools(SEED + 7);
  for (let i = 0; i < 300; i++) {
    const bound = 1024 + int(20000);
    const reader = new PacketReader({ maxPacketSize: bound });
    const length = Math.max(0, bound - 50 + int(100));
    const header = Buffer.from([length & 0xff, (length >> 8) & 0xff, length >> 16, 1]);
    const r = reader.push(Buffer.concat([header, Buffer.alloc(Math.min(length, 1 + int(length + 1)), 0x41)]));
    if (length > bound) assert.equal(r.error?.code, 'CQL_ERR_PACKET_TOO_LARGE', `case ${i}: ${length} > ${bound}`);
    else assert.equal(r.error, null, `case ${i}: ${length} <= ${bound}`);
    assert.ok(reader.pendingBytes <= bound + 4, `case ${i}: held ${reader.pendingBytes}`);
    const raised = new PacketReader({ maxPacketSize: bound });
    raised.setMaxPacketSize(bound * 4);
    const big = bound * 2;
    const out = raised.push(Buffer.concat([Buffer.from([big & 0xff, (big >> 8) & 0xff, big >> 16, 0]), Buffer.alloc(big)]));
    assert.deepEqual([out.error, out.packets.length, out.packets[0]?.payload.length], [null, 1, big], `case ${i}: raised bound`);
  }
});
