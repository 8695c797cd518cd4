// One suite for the cluster seams (Broker, PresenceManager), run against every implementation:
// memory always, Redis when TSCOMET_TEST_REDIS is set. Several nodes live in this one process.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Publication } from '../../src/cluster/publication.js';
import type { NodeExpiry } from '../../src/cluster/presence.js';
import { ClusterError } from '../../src/cluster/cluster-error.js';
import { RedisBroker } from '../../src/cluster/redis-broker.js';
import { RedisPresence } from '../../src/cluster/redis-presence.js';
import { clusterSubjects, until, type TestCluster, type TestNode } from './subjects.js';

const pipeMsg = (origin: string, pipe: string, data: string, exclude?: number): Publication => ({
  kind: 'pipe', dev: 0, pipe, event: 'ev', data, time: 1_700_000_000, userId: 7, origin, ...(exclude === undefined ? {} : { exclude }),
});

/** Starts a node whose handler records everything it receives. */
async function started(cluster: TestCluster, id: string, liveness = {}): Promise<TestNode & { got: Publication[] }> {
  const n = cluster.node(id, liveness);
  const got: Publication[] = [];
  n.broker.setHandler((p) => got.push(p));
  await Promise.all([n.broker.start(), n.presence.start()]);
  return Object.assign(n, { got });
}

/** A control message every node receives after everything published before it (same publisher). */
async function flush(from: TestNode, nodes: Array<{ got: Publication[] }>, tag: string): Promise<void> {
  await from.broker.publish({ kind: 'control', dev: 0, op: 'auth.set', origin: from.broker.nodeId, value: tag });
  await until(() => nodes.every((n) => n.got.some((p) => p.kind === 'control' && p.value === tag)), `control ${tag} on every node`);
}

const dataOf = (got: Publication[], pipe: string) => got.flatMap((p) => (p.kind === 'pipe' && p.pipe === pipe ? [p.data] : []));

