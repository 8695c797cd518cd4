// Steps shared by the scenarios: settle and sample memory, warm subscriptions up, run one timed
// delivery phase and wait (bounded) for its messages to arrive.
import { CpuMeter, MachineCpuMeter } from '../lib/proc-stat.js';
import { summarize, type LatencySummary } from '../lib/percentiles.js';
import type { ClientFleet } from '../lib/client-fleet.js';
import type { Publisher } from '../lib/publisher-handle.js';
import type { MemorySample } from '../lib/target-process.js';
import type { Target } from '../lib/targets.js';
import type { Addressing, PublishRequest } from '../lib/ipc-messages.js';
import type { ScenarioContext } from './context.js';

/** Latency samples kept at most, over all generators (8 bytes each). */
const MAX_SAMPLES = 8_000_000;
const WARM_UP_ROUNDS = 10;
const WARM_UP_WAIT_MS = 3_000;
const POLL_MS = 100;
const DRAIN_QUIET_MS = 3_000;
const DRAIN_MAX_MS = 30_000;
const PROGRESS_EVERY_MS = 20;
/** Other processes using more than this many cores during a phase distort it. */
export const FOREIGN_CORES_WARNING = 0.2;
/** Time a generator gives one WebSocket handshake (shared by every scenario). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
export const KB = 1024;

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function settledMemory(ctx: ScenarioContext, target: Target): Promise<MemorySample> {
  await sleep(ctx.stepMs(ctx.opts.settleSeconds * 1000));
  return target.process.memory(ctx.opts.gcBeforeSample);
}

/**
 * Publish untimed 'w' messages until every open connection has received one: proves the
 * subscriptions are in place before anything is timed.
 */
export async function warmUp(ctx: ScenarioContext, fleet: ClientFleet, publisher: Publisher, addressing: Addressing, messagesPerRound: number): Promise<{ warmed: number; open: number; rounds: number }> {
  let counters = await fleet.counters();
  let rounds = 0;
  while (counters.warmed < counters.open && rounds < WARM_UP_ROUNDS) {
    ctx.checkTime('warm-up');
    rounds++;
    await publisher.publish({ mode: 'burst', addressing, maxMessages: messagesPerRound, durationMs: ctx.stepMs(60_000), rate: 0, initialAllowed: 0, tag: 'w', sampleCapacity: 0 });
    const until = Date.now() + WARM_UP_WAIT_MS;
    do {
      await sleep(POLL_MS);
      counters = await fleet.counters();
    } while (counters.warmed < counters.open && Date.now() < until);
  }
  return { warmed: counters.warmed, open: counters.open, rounds };
}

/** Wait until `expected` deliveries arrived, nothing arrived for a while, or the bound passed. */
export async function drain(ctx: ScenarioContext, fleet: ClientFleet, expected: number): Promise<number> {
  const until = Date.now() + ctx.stepMs(DRAIN_MAX_MS);
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { received } = await fleet.counters();
    if (received >= expected || Date.now() >= until) return received;
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    } else if (Date.now() - lastChange >= DRAIN_QUIET_MS) {
      return received;
    }
    await sleep(POLL_MS);
  }
}

export interface DeliveryPhaseResult {
  /** Messages the phase meant to publish (rate x duration for a paced phase). */
  readonly planned: number;
  readonly issued: number;
  readonly sent: number;
  readonly publishErrors: number;
  readonly firstPublishError: string;
  readonly stalled: boolean;
  /** Paced phase stopped early: the target fell more than the allowed backlog behind. */
  readonly overloaded: boolean;
  readonly expected: number;
  readonly received: number;
  readonly deliveriesPerSecond: number;
  readonly publishedPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly publishRoundTripMs: LatencySummary;
  readonly droppedSamples: number;
  readonly closedByPeer: number;
  /** Cores busy on average between the first send and the last receive. */
  readonly targetCores: number;
  readonly generatorCores: number;
  /** Cores taken by other processes or other guests (steal) during the phase (should be ~0). */
  readonly foreignCores: number;
  /** Kernel threads and interrupts (mostly ksoftirqd moving our loopback packets), in cores. */
  readonly kernelCores: number;
}

export interface DeliveryPhaseSpec {
  readonly fleet: ClientFleet;
  readonly publisher: Publisher;
  readonly target: Target;
  readonly request: Omit<PublishRequest, 'type' | 'sampleCapacity' | 'initialAllowed' | 'tag'>;
  /** Connections that receive each message. */
  readonly recipientsPerMessage: number;
  /**
   * Messages the publisher may be ahead of the slowest connection: the flow control of window
   * mode, the overload bound of rate mode (needs one-pipe fan-out, where every connection gets
   * every message).
   */
  readonly window?: number;
}

