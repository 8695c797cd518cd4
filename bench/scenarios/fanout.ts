// Fan-out: one pipe with S subscribers. Phase 1 publishes at a fixed rate and times every delivery
// (INSERT-to-receive); phase 2 floods inside a window of W messages ahead of the slowest subscriber
// and counts deliveries/s. Same phases against bare ws, messages triggered over HTTP instead.
import { ClientFleet } from '../lib/client-fleet.js';
import { generatorsFor, sourceAddresses } from '../lib/options.js';
import { Publisher } from '../lib/publisher-handle.js';
import { startTarget, type TargetName } from '../lib/targets.js';
import { cpuPerDelivery, median, runDeliveryPhase, warmUp, type DeliveryPhaseResult, HANDSHAKE_TIMEOUT_MS } from './phases.js';
import type { ScenarioContext } from './context.js';
import type { Addressing } from '../lib/ipc-messages.js';

const PIPE = 'bench_fanout';
const CONNECT_STEP_MS = 120_000;
/** Upper bound on messages of the flood phase, whatever the duration. */
const FLOOD_MAX_MESSAGES = 1_000_000;
/** A paced phase stops when subscribers are this many seconds of messages behind: rate too high. */
const PACED_BACKLOG_SECONDS = 2;
const MIN_PACED_BACKLOG = 10;

export interface FanoutRun {
  readonly subscribers: number;
  readonly connectPerSecond: number;
  readonly paced: DeliveryPhaseResult;
  readonly flood: DeliveryPhaseResult;
}

async function measure(ctx: ScenarioContext, name: TargetName, subscribers: number): Promise<FanoutRun> {
  const target = await startTarget(name, ctx.targetOptions(name));
  const fleet = ClientFleet.start(generatorsFor(ctx.opts, subscribers), ctx.generatorLifetimeMs());
  let publisher: Publisher | undefined;
  try {
    publisher = await Publisher.open(`publisher(${name})`, target.publisher(ctx.opts.publisherConnections), ctx.generatorLifetimeMs());
    const c = await fleet.connectUpTo(subscribers, {
      host: target.host,
      port: target.wsPort,
      identity: 'anonymous',
      userBase: 0,
      subscribe: { kind: 'one', pipe: PIPE },
      sourceAddresses: sourceAddresses(ctx.opts),
      concurrency: ctx.opts.handshakeConcurrency,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      deadlineMs: ctx.stepMs(CONNECT_STEP_MS),
    });
    if (c.failed) ctx.log(`${name}: ${c.failed} connections failed ${JSON.stringify(c.errors)}`);
    const addressing: Addressing = { kind: 'pipe', pipe: PIPE };
    const warm = await warmUp(ctx, fleet, publisher, addressing, 1);
    ctx.log(`${name}: ${warm.warmed}/${warm.open} subscribers warm after ${warm.rounds} round(s)`);
    const durationMs = ctx.opts.durationSeconds * 1000;
    const rate = ctx.opts.fanoutRate;
    ctx.checkTime('paced phase');
    const paced = await runDeliveryPhase(ctx, {
      fleet,
      publisher,
      target,
      request: { mode: 'rate', addressing, rate, maxMessages: Math.ceil(rate * ctx.opts.durationSeconds), durationMs: durationMs + 1000 },
      recipientsPerMessage: warm.open,
      window: Math.max(MIN_PACED_BACKLOG, Math.ceil(rate * PACED_BACKLOG_SECONDS)),
    });
    ctx.log(`${name}: ${rate} msg/s x ${warm.open}: p50 ${paced.latencyMs.p50.toFixed(2)} ms, p99 ${paced.latencyMs.p99.toFixed(2)} ms, ${paced.received}/${paced.expected} delivered${paced.overloaded ? `, OVERLOADED: stopped after ${paced.issued} of ${paced.planned} messages` : ''}`);
    ctx.checkTime('flood phase');
    const flood = await runDeliveryPhase(ctx, {
      fleet,
      publisher,
      target,
      request: { mode: 'window', addressing, rate: 0, maxMessages: FLOOD_MAX_MESSAGES, durationMs },
      recipientsPerMessage: warm.open,
      window: ctx.opts.fanoutWindow,
    });
    ctx.log(`${name}: flood ${Math.round(flood.deliveriesPerSecond)} deliveries/s (${flood.sent} msgs, ${flood.received}/${flood.expected} delivered, server ${flood.targetCores.toFixed(2)} cores, generators ${flood.generatorCores.toFixed(2)} cores, kernel ${flood.kernelCores.toFixed(2)}, other ${flood.foreignCores.toFixed(2)} cores${flood.stalled ? ', STALLED' : ''})`);
    return { subscribers: warm.open, connectPerSecond: c.opened / (c.elapsedMs / 1000), paced, flood };
  } finally {
    ctx.details[`${name}-${subscribers}-serverLogLines`] = target.process.linesAfterReady;
    await publisher?.close();
    await fleet.closeAll();
    await fleet.stop();
    await target.stop();
  }
}

