// One node-redis connection as the cluster parts use it: no offline queue (a call while Redis is
// down rejects at once), a deadline on every command, reconnection with capped backoff, and the
// connection state reported through HealthState (docs/DESIGN.md, "Cluster: choice of Redis client").
import { createHash } from 'node:crypto';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { ClusterError } from './cluster-error.js';
import { HealthState } from './health.js';
import type { ClusterLog } from './log.js';

export interface RedisLinkOptions {
  /** redis:// or rediss:// URL; password and database number in the URL. */
  readonly url: string;
  /** How long start() waits for the first connection (default 5 000 ms); the link keeps trying after. */
  readonly connectTimeoutMs?: number;
  /** Deadline of each command (default 2 000 ms). */
  readonly commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 2 000 ms). */
  readonly reconnectMaxMs?: number;
  readonly log?: ClusterLog;
}

export type RedisClient = RedisClientType;

export class RedisLink extends HealthState {
  readonly client: RedisClient;
  private readonly connectTimeoutMs: number;
  private readonly log: ClusterLog | undefined;
  private lastError: string | undefined;

  /** `name` is set with CLIENT SETNAME, so CLIENT LIST shows which node and role a connection is. */
  constructor(
    readonly role: string,
    opts: RedisLinkOptions,
    name: string,
  ) {
    super('connecting');
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5_000;
    this.log = opts.log;
    const reconnectMaxMs = opts.reconnectMaxMs ?? 2_000;
    const client: RedisClient = createClient({
      url: opts.url,
      name: `${name}:${role}`,
      disableOfflineQueue: true,
      pingInterval: 5_000, // finds a silently dead socket
      socket: { connectTimeout: this.connectTimeoutMs, reconnectStrategy: (retries: number) => Math.min(20 * 2 ** retries, reconnectMaxMs) },
    });
    this.client = client.withCommandOptions({ timeout: opts.commandTimeoutMs ?? 2_000 }) as unknown as RedisClient;
    client.on('ready', () => this.changed('ready'));
    client.on('reconnecting', () => this.changed('down'));
    client.on('end', () => this.changed('closed'));
    client.on('error', (err: Error) => {
      this.lastError = err.message;
      if (this.state === 'ready') this.changed('down');
    });
  }

  /** Connect; resolves once ready, rejects after connectTimeoutMs (the link keeps reconnecting). */
  async start(): Promise<void> {
    if (this.state === 'closed') throw new ClusterError('closed');
    this.client.connect().catch(() => {}); // failures surface as state changes and 'error'
    if (this.healthy) return;
    await new Promise<void>((resolve, reject) => {
      const done = (state: string) => {
        if (state !== 'ready' && state !== 'closed') return;
        clearTimeout(timer);
        this.off('state', done);
        if (state === 'ready') resolve();
        else reject(new ClusterError('closed'));
      };
      const timer = setTimeout(() => {
        this.off('state', done);
        reject(new ClusterError('unavailable'));
      }, this.connectTimeoutMs);
      this.on('state', done);
    });
  }

  /** Run commands on the client; rejects with a ClusterError at once while not connected. */
  async call<T>(fn: (c: RedisClient) => Promise<T>): Promise<T> {
    if (this.state === 'closed') throw new ClusterError('closed');
    if (!this.healthy) throw new ClusterError('unavailable');
    try {
      return await fn(this.client);
    } catch (err) {
      throw toClusterError(err);
    }
  }

  /** Run a Lua script by SHA, loading it on NOSCRIPT (after a Redis restart or on first use). */
  script<T>(s: LuaScript, keys: string[], args: string[]): Promise<T> {
    return this.call(async (c) => {
      try {
        return (await c.evalSha(s.sha, { keys, arguments: args })) as T;
      } catch (err) {
        if (!(err instanceof ErrorReply) || !err.message.startsWith('NOSCRIPT')) throw err;
        return (await c.eval(s.source, { keys, arguments: args })) as T;
      }
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.changed('closed');
    this.client.destroy();
  }

  private changed(state: 'ready' | 'down' | 'closed'): void {
    if (state === this.state) return;
    if (state === 'down') this.log?.warn({ role: this.role, error: this.lastError }, 'cluster: Redis connection lost, reconnecting');
    if (state === 'ready' && this.state === 'down') this.log?.info({ role: this.role }, 'cluster: Redis connection restored');
    this.set(state);
  }
}

export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

function toClusterError(err: unknown): ClusterError {
  if (err instanceof ClusterError) return err;
  const name = err instanceof Error ? err.constructor.name : '';
  if (err instanceof ErrorReply) return new ClusterError('reply', { cause: err });
  if (name === 'TimeoutError') return new ClusterError('timeout', { cause: err });
  if (name === 'ClientClosedError') return new ClusterError('closed', { cause: err });
  return new ClusterError('unavailable', { cause: err });
}
