// Issue 9 #9: [ws] subscription_rate bounds one connection's subscription changes (and so its
// track_ announcements) per second; over it only the latest list waits for the shared sweep.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../helpers/core-fixture.js';
import { DEFAULT_LIMITS } from '../../src/core/comet.js';

test('subscription_rate: 2000 re-subscriptions announce at most rate per second; the latest list wins', async () => {
  const f = fixture({ limits: { ...DEFAULT_LIMITS, subscriptionRate: 3 } });
  const member = await f.connect({ uuid: 'M'.repeat(32) });
  f.core.requestSubscriptions(member.conn, ['track_t']);
  const storm = await f.connect({ uuid: 'S'.repeat(32) });
  for (let i = 0; i < 2000; i++) f.core.requestSubscriptions(storm.conn, ['track_t', `web_${i}`]);
  const announced = () => member.link.parsed().filter((m) => m.pipe === 'track_t' && (m.data as { uuid?: string } | undefined)?.uuid === 'S'.repeat(32)).length;
  assert.equal(announced(), 1 + 2 * 2, 'the first three lists: a join, then two re-subscriptions (leave + join each)');
  assert.deepEqual([...storm.conn.subscriptions], ['track_t', 'web_2']);
  f.core.applyDeferredSubscriptions(); // same second: still no budget
  assert.equal(announced(), 5);
  f.clock.now++;
  f.core.applyDeferredSubscriptions();
  assert.deepEqual([...storm.conn.subscriptions], ['track_t', 'web_1999'], 'the latest list, intermediate ones skipped');
  assert.equal(announced(), 7);
  f.core.applyDeferredSubscriptions();
  assert.equal(announced(), 7, 'applied once');
  for (let i = 0; i < 5; i++) f.core.requestSubscriptions(storm.conn, ['web_late']);
  f.core.close(storm.conn); // a closed connection's deferred list is dropped
  f.clock.now++;
  f.core.applyDeferredSubscriptions();
  assert.deepEqual([...storm.conn.subscriptions], []);
});

test('subscription_rate 0: unlimited', async () => {
  const f = fixture({ limits: { ...DEFAULT_LIMITS, subscriptionRate: 0 } });
  const member = await f.connect({ uuid: 'M'.repeat(32) });
  f.core.requestSubscriptions(member.conn, ['track_t']);
  const storm = await f.connect({ uuid: 'S'.repeat(32) });
  for (let i = 0; i < 50; i++) f.core.requestSubscriptions(storm.conn, ['track_t']);
  assert.equal(member.link.parsed().filter((m) => m.pipe === 'track_t').length, 1 + 2 * 49);
});
