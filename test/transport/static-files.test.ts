import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { resolveStaticFile } from '../../src/transport/static-files.js';

const TYPES = new Map([
  ['js', 'application/javascript'],
  ['css', 'text/css'],
  ['png', 'image/png'],
  ['html', 'text/html'],
]);
const BASE = '/srv/www';

test('static file resolution fixes upstream quirks (SERVER.md 3.9)', async (t) => {
  const cases: Array<[string, string, string | undefined, string | undefined]> = [
    ['plain file', '/app.js', resolve(BASE, 'app.js'), 'application/javascript; charset=UTF-8'],
    ['query string stripped', '/app.js?v=2', resolve(BASE, 'app.js'), 'application/javascript; charset=UTF-8'],
    ['/comet-server prefix stripped', '/comet-server/app.js', resolve(BASE, 'app.js'), 'application/javascript; charset=UTF-8'],
    ['nested path', '/js/lib/CometServerApi.js', resolve(BASE, 'js/lib/CometServerApi.js'), 'application/javascript; charset=UTF-8'],
    ['percent-decoded', '/my%20file.css', resolve(BASE, 'my file.css'), 'text/css; charset=UTF-8'],
    ['binary type gets no charset', '/logo.png', resolve(BASE, 'logo.png'), 'image/png'],
    ['unknown extension', '/data.bin', undefined, undefined],
    ['no extension', '/README', undefined, undefined],
    ['extension lookup is case-sensitive', '/APP.JS', undefined, undefined],
    ['.. refused', '/../etc/passwd.js', undefined, undefined],
    ['encoded .. refused', '/%2e%2e/etc/x.js', undefined, undefined],
    ['encoded slash + .. refused', '/a/..%2f..%2fx.js', undefined, undefined],
    ['backslash refused', '/a%5c..%5cx.js', undefined, undefined],
    ['NUL refused', '/a.js%00.png', undefined, undefined],
    ['broken escape', '/%E0%A4%A.js', undefined, undefined],
    ['prefix lookalike is not stripped', '/comet-serverx/app.js', resolve(BASE, 'comet-serverx/app.js'), 'application/javascript; charset=UTF-8'],
  ];
  for (const [name, target, file, type] of cases) {
    await t.test(name, () => {
      const r = resolveStaticFile(BASE, target, TYPES);
      assert.equal(r?.file, file);
      assert.equal(r?.contentType, type);
    });
  }
});

test('no base_dir: static serving off', () => {
  assert.equal(resolveStaticFile('', '/app.js', TYPES), undefined);
});
