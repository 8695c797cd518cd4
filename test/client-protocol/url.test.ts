import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientQuery, wsQueryOf, pollQueryOf, type ParsedTarget } from '../../src/client-protocol/url.js';
import { ClientErrors } from '../../src/errors.js';

const U = 'Yh3kq_0PZ-oVvB1cX9rTtW2mN8aLs4dE';
const DEV_INDEX = 100000;

function ok(target: ParsedTarget) {
  if (!target.ok) throw new Error(`expected success, got ${target.error.code}`);
  return target.params;
}

test('the four WebSocket prefixes, and nothing else (PROTOCOL 2.2)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['/ws/sesion=x', 'sesion=x'],
    ['//ws/sesion=x', 'sesion=x'],
    ['/comet-server/ws/sesion=x', 'sesion=x'],
    ['//comet-server/ws/sesion=x', 'sesion=x'],
    ['/foo/ws/sesion=x', undefined],
    ['/WS/sesion=x', undefined],
    ['/ws', undefined],
    ['/info', undefined],
    ['ws/sesion=x', undefined],
  ];
  for (const [target, expected] of cases) assert.equal(wsQueryOf(target), expected, target);
});

test('long-poll targets: the same URL without /ws/ (ruling 7)', () => {
  const cases: Array<[string, string | undefined]> = [
    ['/sesion=x&myid=1', 'sesion=x&myid=1'],
    ['//sesion=x', 'sesion=x'],
    ['/comet-server/sesion=x', 'sesion=x'],
    ['//comet-server/sesion=x', 'sesion=x'],
    ['/?sesion=x', '?sesion=x'],
    ['/ws/sesion=x', undefined],
    ['/other', undefined],
    ['/', undefined],
  ];
  for (const [target, expected] of cases) assert.equal(pollQueryOf(target), expected, target);
});

test('what the real clients send parses to upstream values', () => {
  const p = ok(parseClientQuery(`sesion=valid00000userHash&myid=3&devid=1&v=4.08&uuid=${U}&api=js`, DEV_INDEX));
  assert.deepEqual(p, { session: 'valid00000userHash', userId: 3, devId: 1, version: { major: 4, minor: 8 }, legacy: false, uuid: U });
  const v3 = ok(parseClientQuery(`sesion=undefined&myid=undefined&devid=0&v=3.25&uuid=${U}&api=js`, DEV_INDEX));
  assert.deepEqual(v3, { session: 'undefined', userId: 0, devId: 0, version: { major: 3, minor: 25 }, legacy: true, uuid: U });
});

