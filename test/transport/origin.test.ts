import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOriginAllowed, originHost } from '../../src/transport/origin.js';

test('Origin host extraction', () => {
  const cases: Array<[string, string | undefined]> = [
    ['https://Example.com', 'example.com'],
    ['http://example.com:8080', 'example.com:8080'],
    ['https://example.com/path?q', 'example.com'],
    ['example.com', 'example.com'],
    ['null', undefined],
    ['', undefined],
    ['https://user@example.com', 'example.com'],
  ];
  for (const [origin, expected] of cases) assert.equal(originHost(origin), expected, origin);
});

test('allow-list per PROTOCOL 2.4.2 REC (exact host, optional *.suffix)', async (t) => {
  const cases: Array<[string, readonly string[], string | undefined, boolean]> = [
    ['no list: everything', [], undefined, true],
    ['no list: any origin', [], 'https://evil.com', true],
    ['exact match', ['example.com'], 'https://example.com', true],
    ['case-insensitive', ['Example.COM'], 'https://EXAMPLE.com', true],
    ['entry without port matches any port', ['example.com'], 'http://example.com:8080', true],
    ['entry with port needs that port', ['example.com:8080'], 'http://example.com:8080', true],
    ['entry with port, other port', ['example.com:8080'], 'http://example.com:9090', false],
    ['entry with port, no port', ['example.com:8080'], 'http://example.com', false],
    ['prefix is not a match (upstream bug not copied)', ['example.com'], 'https://example.com.evil.net', false],
    ['subdomain is not an exact match', ['example.com'], 'https://www.example.com', false],
    ['other host', ['example.com'], 'https://evil.com', false],
    ['missing Origin while a list is active', ['example.com'], undefined, false],
    ['Origin null', ['example.com'], 'null', false],
    ['wildcard subdomain', ['*.example.com'], 'https://www.example.com', true],
    ['wildcard deeper subdomain', ['*.example.com'], 'https://a.b.example.com', true],
    ['wildcard does not match the bare domain', ['*.example.com'], 'https://example.com', false],
    ['wildcard does not match a lookalike', ['*.example.com'], 'https://badexample.com', false],
    ['second entry matches', ['a.com', 'b.com'], 'https://b.com', true],
    ['entry written with a scheme', ['https://example.com'], 'https://example.com', true],
  ];
  for (const [name, list, origin, expected] of cases) await t.test(name, () => assert.equal(isOriginAllowed(list, origin), expected));
});
