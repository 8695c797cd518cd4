// The cluster implementations the conformance suite runs against: memory always, Redis when
// TSCOMET_TEST_REDIS=redis://host:port/db is set (.ci/run sets it). Each test gets a fresh "cluster"
// (a memory bus and store, or a unique Redis key prefix) in which it starts nodes.
import { createClient } from 'redis';
import type { Broker } from '../../src/cluster/broker.js';
import type { PresenceManager, LivenessOptions } from '../../src/cluster/presence.js';
import { MemoryBroker, MemoryBus } from '../../src/cluster/memory-broker.js';
import { MemoryPresence, MemoryPresenceStore } from '../../src/cluster/memory-presence.js';
import { RedisBroker } from '../../src/cluster/redis-broker.js';
import { RedisPresence } from '../../src/cluster/redis-presence.js';

export interface TestNode {
  readonly broker: Broker;
  readonly presence: PresenceManager;
}

export interface TestCluster {
  node(id: string, liveness?: LivenessOptions): TestNode;
  /** Close every node and remove what the cluster left behind. */
  cleanup(): Promise<void>;
}

export interface ClusterSubject {
  readonly name: string;
  cluster(): TestCluster;
}

export const memorySubject: ClusterSubject = {
  name: 'memory',
  cluster() {
    const bus = new MemoryBus();
    const store = new MemoryPresenceStore();
    const nodes: TestNode[] = [];
    return {
      node(id, liveness = {}) {
        const n = { broker: new MemoryBroker({ nodeId: id, bus }), presence: new MemoryPresence({ nodeId: id, store, ...liveness }) };
        nodes.push(n);
        return n;
      },
      async cleanup() {
        for (const n of nodes) await Promise.all([n.broker.close(), n.presence.close()]);
      },
    };
  },
};

let runs = 0;

/** A key prefix no other test run uses. */
export function uniquePrefix(): string {
  return `tscomet-test-${process.pid}-${Date.now()}-${runs++}`;
}

export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const c = createClient({ url });
  await c.connect();
  try {
    for await (const keys of c.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length > 0) await c.del(keys);
  } finally {
    c.destroy();
  }
}

export function redisSubject(url: string): ClusterSubject {
  return {
    name: 'redis',
    cluster() {
      const prefix = uniquePrefix();
      const nodes: TestNode[] = [];
      return {
        node(id, liveness = {}) {
          const opts = { url, nodeId: id, prefix, connectTimeoutMs: 3_000, ...liveness };
          const n = { broker: new RedisBroker(opts), presence: new RedisPresence(opts) };
          nodes.push(n);
          return n;
        },
        async cleanup() {
          for (const n of nodes) await Promise.all([n.broker.close(), n.presence.close()]);
          await deleteKeys(url, prefix);
        },
      };
    },
  };
}

export function redisUrl(): string | undefined {
  return process.env.TSCOMET_TEST_REDIS || undefined;
}

export function clusterSubjects(): ClusterSubject[] {
  const url = redisUrl();
  if (!url) console.log('# cluster: TSCOMET_TEST_REDIS is not set; the Redis implementations are skipped (CI sets it)');
  return url ? [memorySubject, redisSubject(url)] : [memorySubject];
}

/** Wait until `check` holds, polling; fails the test after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