test('field values, table-driven', async (t) => {
  const cases: Array<[string, string, Partial<ReturnType<typeof ok>>]> = [
    ['no percent-decoding; + / = survive', `sesion=a+b/c=d&myid=7&devid=0&v=4.08&uuid=${U}&api=js`, { session: 'a+b/c=d', userId: 7 }],
    ['percent escapes stay escapes', `sesion=a%2Bb&myid=7&devid=0&v=4.08&uuid=${U}`, { session: 'a%2Bb' }],
    ['empty session', `sesion=&myid=7&devid=0&v=4.08&uuid=${U}`, { session: '' }],
    ['leading ? dropped', `?sesion=k&myid=7&devid=0&v=4.08&uuid=${U}`, { session: 'k' }],
    ['anything after a space is cut', `sesion=k&myid=7&devid=0&v=4.08&uuid=${U} HTTP/1.1`, { uuid: U }],
    ['user id with leading zeros', `sesion=k&myid=0007&devid=0&v=4.08&uuid=${U}`, { userId: 7 }],
    ['user id undefined -> 0', `sesion=k&myid=undefined&devid=0&v=4.08&uuid=${U}`, { userId: 0 }],
    ['negative user id -> 0', `sesion=k&myid=-5&devid=0&v=4.08&uuid=${U}`, { userId: 0 }],
    ['user id with garbage -> 0', `sesion=k&myid=5a&devid=0&v=4.08&uuid=${U}`, { userId: 0 }],
    ['user id beyond 2^31-1 -> 0', `sesion=k&myid=2147483648&devid=0&v=4.08&uuid=${U}`, { userId: 0 }],
    ['user id 2^31-1 kept', `sesion=k&myid=2147483647&devid=0&v=4.08&uuid=${U}`, { userId: 2147483647 }],
    ['empty user id -> 0', `sesion=k&myid=&devid=0&v=4.08&uuid=${U}`, { userId: 0 }],
    ['dev id abc -> 0', `sesion=k&myid=1&devid=abc&v=4.08&uuid=${U}`, { devId: 0 }],
    ['dev id at dev_index_size -> 0', `sesion=k&myid=1&devid=100000&v=4.08&uuid=${U}`, { devId: 0 }],
    ['dev id below dev_index_size kept', `sesion=k&myid=1&devid=99999&v=4.08&uuid=${U}`, { devId: 99999 }],
    ['dev id negative -> 0', `sesion=k&myid=1&devid=-1&v=4.08&uuid=${U}`, { devId: 0 }],
    ['parameter names are not checked', `a=k&b=1&c=2&d=4.08&uuid=${U}`, { session: 'k', userId: 1, devId: 2 }],
    ['uuid truncated to 32', `sesion=k&myid=1&devid=0&v=4.08&uuid=${U}EXTRA&api=js`, { uuid: U }],
    ['short uuid stops at &', `sesion=k&myid=1&devid=0&v=4.08&uuid=abc&api=js`, { uuid: 'abc' }],
    ['no uuid= in field 4 -> empty', `sesion=k&myid=1&devid=0&v=4.08&api=js`, { uuid: '' }],
    ['major 3 is legacy', `sesion=k&myid=1&devid=0&v=3.25&uuid=${U}`, { legacy: true }],
    ['major 0 (".08") is legacy', `sesion=k&myid=1&devid=0&v=.08&uuid=${U}`, { legacy: true, version: { major: 0, minor: 8 } }],
    ['major 10 is modern', `sesion=k&myid=1&devid=0&v=10.0&uuid=${U}`, { legacy: false }],
    ['empty minor counts as 0', `sesion=k&myid=1&devid=0&v=4.&uuid=${U}`, { version: { major: 4, minor: 0 } }],
    ['leading zeros in the major', `sesion=k&myid=1&devid=0&v=0004.08&uuid=${U}`, { version: { major: 4, minor: 8 } }],
    ['session may contain =', `sesion=a=b=c&myid=1&devid=0&v=4.08&uuid=${U}`, { session: 'a=b=c' }],
  ];
  for (const [name, query, expected] of cases) {
    await t.test(name, () => {
      const p = ok(parseClientQuery(query, DEV_INDEX));
      for (const [k, v] of Object.entries(expected)) assert.deepEqual((p as unknown as Record<string, unknown>)[k], v, k);
    });
  }
});

test('handshake errors in the order of PROTOCOL 2.5, with their envelope class', async (t) => {
  const cases: Array<[string, string, number, string, boolean]> = [
    ['no = at all', 'sesionx', 401, ClientErrors.noSession, true],
    ['no = in the first field', 'sesion&myid=1&devid=1&v=4.08&uuid=x', 401, ClientErrors.noSession, true],
    ['no 1st &', 'sesion=x', 401, ClientErrors.noUserId, true],
    ['no 2nd &', 'sesion=x&myid=1', 406, ClientErrors.noPublicKey, true],
    ['no 3rd & (no v)', 'sesion=x&myid=0&devid=1', 418, ClientErrors.noVersion, true],
    ['v without a dot', `sesion=x&myid=0&devid=1&v=4&uuid=${U}`, 418, ClientErrors.noVersion, true],
    ['v with letters in the major', `sesion=x&myid=0&devid=1&v=a.1&uuid=${U}`, 418, ClientErrors.noVersion, true],
    ['v without =', `sesion=x&myid=0&devid=1&v&uuid=${U}`, 418, ClientErrors.noVersion, true],
    ['v=4.08 as the last parameter: major known, modern', 'sesion=x&myid=0&devid=1&v=4.08', 418, ClientErrors.noVersion, false],
    ['v=3.25 as the last parameter: legacy', 'sesion=x&myid=0&devid=1&v=3.25', 418, ClientErrors.noVersion, true],
    ['minor with letters, major 4', `sesion=x&myid=0&devid=1&v=4.0b&uuid=${U}`, 418, ClientErrors.noVersion, false],
    ['10 significant major digits', `sesion=x&myid=0&devid=1&v=1234567890.1&uuid=${U}`, 418, ClientErrors.noVersion, true],
    ['10 significant minor digits', `sesion=x&myid=0&devid=1&v=4.1234567890&uuid=${U}`, 418, ClientErrors.noVersion, false],
    ['empty query', '', 401, ClientErrors.noSession, true],
  ];
  for (const [name, query, code, text, legacy] of cases) {
    await t.test(name, () => {
      const r = parseClientQuery(query, DEV_INDEX);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.deepEqual(r.error, { code, text, legacy });
    });
  }
  await t.test('418 text ends with LF', () => assert.ok(ClientErrors.noVersion.endsWith(')\n')));
});
