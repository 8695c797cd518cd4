// The benchmark's own pure pieces: percentiles, message bodies, browser URLs (the figures in
// docs/PERFORMANCE.md depend on them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nearestRank, summarize } from '../../bench/lib/percentiles.js';
import { encodeBody, decodeBody, extractData, bareEnvelope } from '../../bench/lib/message-body.js';
import { benchUuid, browserPath, subscriptionFrame } from '../../bench/lib/browser-url.js';
import { parseClientQuery, wsQueryOf } from '../../src/client-protocol/url.js';
import { pipeMessage } from '../../src/client-protocol/messages.js';

test('nearest-rank percentiles over exact samples', () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(nearestRank(sorted, 0.5), 50);
  assert.equal(nearestRank(sorted, 0.99), 99);
  assert.equal(nearestRank(sorted, 1), 100);
  assert.equal(nearestRank(sorted, 0), 1);
  assert.ok(Number.isNaN(nearestRank(new Float64Array(0), 0.5)));
  const s = summarize(Float64Array.from([5, 1, 3, 2, 4]));
  assert.deepEqual({ p50: s.p50, max: s.max, mean: s.mean, samples: s.samples }, { p50: 3, max: 5, mean: 3, samples: 5 });
});

test('message bodies round-trip and are found in a TsComet frame and a bare-ws frame alike', () => {
  const body = encodeBody('m', 42, 1234.5678);
  assert.deepEqual(decodeBody(body), { tag: 'm', seq: 42, sendMs: 1234.568 });
  assert.equal(decodeBody('nonsense'), undefined);
  const tscomet = pipeMessage('bench_pipe', 'e', body, 1700000000).json(false);
  assert.equal(extractData(tscomet), body);
  const bare = bareEnvelope('bench_pipe', 'e', body);
  assert.equal(extractData(bare), body);
  assert.equal(Buffer.byteLength(bare), Buffer.byteLength(tscomet), 'bare ws sends frames of the same size');
});

test('bench URLs are what a v4.08 browser sends and parse as TsComet expects', () => {
  assert.equal(benchUuid(7).length, 32);
  assert.notEqual(benchUuid(7), benchUuid(8));
  const query = wsQueryOf(browserPath(3, 'user', 1000));
  assert.ok(query !== undefined);
  const parsed = parseClientQuery(query, 100000);
  assert.ok(parsed.ok);
  if (parsed.ok) {
    assert.equal(parsed.params.userId, 1003);
    assert.equal(parsed.params.legacy, false);
    assert.equal(parsed.params.uuid, benchUuid(3));
  }
  assert.equal(subscriptionFrame(9, { kind: 'ring', prefix: 'p', pipes: 10 }), 'subscription\np9\np0');
  assert.equal(subscriptionFrame(1, { kind: 'none' }), undefined);
});
