// Seeded fuzzing of the pure client-protocol code: no input may throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientQuery, wsQueryOf, pollQueryOf } from '../../src/client-protocol/url.js';
import { parseCommand } from '../../src/client-protocol/commands.js';
import { parseSubscriptionList } from '../../src/client-protocol/subscription-list.js';
import { handleClientFrame } from '../../src/client-protocol/client-session.js';
import { fixture } from '../helpers/core-fixture.js';
import { prng } from '../helpers/prng.js';


const ALPHABET = ['&', '=', '.', '?', ' ', '/', '+', '%', '\n', '\r', '\0', '*', '@', '_', '-', 'a', 'Z', '0', '9', 'é', '中', '\ud83d', '\u0000', 'ws', 'sesion=', 'myid=', 'devid=', 'v=', 'uuid=', 'web_', 'track_', 'private_', 'webauth_', '4.08', '3.25', '99999999999'];

function randomText(rnd: () => number, maxLen: number): string {
  const n = Math.floor(rnd() * maxLen);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += rnd() < 0.7 ? ALPHABET[Math.floor(rnd() * ALPHABET.length)] : String.fromCharCode(Math.floor(rnd() * 0x3000));
  }
  return s;
}

function mutate(rnd: () => number, base: string): string {
  const chars = [...base];
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (chars.length + 1));
    const op = rnd();
    if (op < 0.33) chars.splice(at, 1);
    else if (op < 0.66) chars.splice(at, 0, ALPHABET[Math.floor(rnd() * ALPHABET.length)]);
    else chars.splice(at, 1, String.fromCharCode(Math.floor(rnd() * 256)));
  }
  return chars.join('');
}

const GOOD_URL = '/ws/sesion=valid00000userHash&myid=3&devid=1&v=4.08&uuid=Yh3kq_0PZ-oVvB1cX9rTtW2mN8aLs4dE&api=js';

test('fuzz: URL parsing never throws and always gives a well-formed result', () => {
  const rnd = prng(0xc0ffee);
  for (let i = 0; i < 20000; i++) {
    const target = i % 2 === 0 ? mutate(rnd, GOOD_URL) : `/ws/${randomText(rnd, 80)}`;
    const q = wsQueryOf(target) ?? pollQueryOf(target) ?? target;
    const r = parseClientQuery(q, 1 + Math.floor(rnd() * 100000));
    if (r.ok) {
      assert.ok(Number.isInteger(r.params.userId) && r.params.userId >= 0 && r.params.userId <= 2147483647);
      assert.ok(Number.isInteger(r.params.devId) && r.params.devId >= 0);
      assert.ok(r.params.uuid.length <= 32);
      assert.equal(r.params.legacy, r.params.version.major < 4);
    } else {
      assert.ok([401, 406, 418].includes(r.error.code));
    }
  }
});

const SEED_FRAMES = [
  'subscription\nweb_chat\ntrack_online',
  'web_pipe2\nweb_chat\nnewMsg\n*\n{"text":"hi"}',
  'web_pipe2\n@web_chat\ne\n*\n1',
  'web_pipe2\nwebauth_r\ne\n*\n1',
  'pipe_log\nweb_chat\n4620873988\n',
  'pipe_count\nweb_chat\n2259796665\n',
  'track_pipe_users\ntrack_online\n4620873988',
  'user_data\n5614903529\n9997',
  'user_status\n3',
  'statistics\n{"url":"x"}',
  'CometQL_call\nm1\nx.y.z',
  'cgi_call\n',
];

test('fuzz: command parsing and the session handler never throw', async () => {
  const rnd = prng(0x5eed);
  const f = fixture();
  f.core.auth.hashes.set(0, 3, 'h');
  await f.core.setPipeHistoryLength(0, 'web_chat', 5);
  const a = await f.connect({ user: 3, session: 'h' });
  const b = await f.connect({ legacy: true });
  handleClientFrame(f.core, b.conn, 'subscription\nweb_chat\ntrack_online\nweb_x');
  for (let i = 0; i < 20000; i++) {
    const frame = i % 3 === 0 ? randomText(rnd, 200) : mutate(rnd, SEED_FRAMES[Math.floor(rnd() * SEED_FRAMES.length)]);
    parseCommand(frame);
    parseSubscriptionList(frame);
    const verdict = handleClientFrame(f.core, i % 2 === 0 ? a.conn : b.conn, frame);
    assert.ok(verdict === 'keep' || verdict === 'close');
  }
  // Every frame that was produced is valid JSON with a data field (PROTOCOL 5.1 item 1).
  for (const text of [...a.link.frames, ...b.link.frames]) {
    const j = JSON.parse(text) as Record<string, unknown>;
    assert.ok('data' in j);
    assert.ok(!('jscode' in j));
  }
});
