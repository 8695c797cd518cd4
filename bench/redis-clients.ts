// ioredis vs node-redis (`redis`) on the two paths the cluster broker depends on (docs/DESIGN.md,
// "Cluster: choice of Redis client"): PUBLISH -> subscriber message (throughput and latency, one
// process), and resubscribing N channels after CLIENT KILL and after a redis-server restart.
// Runs its own redis-server on a spare port so it never disturbs a shared one.
// Usage: node dist-test/bench/redis-clients.js [messages=30000] [channels=1000]
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { summarize } from './lib/percentiles.js';

const MESSAGES = Number(process.argv[2] ?? 30_000);
const CHANNELS = Number(process.argv[3] ?? 1_000);
const WINDOW = 64; // publishes in flight, like a busy node
const RETRY_MS = 20; // the same fixed reconnect delay for both clients

type OnMessage = (channel: string, message: string) => void;

interface Subject {
  readonly name: string;
  publish(channel: string, message: string): Promise<number>;
  subscribe(channels: string[], onMessage: OnMessage): Promise<void>;
  close(): Promise<void>;
}

async function ioredisSubject(port: number, enableAutoPipelining = false): Promise<Subject> {
  const opts = { port, host: '127.0.0.1', enableOfflineQueue: false, enableAutoPipelining, maxRetriesPerRequest: 0, retryStrategy: () => RETRY_MS, lazyConnect: true };
  const pub = new Redis(opts);
  const sub = new Redis(opts);
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    name: enableAutoPipelining ? 'ioredis (autopipelining)' : 'ioredis',
    publish: (c, m) => pub.publish(c, m),
    async subscribe(channels, onMessage) {
      sub.on('message', onMessage);
      await sub.subscribe(...channels);
    },
    async close() {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

async function nodeRedisSubject(port: number): Promise<Subject> {
  const opts = { url: `redis://127.0.0.1:${port}`, disableOfflineQueue: true, socket: { reconnectStrategy: () => RETRY_MS } };
  const pub = createClient(opts);
  const sub = createClient(opts);
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    name: 'node-redis',
    publish: (c, m) => pub.publish(c, m),
    async subscribe(channels, onMessage) {
      await sub.subscribe(channels, (message, channel) => onMessage(channel, message));
    },
    async close() {
      pub.destroy();
      sub.destroy();
    },
  };
}

const FACTORIES = [(port: number) => ioredisSubject(port), (port: number) => ioredisSubject(port, true), nodeRedisSubject];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(async () => {
    const c = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    c.on('error', () => {});
    try {
      await c.connect();
      return (await c.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      c.disconnect();
    }
  }, 10_000);
  return p;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('timed out');
}

async function publishPath(s: Subject): Promise<string> {
  const latencies = new Float64Array(MESSAGES);
  let received = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  await s.subscribe(['bench:pub'], (_c, m) => {
    const i = m.indexOf(' ');
    latencies[received++] = Number(process.hrtime.bigint() - BigInt(m.slice(0, i))) / 1e6;
    if (received === MESSAGES) done();
  });
  const body = 'x'.repeat(100);
  const start = process.hrtime.bigint();
  let sent = 0;
  const lane = async () => {
    while (sent < MESSAGES) {
      sent++;
      await s.publish('bench:pub', `${process.hrtime.bigint()} ${body}`);
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  await all;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const l = summarize(latencies);
  return `publish->message ${s.name}: ${Math.round(MESSAGES / seconds)} msg/s, p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(2)} ms`;
}

async function subscribedCount(admin: Redis): Promise<number> {
  return ((await admin.pubsub('CHANNELS', 'bench:re:*')) as string[]).length;
}

async function resubscribe(factory: (port: number) => Promise<Subject>, port: number, how: 'kill' | 'restart', redis: { proc: ChildProcess }): Promise<string> {
  const s = await factory(port);
  const channels = Array.from({ length: CHANNELS }, (_, i) => `bench:re:${i}`);
  await s.subscribe(channels, () => {});
  let admin = new Redis({ port, maxRetriesPerRequest: 0, retryStrategy: () => RETRY_MS });
  admin.on('error', () => {});
  await waitFor(async () => (await subscribedCount(admin)) === CHANNELS, 10_000);
  let start: bigint;
  if (how === 'kill') {
    start = process.hrtime.bigint();
    await admin.client('KILL', 'TYPE', 'pubsub');
  } else {
    admin.disconnect();
    redis.proc.kill('SIGKILL');
    await new Promise((r) => redis.proc.once('exit', r));
    redis.proc = await startRedis(port);
    start = process.hrtime.bigint(); // from "the new server answers"
    admin = new Redis({ port, maxRetriesPerRequest: 0 });
    admin.on('error', () => {});
  }
  await waitFor(async () => {
    try {
      return (await subscribedCount(admin)) === CHANNELS;
    } catch {
      return false;
    }
  }, 20_000);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  admin.disconnect();
  await s.close();
  return `resubscribe ${CHANNELS} channels after ${how === 'kill' ? 'CLIENT KILL' : 'redis-server restart'} ${s.name}: ${ms.toFixed(1)} ms (reconnect delay ${RETRY_MS} ms)`;
}

async function main(): Promise<void> {
  const port = await freePort();
  const redis = { proc: await startRedis(port) };
  try {
    for (const f of FACTORIES) {
      const s = await f(port);
      console.log(await publishPath(s));
      await s.close();
    }
    for (const how of ['kill', 'restart'] as const) for (const f of FACTORIES) console.log(await resubscribe(f, port, how, redis));
  } finally {
    redis.proc.kill('SIGKILL');
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
