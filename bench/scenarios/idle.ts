// Idle connections: the server's RSS and V8 heap per connection at each size, and the connection
// ramp rate, for TsComet and for bare ws in the same run.
import { ClientFleet } from '../lib/client-fleet.js';
import { generatorsFor, sourceAddresses } from '../lib/options.js';
import { startTarget, type Target, type TargetName } from '../lib/targets.js';
import { settledMemory, HANDSHAKE_TIMEOUT_MS, KB } from './phases.js';
import type { ScenarioContext } from './context.js';

const CONNECT_STEP_MS = 180_000;

export interface IdleStep {
  readonly wanted: number;
  readonly open: number;
  readonly failed: number;
  readonly errors: Record<string, number>;
  readonly connectPerSecond: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly rssPerConnectionBytes: number;
  readonly heapPerConnectionBytes: number;
}

async function measureTarget(ctx: ScenarioContext, name: TargetName): Promise<IdleStep[]> {
  const sizes = ctx.opts.idleConnections;
  const target = await startTarget(name, ctx.targetOptions(name));
  const fleet = ClientFleet.start(generatorsFor(ctx.opts, sizes[sizes.length - 1]!), ctx.generatorLifetimeMs());
  const steps: IdleStep[] = [];
  try {
    await rampUp(ctx, name, target, fleet, steps);
  } catch (err) {
    // Keep the sizes measured so far; the failure (e.g. the server died at its fd limit) is reported.
    ctx.log(`${name}: FAILED after ${steps.length} size(s): ${(err as Error).message}\n${target.process.outputTail()}`);
    ctx.details[`${name}Error`] = (err as Error).message;
  } finally {
    await fleet.closeAll();
    await fleet.stop();
    await target.stop();
  }
  return steps;
}

async function rampUp(ctx: ScenarioContext, name: TargetName, target: Target, fleet: ClientFleet, steps: IdleStep[]): Promise<void> {
  const sizes = ctx.opts.idleConnections;
  const baseline = await settledMemory(ctx, target);
  ctx.log(`${name}: baseline RSS ${(baseline.rssBytes / 2 ** 20).toFixed(1)} MiB, heap ${(baseline.heapUsedBytes / 2 ** 20).toFixed(1)} MiB`);
  for (const wanted of sizes) {
    ctx.checkTime(`${name} idle ${wanted}`);
    const before = (await fleet.counters()).open;
    const c = await fleet.connectUpTo(wanted, {
      host: target.host,
      port: target.wsPort,
      identity: 'anonymous',
      userBase: 0,
      subscribe: { kind: 'none' },
      sourceAddresses: sourceAddresses(ctx.opts),
      concurrency: ctx.opts.handshakeConcurrency,
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      deadlineMs: ctx.stepMs(CONNECT_STEP_MS),
    });
    const mem = await settledMemory(ctx, target);
    const open = (await fleet.counters()).open;
    const step: IdleStep = {
      wanted,
      open,
      failed: c.failed,
      errors: c.errors,
      connectPerSecond: (c.open - before) / (c.elapsedMs / 1000),
      rssBytes: mem.rssBytes,
      heapUsedBytes: mem.heapUsedBytes,
      rssPerConnectionBytes: open > 0 ? (mem.rssBytes - baseline.rssBytes) / open : Number.NaN,
      heapPerConnectionBytes: open > 0 && mem.heapUsedBytes > 0 ? (mem.heapUsedBytes - baseline.heapUsedBytes) / open : Number.NaN,
    };
    steps.push(step);
    const failures = c.failed ? `, ${c.failed} failed ${JSON.stringify(c.errors)}` : '';
    ctx.log(`${name}: ${open}/${wanted} open, ${(step.rssPerConnectionBytes / KB).toFixed(2)} KB RSS/conn, ${(step.heapPerConnectionBytes / KB).toFixed(2)} KB heap/conn, ${step.connectPerSecond.toFixed(0)} conn/s${failures}`);
    if (open < wanted) {
      ctx.log(`${name}: stopped at ${open} connections (limit reached)`);
      break;
    }
  }
  ctx.details[`${name}LogLinesDuringRun`] = target.process.linesAfterReady;
}

export async function runIdle(ctx: ScenarioContext): Promise<void> {
  const results = new Map<TargetName, IdleStep[]>();
  for (const name of ctx.opts.targets) results.set(name, await measureTarget(ctx, name));
  ctx.details.steps = Object.fromEntries(results);
  const ts = results.get('tscomet') ?? [];
  const bare = results.get('bare-ws') ?? [];
  for (const wanted of ctx.opts.idleConnections) {
    const t = ts.find((s) => s.wanted === wanted);
    const b = bare.find((s) => s.wanted === wanted);
    if (!t && !b) continue;
    const size = `${wanted} conns`;
    ctx.row({ size, metric: 'connections open', unit: 'count', tscomet: t?.open, bare: b?.open, better: 'higher' });
    ctx.row({ size, metric: 'RSS per connection', unit: 'KB', tscomet: t && t.rssPerConnectionBytes / KB, bare: b && b.rssPerConnectionBytes / KB, better: 'lower' });
    ctx.row({ size, metric: 'heap per connection', unit: 'KB', tscomet: t && t.heapPerConnectionBytes / KB, bare: b && b.heapPerConnectionBytes / KB, better: 'lower' });
    ctx.row({ size, metric: 'server RSS', unit: 'MiB', tscomet: t && t.rssBytes / 2 ** 20, bare: b && b.rssBytes / 2 ** 20, better: 'lower' });
    ctx.row({ size, metric: 'connect ramp', unit: 'conn/s', tscomet: t?.connectPerSecond, bare: b?.connectPerSecond, better: 'higher' });
  }
}
