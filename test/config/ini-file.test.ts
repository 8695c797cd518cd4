import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIni } from '../../src/config/ini-file.js';
import { buildConfig, cInt, cBool, ConfigError } from '../../src/config/config.js';

const value = (text: string, section: string, key: string) => parseIni(text).sections.get(section)?.values.get(key);

test('comet.ini rules of CppComet (SERVER.md 1.2)', async (t) => {
  const cases: Array<[string, string, string, string, string | undefined]> = [
    ['inline ; comment is cut', '[main]\npassword = abc ; comment', 'main', 'password', 'abc'],
    ['inline # comment is cut', '[main]\npassword = abc#x', 'main', 'password', 'abc'],
    ['column-0 ; line is a comment', '[main]\n;password = x', 'main', 'password', undefined],
    ['indented ; line is not a comment', '[main]\n  ;password = x', 'main', ';password', 'x'],
    ['names are case-sensitive', '[Main]\npassword = x', 'main', 'password', undefined],
    ['BOM before a header is stripped', '\ufeff[main]\npassword = x', 'main', 'password', 'x'],
    ['CRLF line ends', '[main]\r\npassword = x\r\n', 'main', 'password', 'x'],
    ['value keeps = signs', '[main]\npassword = a=b', 'main', 'password', 'a=b'],
    ['key = with nothing after is ignored', '[main]\npassword =', 'main', 'password', undefined],
    ['key = plus a space is the empty string', '[main]\npassword = ', 'main', 'password', ''],
    ['last duplicate wins', '[main]\nnode_name = a\nnode_name = b', 'main', 'node_name', 'b'],
    ['header with trailing spaces', '[ws]   \nport = 1', 'ws', 'port', '1'],
  ];
  for (const [name, text, section, key, expected] of cases) {
    await t.test(name, () => assert.equal(value(text, section, key), expected));
  }
});

test('[] list values append, an empty value clears', () => {
  const ini = parseIni('[ws]\ncluster = []a\ncluster = []b\n[x]\nk = []1\nk = \nk = []2');
  assert.deepEqual(ini.sections.get('ws')!.lists.get('cluster'), ['a', 'b']);
  assert.deepEqual(ini.sections.get('x')!.lists.get('k'), ['2']);
});

test('keys before any section are reported', () => {
  const ini = parseIni('password = x\n[main]');
  assert.equal(ini.warnings.length, 1);
  assert.match(ini.warnings[0], /before any \[section\]/);
});

test('C-style int and bool conversions', () => {
  assert.equal(cInt('30 abc', 0), 30);
  assert.equal(cInt(' -5', 0), -5);
  assert.equal(cInt('abc', 7), 7);
  assert.equal(cBool('True', false), true);
  assert.equal(cBool('1', true), false);
  assert.equal(cBool(undefined, true), true);
});

test('defaults follow upstream; cometql port defaults to 3300', () => {
  const c = buildConfig(parseIni('[main]\npassword = p\n[ws]\nthread_num = 1\n[cometql]\nthread_num = 1'), 'x.ini', '/tmp');
  assert.equal(c.ws.port, 8087);
  assert.equal(c.cometql.port, 3300);
  assert.equal(c.main.nodeName, 'NoName');
  assert.equal(c.main.devIndexSize, 100000);
  assert.equal(c.main.sendUserOnlineEvents, true);
  assert.equal(c.db.driver, 'sqlite');
  assert.deepEqual(c.ws.allowedOrigins, []);
});

test('a [db] section without a required key is a config error', () => {
  assert.throws(() => buildConfig(parseIni('[db]\nhost = h\nport = 1\nuser = u'), 'x.ini'), ConfigError);
});

test('unknown keys and a missing password are warned about, not fatal', () => {
  const c = buildConfig(parseIni('[main]\nfoo = 1\n[ws]\nhost = a.com, b.com'), 'x.ini');
  assert.ok(c.warnings.some((w) => w.includes('unknown key [main] foo')));
  assert.ok(c.warnings.some((w) => w.includes('password is not set')));
  assert.deepEqual(c.ws.allowedOrigins, ['a.com', 'b.com']);
});