export async function runFanout(ctx: ScenarioContext): Promise<void> {
  const runs = new Map<number, Map<TargetName, FanoutRun[]>>();
  try {
    for (const subscribers of ctx.opts.fanoutSubscribers) {
      const byTarget = new Map<TargetName, FanoutRun[]>();
      runs.set(subscribers, byTarget);
      // Interleaved repeats: slow drifts of the machine hit both targets alike.
      for (let r = 0; r < ctx.opts.repeat; r++) {
        for (const name of ctx.opts.targets) {
          ctx.checkTime(`${name} fanout ${subscribers}`);
          const run = await measure(ctx, name, subscribers);
          byTarget.set(name, [...(byTarget.get(name) ?? []), run]);
        }
      }
    }
  } finally {
    // Whatever was measured goes in the table, also when a later run failed.
    for (const [subscribers, byTarget] of runs) addRows(ctx, subscribers, byTarget);
    ctx.details.runs = Object.fromEntries([...runs].flatMap(([n, byTarget]) => [...byTarget].map(([name, list]) => [`${name}-${n}`, list])));
  }
}

function addRows(ctx: ScenarioContext, subscribers: number, byTarget: Map<TargetName, FanoutRun[]>): void {
  const t = byTarget.get('tscomet');
  const b = byTarget.get('bare-ws');
  if (!t && !b) return;
  const size = `${subscribers} subs`;
  const rate = ctx.opts.fanoutRate;
  const row = (metric: string, unit: string, better: 'lower' | 'higher' | 'info', pick: (r: FanoutRun) => number) =>
    ctx.row({ size, metric, unit, tscomet: t && median(t.map(pick)), bare: b && median(b.map(pick)), better });
  row('flood deliveries/s', '1/s', 'higher', (r) => r.flood.deliveriesPerSecond);
  row('flood server CPU', 'cores', 'info', (r) => r.flood.targetCores);
  row('server CPU per delivery', 'us', 'lower', (r) => cpuPerDelivery(r.flood));
  row(`flood latency p99 (window ${ctx.opts.fanoutWindow})`, 'ms', 'info', (r) => r.flood.latencyMs.p99);
  row(`latency p50 at ${rate} msg/s`, 'ms', 'lower', (r) => r.paced.latencyMs.p50);
  row(`latency p99 at ${rate} msg/s`, 'ms', 'lower', (r) => r.paced.latencyMs.p99);
  row(`${rate} msg/s sustained`, '% of planned', 'higher', (r) => sustained(r.paced));
  row(`delivered at ${rate} msg/s`, '%', 'higher', (r) => percent(r.paced));
  row('connect ramp (subscribing)', 'conn/s', 'higher', (r) => r.connectPerSecond);
}

/** Share of the planned messages published before the overload bound stopped the phase. */
function sustained(p: DeliveryPhaseResult): number {
  return p.planned > 0 ? (100 * p.issued) / p.planned : Number.NaN;
}

function percent(p: DeliveryPhaseResult): number {
  return p.expected > 0 ? (100 * p.received) / p.expected : Number.NaN;
}
