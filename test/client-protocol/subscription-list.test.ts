import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSubscriptionList, type SubscriptionList } from '../../src/client-protocol/subscription-list.js';

const many = (n: number) => Array.from({ length: n }, (_, i) => `web_p${i}`);

test('subscription lists per PROTOCOL 6.1.1 (REC tokenisation)', async (t) => {
  const cases: Array<[string, string, SubscriptionList]> = [
    ['one pipe', 'web_chat', { names: ['web_chat'] }],
    ['LF-joined list', 'web_chat\ntrack_online\nuser_status_3', { names: ['web_chat', 'track_online', 'user_status_3'] }],
    ['any non-name byte separates', 'web_a.web_b,web_c web_d', { names: ['web_a', 'web_b', 'web_c', 'web_d'] }],
    ['a 1-byte token stops silently', 'ab\nc\nde', { names: ['ab'] }],
    ['doubled separator = empty token = stop', 'web_a\n\nweb_b', { names: ['web_a'] }],
    ['trailing LF', 'web_a\n', { names: ['web_a'] }],
    ['leading separator subscribes nothing', '\nweb_a', { names: [] }],
    ['empty list', '', { names: [] }],
    ['CR becomes a separator, LF after it an empty token', 'web_a\r\nweb_b', { names: ['web_a'] }],
    ['non-ASCII is several separator bytes', 'web_a\u00e9web_b', { names: ['web_a'] }],
    ['2-byte names are fine', 'ab\ncd', { names: ['ab', 'cd'] }],
    ['64-byte name accepted', 'a'.repeat(64), { names: ['a'.repeat(64)] }],
    ['65-byte name: error + close, earlier names kept', `web_a\n${'a'.repeat(65)}\nweb_b`, { names: ['web_a'], problem: 'nameTooLong' }],
    ['32 names are fine', many(32).join('\n'), { names: many(32) }],
    ['33 names: first 32 + error', many(33).join('\n'), { names: many(32), problem: 'tooManyNames' }],
    ['2176 bytes accepted', `${'a'.repeat(64)}\n`.repeat(32).slice(0, 2176), { names: [] }],
    ['2177 bytes: too many letters + close', 'a'.repeat(2177), { names: [], problem: 'textTooLong' }],
  ];
  for (const [name, args, expected] of cases) {
    await t.test(name, () => {
      const r = parseSubscriptionList(args);
      if (name === '2176 bytes accepted') {
        assert.equal(r.problem, undefined);
        assert.equal(r.names.length, 32);
        return;
      }
      assert.deepEqual(r, expected);
    });
  }
});

test('2176 bytes are counted in UTF-8 bytes', () => {
  const args = `web_a\n${'\u00e9'.repeat(1086)}`; // 6 + 2172 = 2178 bytes, 1092 chars
  assert.equal(parseSubscriptionList(args).problem, 'textTooLong');
});
