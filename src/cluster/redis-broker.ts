// The Redis Broker: PUBLISH on one connection, SUBSCRIBE on another. The broker owns the wanted
// channel set; after every reconnection it subscribes what is wanted and not yet subscribed and
// drops what is no longer wanted, so an outage needs nothing from the core.
import { ClusterError } from './cluster-error.js';
import { HealthState, type ClusterState } from './health.js';
import { ClusterKeys, DEFAULT_PREFIX, checkNodeId } from './keys.js';
import { deliverSafely, type ClusterLog } from './log.js';
import { RedisLink, type RedisLinkOptions } from './redis-link.js';
import type { Broker, PublicationHandler } from './broker.js';
import type { Publication } from './publication.js';

export interface RedisBrokerOptions extends RedisLinkOptions {
  readonly nodeId: string;
  /** Key and channel prefix (default `tscomet`). */
  readonly prefix?: string;
}

export class RedisBroker extends HealthState implements Broker {
  readonly nodeId: string;
  private readonly keys: ClusterKeys;
  private readonly pub: RedisLink;
  private readonly sub: RedisLink;
  private readonly log: ClusterLog | undefined;
  private handler: PublicationHandler = () => {};
  /** Channels the core asked for. */
  private readonly wanted = new Set<string>();
  /** Channels Redis confirmed (node-redis resubscribes these by itself after a reconnect). */
  private readonly listened = new Set<string>();
  private readonly syncing = new Map<string, Promise<void>>();
  private readonly listener = (message: string, channel: string) => this.receive(message, channel);

  constructor(opts: RedisBrokerOptions) {
    super('connecting');
    this.nodeId = checkNodeId(opts.nodeId);
    this.keys = new ClusterKeys(opts.prefix ?? DEFAULT_PREFIX);
    this.log = opts.log;
    const name = `${this.keys.prefix}:${this.nodeId}`;
    this.pub = new RedisLink('publish', opts, name);
    this.sub = new RedisLink('subscribe', opts, name);
    const update = () => this.set(combined(this.pub.state, this.sub.state));
    this.pub.on('state', update);
    this.sub.on('state', (s) => {
      update();
      if (s === 'ready') this.reconcile();
    });
  }

  setHandler(handler: PublicationHandler): void {
    this.handler = handler;
  }

  async start(): Promise<void> {
    this.wanted.add(this.keys.controlChannel());
    await Promise.all([this.pub.start(), this.sub.start()]);
    await this.sync(this.keys.controlChannel());
  }

  subscribe(dev: number, pipe: string): Promise<void> {
    return this.want(this.keys.pipeChannel(dev, pipe));
  }

  unsubscribe(dev: number, pipe: string): Promise<void> {
    return this.drop(this.keys.pipeChannel(dev, pipe));
  }

  subscribeUser(dev: number, user: number): Promise<void> {
    return this.want(this.keys.userChannel(dev, user));
  }

  unsubscribeUser(dev: number, user: number): Promise<void> {
    return this.drop(this.keys.userChannel(dev, user));
  }

  publish(p: Publication): Promise<number> {
    const payload = JSON.stringify(p);
    return this.pub.call((c) => c.publish(this.keys.channelOf(p), payload));
  }

  async close(): Promise<void> {
    this.wanted.clear();
    await Promise.all([this.pub.close(), this.sub.close()]);
  }

  private want(channel: string): Promise<void> {
    if (this.state === 'closed') return Promise.reject(new ClusterError('closed'));
    this.wanted.add(channel);
    return this.sync(channel);
  }

  /** Delivery stops at once; while Redis is down the UNSUBSCRIBE waits for the reconnection. */
  private async drop(channel: string): Promise<void> {
    if (!this.wanted.delete(channel)) return;
    try {
      await this.sync(channel);
    } catch (err) {
      if (!(err instanceof ClusterError) || err.code !== 'unavailable') throw err;
    }
  }

  /** Bring Redis in line with `wanted` for one channel, one command at a time per channel. */
  private async sync(channel: string): Promise<void> {
    while (this.wanted.has(channel) !== this.listened.has(channel)) {
      const busy = this.syncing.get(channel);
      if (busy) {
        await busy.catch(() => {});
        continue;
      }
      const op = this.wanted.has(channel)
        ? this.sub.call((c) => c.subscribe(channel, this.listener)).then(() => void this.listened.add(channel))
        : this.sub.call((c) => c.unsubscribe(channel, this.listener)).then(() => void this.listened.delete(channel));
      this.syncing.set(channel, op);
      try {
        await op;
      } finally {
        this.syncing.delete(channel);
      }
    }
  }

  /** After a (re)connection: subscribe the missing channels, drop the unwanted ones. */
  private reconcile(): void {
    for (const channel of new Set([...this.wanted, ...this.listened])) {
      this.sync(channel).catch((err) => this.log?.warn({ err, channel }, 'cluster: resubscribe failed'));
    }
  }

  private receive(message: string, channel: string): void {
    if (!this.wanted.has(channel)) return; // unsubscribed while Redis was down
    let p: Publication;
    try {
      p = JSON.parse(message) as Publication;
    } catch {
      this.log?.warn({ channel }, 'cluster: undecodable publication dropped');
      return;
    }
    deliverSafely(this.handler, p, this.log);
  }
}

function combined(a: ClusterState, b: ClusterState): ClusterState {
  if (a === 'closed' || b === 'closed') return 'closed';
  if (a === 'ready' && b === 'ready') return 'ready';
  if (a === 'down' || b === 'down') return 'down';
  return 'connecting';
}
