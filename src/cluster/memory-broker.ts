// The in-process Broker: a bus shared by the nodes of one process (one node by default). publish()
// calls the handler of every subscribed node synchronously, its own included, before it resolves:
// single-node delivery keeps today's timing (the CometQL OK follows local delivery).
import { ClusterError } from './cluster-error.js';
import { HealthState } from './health.js';
import { ClusterKeys, checkNodeId } from './keys.js';
import { deliverSafely, type ClusterLog } from './log.js';
import type { Broker, PublicationHandler } from './broker.js';
import type { Publication } from './publication.js';

/** What the memory brokers of one "cluster" share: channel -> subscribed nodes. */
export class MemoryBus {
  readonly keys = new ClusterKeys();
  readonly channels = new Map<string, Set<MemoryBroker>>();

  deliver(channel: string, p: Publication): number {
    const nodes = this.channels.get(channel);
    if (!nodes) return 0;
    for (const node of [...nodes]) node.receive(p);
    return nodes.size;
  }
}

export interface MemoryBrokerOptions {
  readonly nodeId?: string;
  readonly bus?: MemoryBus;
  readonly log?: ClusterLog;
}

export class MemoryBroker extends HealthState implements Broker {
  readonly nodeId: string;
  private readonly bus: MemoryBus;
  private readonly log: ClusterLog | undefined;
  private handler: PublicationHandler = () => {};

  constructor(opts: MemoryBrokerOptions = {}) {
    super('connecting');
    this.nodeId = checkNodeId(opts.nodeId ?? 'local');
    this.bus = opts.bus ?? new MemoryBus();
    this.log = opts.log;
  }

  setHandler(handler: PublicationHandler): void {
    this.handler = handler;
  }

  async start(): Promise<void> {
    this.usable();
    this.set('ready');
    this.add(this.bus.keys.controlChannel());
  }

  async subscribe(dev: number, pipe: string): Promise<void> {
    this.usable();
    this.add(this.bus.keys.pipeChannel(dev, pipe));
  }

  async unsubscribe(dev: number, pipe: string): Promise<void> {
    this.remove(this.bus.keys.pipeChannel(dev, pipe));
  }

  async subscribeUser(dev: number, user: number): Promise<void> {
    this.usable();
    this.add(this.bus.keys.userChannel(dev, user));
  }

  async unsubscribeUser(dev: number, user: number): Promise<void> {
    this.remove(this.bus.keys.userChannel(dev, user));
  }

  async publish(p: Publication): Promise<number> {
    this.usable();
    if (this.state !== 'ready') throw new ClusterError('unavailable');
    return this.bus.deliver(this.bus.keys.channelOf(p), p);
  }

  async close(): Promise<void> {
    for (const [channel, nodes] of this.bus.channels) {
      nodes.delete(this);
      if (nodes.size === 0) this.bus.channels.delete(channel);
    }
    this.set('closed');
  }

  /** Called by the bus. */
  receive(p: Publication): void {
    deliverSafely(this.handler, p, this.log);
  }

  private usable(): void {
    if (this.state === 'closed') throw new ClusterError('closed');
  }

  private add(channel: string): void {
    let nodes = this.bus.channels.get(channel);
    if (!nodes) this.bus.channels.set(channel, (nodes = new Set()));
    nodes.add(this);
  }

  private remove(channel: string): void {
    const nodes = this.bus.channels.get(channel);
    if (!nodes?.delete(this)) return;
    if (nodes.size === 0) this.bus.channels.delete(channel);
  }
}
