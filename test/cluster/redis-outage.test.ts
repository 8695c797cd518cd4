// Redis outages, through a TCP proxy that can cut one node off (the shared Redis keeps running):
// calls reject at once while cut, the node reconnects and resubscribes by itself (subscriptions
// asked for during the outage included), and rewrites its presence, even after being swept.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Publication } from '../../src/cluster/publication.js';
import type { NodeExpiry } from '../../src/cluster/presence.js';
import { ClusterError } from '../../src/cluster/cluster-error.js';
import { RedisBroker } from '../../src/cluster/redis-broker.js';
import { RedisPresence } from '../../src/cluster/redis-presence.js';
import { MysqlProxy } from '../helpers/mysql-proxy.js';
import { deleteKeys, redisUrl, uniquePrefix, until } from './subjects.js';

const url = redisUrl();

describe('Cluster on Redis: outages', { skip: url ? false : 'TSCOMET_TEST_REDIS is not set (CI sets it)' }, () => {
  let proxy: MysqlProxy;
  let proxied: string;
  const parts: Array<{ close(): Promise<void> }> = [];
  const prefixes: string[] = [];

  before(async () => {
    const u = new URL(url!);
    proxy = await MysqlProxy.start(u.hostname, Number(u.port || 6379));
    u.host = `127.0.0.1:${proxy.port}`;
    proxied = u.toString();
  });
  after(async () => {
    for (const p of parts) await p.close();
    await proxy.close();
    for (const p of prefixes) await deleteKeys(url!, p);
  });

  /** A node (broker + presence) on `target`, recording what it receives. */
  async function node(target: string, nodeId: string, prefix: string, liveness: { heartbeatMs: number; nodeTtlMs: number }) {
    const opts = { url: target, nodeId, prefix, connectTimeoutMs: 3_000, reconnectMaxMs: 50, ...liveness };
    const broker = new RedisBroker(opts);
    const presence = new RedisPresence(opts);
    parts.push(broker, presence);
    const got: Publication[] = [];
    broker.setHandler((p) => got.push(p));
    await Promise.all([broker.start(), presence.start()]);
    return { broker, presence, got };
  }

  const msg = (pipe: string, data: string): Publication => ({ kind: 'pipe', dev: 0, pipe, event: 'e', data, time: 1, userId: 0, origin: 'direct' });
  const unavailable = (err: unknown) => err instanceof ClusterError && err.code === 'unavailable';

  it('while cut off every call rejects; afterwards the node resubscribes and rewrites its presence by itself', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const slow = { heartbeatMs: 50, nodeTtlMs: 10_000 }; // not swept during this outage
    const cut = await node(proxied, 'cut', prefix, slow);
    const direct = await node(url!, 'direct', prefix, slow);
    await cut.broker.subscribe(0, 'web_before');
    await cut.presence.join(0, 'web_before', { conn: 1, user: 1, uuid: 'a' });

    proxy.cut();
    await until(() => cut.broker.state === 'down' && cut.presence.state === 'down', 'the cut node to report down');
    await assert.rejects(cut.broker.publish(msg('web_before', 'lost')), unavailable);
    await assert.rejects(cut.broker.subscribe(0, 'web_during'), unavailable);
    await assert.rejects(cut.presence.join(0, 'web_during', { conn: 2, user: 2, uuid: 'b' }), unavailable);
    await assert.rejects(cut.presence.count(0, 'web_before'), unavailable);
    assert.equal(direct.broker.healthy, true, 'the other node is unaffected');

    proxy.restore();
    await until(() => cut.broker.healthy && cut.presence.healthy, 'the cut node to reconnect');
    for (const pipe of ['web_before', 'web_during']) {
      await until(async () => {
        await direct.broker.publish(msg(pipe, pipe));
        return cut.got.some((p) => p.kind === 'pipe' && p.data === pipe);
      }, `delivery on ${pipe} after the reconnection`);
    }
    await until(async () => (await direct.presence.count(0, 'web_during')) === 1, 'the join made during the outage to be written');
    assert.equal(await direct.presence.count(0, 'web_before'), 1);
  });

  it('a node cut off longer than the TTL is swept, then comes back with its entries', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const fast = { heartbeatMs: 50, nodeTtlMs: 300 };
    const cut = await node(proxied, 'cut', prefix, fast);
    const direct = await node(url!, 'direct', prefix, fast);
    const expiries: NodeExpiry[] = [];
    direct.presence.setExpiryHandler((e) => expiries.push(e));
    await cut.presence.join(0, 'track_back', { conn: 3, user: 9, uuid: 'c' });
    await cut.presence.connect(0, 9);

    proxy.cut();
    await until(() => expiries.length === 1, 'the other node to sweep the cut one');
    assert.deepEqual(expiries[0]!.offline, [{ dev: 0, user: 9 }]);
    assert.equal(await direct.presence.count(0, 'track_back'), 0);

    proxy.restore();
    await until(async () => (await direct.presence.count(0, 'track_back')) === 1, 'the member to be rewritten');
    assert.deepEqual(await direct.presence.userNodes(0, 9), new Map([['cut', 1]]));
    assert.equal(await direct.presence.lastOnline(0, 9), 0);
  });
});