for (const subject of clusterSubjects()) {
  describe(`Cluster conformance: ${subject.name}`, () => {
    let cluster: TestCluster;
    afterEach(async () => cluster.cleanup());

    it('a pipe publication reaches every subscribed node once, its origin included, and no other node', async () => {
      cluster = subject.cluster();
      const [a, b, c] = [await started(cluster, 'a'), await started(cluster, 'b'), await started(cluster, 'c')];
      await a.broker.subscribe(0, 'web_room');
      await b.broker.subscribe(0, 'web_room');
      await b.broker.subscribe(0, 'web_room'); // idempotent
      await c.broker.subscribe(1, 'web_room'); // same name, other dev_id
      const msg = pipeMsg('a', 'web_room', 'hello', 12);
      assert.equal(await a.broker.publish(msg), 2);
      await flush(a, [a, b, c], 'f1');
      assert.deepEqual(dataOf(a.got, 'web_room'), ['hello']);
      assert.deepEqual(dataOf(b.got, 'web_room'), ['hello']);
      assert.deepEqual(dataOf(c.got, 'web_room'), []);
      assert.deepEqual(b.got.find((p) => p.kind === 'pipe'), msg, 'fields arrive unchanged');
    });

    it('unsubscribe stops delivery to that node only', async () => {
      cluster = subject.cluster();
      const [a, b] = [await started(cluster, 'a'), await started(cluster, 'b')];
      await a.broker.subscribe(0, 'web_x');
      await b.broker.subscribe(0, 'web_x');
      await b.broker.unsubscribe(0, 'web_x');
      await b.broker.unsubscribe(0, 'web_x'); // idempotent
      assert.equal(await b.broker.publish(pipeMsg('b', 'web_x', 'one')), 1);
      await flush(b, [a, b], 'f2');
      assert.deepEqual(dataOf(a.got, 'web_x'), ['one']);
      assert.deepEqual(dataOf(b.got, 'web_x'), []);
    });

    it('a user publication reaches the nodes subscribed to the user, and reports 0 when none is', async () => {
      cluster = subject.cluster();
      const [a, b] = [await started(cluster, 'a'), await started(cluster, 'b')];
      const pm = (user: number): Publication => ({ kind: 'user', dev: 0, user, event: 'msg', data: `to ${user}`, time: 1, origin: 'a' });
      await b.broker.subscribeUser(0, 5);
      assert.equal(await a.broker.publish(pm(5)), 1);
      assert.equal(await a.broker.publish(pm(6)), 0);
      await flush(a, [a, b], 'f3');
      assert.deepEqual(b.got.filter((p) => p.kind === 'user').map((p) => (p.kind === 'user' ? p.data : '')), ['to 5']);
      assert.equal(a.got.filter((p) => p.kind === 'user').length, 0);
      await b.broker.unsubscribeUser(0, 5);
      assert.equal(await a.broker.publish(pm(5)), 0);
    });

    it('pipe members and counts are cluster-wide', async () => {
      cluster = subject.cluster();
      const [a, b] = [await started(cluster, 'a'), await started(cluster, 'b')];
      await a.presence.join(0, 'track_t', { conn: 1, user: 10, uuid: 'u-1' });
      await a.presence.join(0, 'track_t', { conn: 2, user: 0, uuid: 'u-2' });
      await a.presence.join(0, 'track_t', { conn: 2, user: 0, uuid: 'u-2' }); // idempotent
      await b.presence.join(0, 'track_t', { conn: 1, user: 11, uuid: 'u-3' });
      await b.presence.join(3, 'track_t', { conn: 9, user: 12, uuid: 'other-dev' });
      const sorted = async (n: TestNode) => (await n.presence.members(0, 'track_t')).sort((x, y) => x.uuid.localeCompare(y.uuid));
      const expected = [
        { node: 'a', conn: 1, user: 10, uuid: 'u-1' },
        { node: 'a', conn: 2, user: 0, uuid: 'u-2' },
        { node: 'b', conn: 1, user: 11, uuid: 'u-3' },
      ];
      assert.deepEqual(await sorted(a), expected);
      assert.deepEqual(await sorted(b), expected);
      assert.equal(await b.presence.count(0, 'track_t'), 3);
      await a.presence.leave(0, 'track_t', 1);
      await a.presence.leave(0, 'track_t', 1); // idempotent
      assert.equal(await b.presence.count(0, 'track_t'), 2);
      assert.deepEqual((await b.presence.members(0, 'track_t')).map((m) => m.uuid).sort(), ['u-2', 'u-3']);
      assert.equal(await a.presence.count(0, 'web_nobody'), 0);
      assert.deepEqual(await a.presence.members(0, 'web_nobody'), []);
    });

    it('online follows the cluster-wide first connection and last disconnection', async () => {
      cluster = subject.cluster();
      const [a, b] = [await started(cluster, 'a'), await started(cluster, 'b')];
      assert.equal(await a.presence.lastOnline(0, 42), undefined);
      assert.deepEqual(await a.presence.connect(0, 42), { first: true });
      assert.deepEqual(await a.presence.connect(0, 42), { first: false });
      assert.deepEqual(await b.presence.connect(0, 42), { first: false });
      assert.deepEqual(await a.presence.userNodes(0, 42), new Map([['a', 2], ['b', 1]]));
      assert.equal(await b.presence.lastOnline(0, 42), 0);
      assert.deepEqual(await a.presence.disconnect(0, 42, 1000), { last: false });
      assert.deepEqual(await a.presence.disconnect(0, 42, 1001), { last: false });
      assert.deepEqual(await a.presence.disconnect(0, 42, 1001), { last: false }, 'no connection left on a');
      assert.deepEqual(await b.presence.disconnect(0, 42, 1002), { last: true });
      assert.deepEqual(await a.presence.userNodes(0, 42), new Map());
      assert.equal(await a.presence.lastOnline(0, 42), 1002);
      assert.deepEqual(await b.presence.connect(0, 42), { first: true });
      assert.equal(await a.presence.lastOnline(0, 42), 0);
      assert.deepEqual(await b.presence.connect(1, 42), { first: true }, 'per dev_id');
    });

    it("a node that stops refreshing disappears: its entries expire and one live node reports them", async () => {
      cluster = subject.cluster();
      const fast = { heartbeatMs: 50, nodeTtlMs: 300 };
      const [a, b, c] = [await started(cluster, 'a', fast), await started(cluster, 'b', fast), await started(cluster, 'c', fast)];
      const expiries: Array<NodeExpiry & { by: string }> = [];
      for (const n of [a, b]) n.presence.setExpiryHandler((e) => expiries.push({ ...e, by: n.presence.nodeId }));
      await a.presence.join(0, 'track_k', { conn: 1, user: 1, uuid: 'from-a' });
      await c.presence.join(0, 'track_k', { conn: 4, user: 2, uuid: 'from-c' });
      await c.presence.connect(0, 2); // only on c
      await c.presence.connect(0, 3);
      await a.presence.connect(0, 3); // also on a
      assert.equal(await a.presence.count(0, 'track_k'), 2);
      await Promise.all([c.broker.close(), c.presence.close()]); // like SIGKILL: nothing removed
      await until(async () => (await a.presence.count(0, 'track_k')) === 1, 'c expired from the count');
      assert.deepEqual((await b.presence.members(0, 'track_k')).map((m) => m.uuid), ['from-a']);
      await until(() => expiries.length > 0, 'an expiry report');
      await new Promise((r) => setTimeout(r, 200)); // a second report would arrive within a few heartbeats
      assert.equal(expiries.length, 1, 'exactly one node sweeps');
      const e = expiries[0]!;
      assert.equal(e.node, 'c');
      assert.deepEqual(e.members, [{ dev: 0, pipe: 'track_k', member: { conn: 4, user: 2, uuid: 'from-c' } }]);
      assert.deepEqual(e.offline, [{ dev: 0, user: 2 }], 'user 3 is still online on a');
      assert.deepEqual(await a.presence.userNodes(0, 2), new Map());
      assert.equal(typeof (await b.presence.lastOnline(0, 2)), 'number');
      assert.notEqual(await b.presence.lastOnline(0, 2), 0);
      assert.deepEqual(await b.presence.userNodes(0, 3), new Map([['a', 1]]));
    });

    it('a node that starts late sees the current state', async () => {
      cluster = subject.cluster();
      const a = await started(cluster, 'a');
      await a.presence.join(0, 'web_late', { conn: 1, user: 1, uuid: 'x' });
      await a.presence.connect(0, 8);
      const late = await started(cluster, 'late');
      assert.equal(await late.presence.count(0, 'web_late'), 1);
      assert.deepEqual(await late.presence.connect(0, 8), { first: false });
    });

    it('a closed node rejects every call with a ClusterError', async () => {
      cluster = subject.cluster();
      const a = await started(cluster, 'a');
      await Promise.all([a.broker.close(), a.presence.close()]);
      assert.equal(a.broker.healthy, false);
      assert.equal(a.broker.state, 'closed');
      const closed = (err: unknown) => err instanceof ClusterError && err.code === 'closed';
      await assert.rejects(a.broker.publish(pipeMsg('a', 'web_x', 'late')), closed);
      await assert.rejects(a.broker.subscribe(0, 'web_x'), closed);
      await assert.rejects(a.presence.join(0, 'web_x', { conn: 1, user: 0, uuid: '' }), closed);
      await assert.rejects(a.presence.connect(0, 1), closed);
    });
  });
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('Cluster on Redis: unreachable', () => {
  it('every call rejects promptly with ClusterError "unavailable", and the state says so', async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const opts = { url, nodeId: 'lonely', connectTimeoutMs: 300, reconnectMaxMs: 100 };
    const broker = new RedisBroker(opts);
    const presence = new RedisPresence(opts);
    const states: string[] = [];
    broker.on('state', (s) => states.push(s));
    try {
      const unavailable = (err: unknown) => err instanceof ClusterError && err.code === 'unavailable';
      await assert.rejects(broker.start(), unavailable);
      await assert.rejects(presence.start(), unavailable);
      assert.equal(broker.healthy, false);
      assert.equal(presence.healthy, false);
      await assert.rejects(broker.publish(pipeMsg('lonely', 'web_x', 'm')), unavailable);
      await assert.rejects(broker.subscribe(0, 'web_x'), unavailable);
      await broker.unsubscribe(0, 'web_x'); // takes effect locally at once
      await assert.rejects(presence.join(0, 'web_x', { conn: 1, user: 1, uuid: 'u' }), unavailable);
      await assert.rejects(presence.count(0, 'web_x'), unavailable);
      await assert.rejects(presence.connect(0, 1), unavailable);
      await assert.rejects(presence.userNodes(0, 1), unavailable);
      assert.ok(!states.includes('ready'));
    } finally {
      await Promise.all([broker.close(), presence.close()]);
    }
    assert.equal(broker.state, 'closed');
  });
});
