// Several ws-clients generator processes seen as one fleet of browser connections: splits connect
// steps between them, and sums their counters and latency samples.
import { GeneratorHandle } from './generator-handle.js';
import { PATHS } from './paths.js';
import type { CollectReply, ConnectReply, ConnectRequest, CountersReply, SubscriptionPlan } from './ipc-messages.js';

const CALL_MS = 30_000;

/** What every generator gets for its share of the connections (the request minus the share). */
export type FleetConnectSpec = Omit<ConnectRequest, 'type' | 'first' | 'count'>;

export interface FleetConnectResult {
  readonly opened: number;
  readonly failed: number;
  readonly authorized: number;
  readonly errors: Record<string, number>;
  readonly elapsedMs: number;
  readonly open: number;
}

export interface FleetCollected {
  readonly received: number;
  readonly latenciesMs: Float64Array;
  readonly droppedSamples: number;
  readonly firstReceiveMs: number;
  readonly lastReceiveMs: number;
  readonly open: number;
  readonly closedByPeer: number;
}

export class ClientFleet {
  private nextIndex = 0;
  private readonly openPer: number[];
  private readonly latestMinSeq: number[];

  private constructor(private readonly generators: GeneratorHandle[]) {
    this.openPer = generators.map(() => 0);
    this.latestMinSeq = generators.map(() => 0);
  }

  static start(generatorCount: number, lifetimeMs: number): ClientFleet {
    const gens = Array.from({ length: generatorCount }, (_, i) => GeneratorHandle.start(`ws-clients#${i}`, PATHS.wsClientsGenerator, lifetimeMs));
    return new ClientFleet(gens);
  }

  get pids(): number[] {
    return this.generators.map((g) => g.pid);
  }

  get size(): number {
    return this.generators.length;
  }

  /** Open connections until the fleet holds `total`, balanced over the generators. */
  async connectUpTo(total: number, spec: FleetConnectSpec): Promise<FleetConnectResult> {
    const perGenerator = Math.ceil(total / this.generators.length);
    const replies = await Promise.all(
      this.generators.map((g, i) => {
        const count = Math.max(0, Math.min(perGenerator - this.openPer[i]!, total - this.nextIndex));
        const first = this.nextIndex;
        this.nextIndex += count;
        const req: ConnectRequest = { type: 'connect', first, count, ...spec };
        return g.call<ConnectReply>(req, spec.deadlineMs + CALL_MS);
      }),
    );
    const errors: Record<string, number> = {};
    replies.forEach((r, i) => {
      this.openPer[i] = r.open;
      for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
    });
    return {
      opened: sum(replies.map((r) => r.opened)),
      failed: sum(replies.map((r) => r.failed)),
      authorized: sum(replies.map((r) => r.authorized)),
      errors,
      // The generators' own clocks: a generator's start-up is not part of the ramp.
      elapsedMs: Math.max(...replies.map((r) => r.elapsedMs)),
      open: sum(replies.map((r) => r.open)),
    };
  }

  async reset(sampleCapacity: number, progressEveryMs: number): Promise<void> {
    const per = Math.ceil(sampleCapacity / this.generators.length);
    this.latestMinSeq.fill(0);
    await Promise.all(this.generators.map((g) => g.call({ type: 'reset', sampleCapacity: per, progressEveryMs }, CALL_MS)));
  }

  async counters(): Promise<CountersReply> {
    const all = await Promise.all(this.generators.map((g) => g.call<CountersReply>({ type: 'counters' }, CALL_MS)));
    const withClients = all.filter((c) => c.open > 0);
    return {
      type: 'counters',
      received: sum(all.map((c) => c.received)),
      warmed: sum(all.map((c) => c.warmed)),
      open: sum(all.map((c) => c.open)),
      closedByPeer: sum(all.map((c) => c.closedByPeer)),
      minSeq: withClients.length ? Math.min(...withClients.map((c) => c.minSeq)) : 0,
    };
  }

  /** Calls `listener` with the sequence number every open connection has received. */
  onMinSeq(listener: ((minSeq: number) => void) | undefined): void {
    this.generators.forEach((g, i) =>
      g.onProgress(
        listener &&
          ((p) => {
            this.latestMinSeq[i] = p.minSeq;
            const active = this.latestMinSeq.filter((_, j) => this.openPer[j]! > 0);
            listener(active.length ? Math.min(...active) : 0);
          }),
      ),
    );
  }

  async collect(): Promise<FleetCollected> {
    const all = await Promise.all(this.generators.map((g) => g.call<CollectReply>({ type: 'collect' }, CALL_MS)));
    const latencies = new Float64Array(sum(all.map((c) => c.latenciesMs.length)));
    let offset = 0;
    for (const c of all) {
      latencies.set(c.latenciesMs, offset);
      offset += c.latenciesMs.length;
    }
    const firsts = all.map((c) => c.firstReceiveMs).filter((t) => t > 0);
    return {
      received: sum(all.map((c) => c.received)),
      latenciesMs: latencies,
      droppedSamples: sum(all.map((c) => c.droppedSamples)),
      firstReceiveMs: firsts.length ? Math.min(...firsts) : 0,
      lastReceiveMs: Math.max(0, ...all.map((c) => c.lastReceiveMs)),
      open: sum(all.map((c) => c.open)),
      closedByPeer: sum(all.map((c) => c.closedByPeer)),
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.call({ type: 'close' }, CALL_MS).catch(() => undefined)));
    this.openPer.fill(0);
    this.nextIndex = 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.generators.map((g) => g.stop()));
  }
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