export async function runDeliveryPhase(ctx: ScenarioContext, spec: DeliveryPhaseSpec): Promise<DeliveryPhaseResult> {
  const { fleet, publisher, target, request } = spec;
  const bound = request.mode === 'rate' ? Math.ceil(request.rate * (request.durationMs / 1000) * 1.1) + 10 : request.maxMessages;
  const sampleCapacity = Math.min(MAX_SAMPLES, bound * spec.recipientsPerMessage);
  await fleet.reset(sampleCapacity, spec.window ? PROGRESS_EVERY_MS : 0);
  if (spec.window) {
    const window = spec.window;
    fleet.onMinSeq((minSeq) => publisher.allow(minSeq + window));
  }
  const targetCpu = new CpuMeter([target.process.pid]);
  const generatorCpu = new CpuMeter([...fleet.pids, publisher.pid]);
  const machineCpu = new MachineCpuMeter();
  const runnerCpu = new CpuMeter([process.pid]);
  const published = await publisher.publish({ ...request, durationMs: ctx.stepMs(request.durationMs), initialAllowed: spec.window ?? 0, tag: 'm', sampleCapacity: Math.min(MAX_SAMPLES, bound) });
  fleet.onMinSeq(undefined);
  const expected = published.issued * spec.recipientsPerMessage;
  await drain(ctx, fleet, expected);
  const targetUse = targetCpu.read();
  const generatorUse = generatorCpu.read();
  const machineUse = machineCpu.read();
  const runnerUse = runnerCpu.read();
  const got = await fleet.collect();
  const foreignCores = Math.max(0, machineUse.processCores - targetUse.cores - generatorUse.cores - runnerUse.cores) + machineUse.stealCores;
  if (foreignCores > FOREIGN_CORES_WARNING) ctx.warn(`other processes used ${foreignCores.toFixed(2)} cores during a ${request.mode} phase against ${target.name}`);
  const spanSeconds = got.lastReceiveMs > published.firstSendMs ? (got.lastReceiveMs - published.firstSendMs) / 1000 : Number.NaN;
  return {
    planned: request.mode === 'rate' ? Math.min(request.maxMessages, Math.round(request.rate * (request.durationMs / 1000))) : request.maxMessages,
    issued: published.issued,
    sent: published.sent,
    publishErrors: published.errors,
    firstPublishError: published.firstError,
    stalled: published.stalled,
    overloaded: published.overloaded,
    expected,
    received: got.received,
    deliveriesPerSecond: got.received / spanSeconds,
    publishedPerSecond: published.sent / (published.elapsedMs / 1000),
    latencyMs: summarize(got.latenciesMs),
    publishRoundTripMs: summarize(published.roundTripsMs),
    droppedSamples: got.droppedSamples,
    closedByPeer: got.closedByPeer,
    targetCores: targetUse.cpuSeconds / spanSeconds,
    generatorCores: generatorUse.cpuSeconds / spanSeconds,
    foreignCores,
    kernelCores: machineUse.kernelThreadCores + machineUse.interruptCores,
  };
}

/** Server CPU time per delivery (µs): comparable even when the generators are the bottleneck. */
export function cpuPerDelivery(p: DeliveryPhaseResult): number {
  return (p.targetCores * 1e6) / p.deliveriesPerSecond;
}

export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The same delivery phase `ctx.opts.repeat` times on one setup (medians go in the table). */
export async function repeatDeliveryPhase(ctx: ScenarioContext, spec: DeliveryPhaseSpec): Promise<DeliveryPhaseResult[]> {
  const results: DeliveryPhaseResult[] = [];
  for (let r = 0; r < ctx.opts.repeat; r++) {
    ctx.checkTime(`${spec.request.mode} phase`);
    const phase = await runDeliveryPhase(ctx, spec);
    ctx.log(`${Math.round(phase.publishedPerSecond)} INSERT/s, ${Math.round(phase.deliveriesPerSecond)} deliveries/s, p99 ${phase.latencyMs.p99.toFixed(2)} ms, ${phase.received}/${phase.expected} delivered, server ${phase.targetCores.toFixed(2)} cores, generators ${phase.generatorCores.toFixed(2)} cores, kernel ${phase.kernelCores.toFixed(2)}, other ${phase.foreignCores.toFixed(2)} cores`);
    results.push(phase);
  }
  return results;
}


/** Memory rows per connection (RSS and heap growth over the baseline). */
export function memoryRows(ctx: ScenarioContext, size: string, what: string, open: number, baseline: MemorySample, mem: MemorySample): void {
  ctx.row({ size, metric: `RSS per ${what}`, unit: 'KB', tscomet: open ? (mem.rssBytes - baseline.rssBytes) / open / KB : Number.NaN, better: 'lower' });
  ctx.row({ size, metric: `heap per ${what}`, unit: 'KB', tscomet: open && mem.heapUsedBytes ? (mem.heapUsedBytes - baseline.heapUsedBytes) / open / KB : Number.NaN, better: 'lower' });
}

/** Throughput, latency and CPU rows of repeated delivery phases (medians). */
export function deliveryRows(ctx: ScenarioContext, size: string, phases: readonly DeliveryPhaseResult[], labels: { inserts: string; deliveries: string }): void {
  const m = (pick: (p: DeliveryPhaseResult) => number) => median(phases.map(pick));
  ctx.row({ size, metric: labels.inserts, unit: '1/s', tscomet: m((p) => p.publishedPerSecond), better: 'higher' });
  ctx.row({ size, metric: labels.deliveries, unit: '1/s', tscomet: m((p) => p.deliveriesPerSecond), better: 'higher' });
  ctx.row({ size, metric: 'INSERT-to-receive p50', unit: 'ms', tscomet: m((p) => p.latencyMs.p50), better: 'lower' });
  ctx.row({ size, metric: 'INSERT-to-receive p99', unit: 'ms', tscomet: m((p) => p.latencyMs.p99), better: 'lower' });
  ctx.row({ size, metric: 'server CPU', unit: 'cores', tscomet: m((p) => p.targetCores), better: 'info' });
  ctx.row({ size, metric: 'server CPU per delivery', unit: 'us', tscomet: m(cpuPerDelivery), better: 'lower' });
}
