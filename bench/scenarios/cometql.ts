// CometQL: INSERT INTO pipes_messages/s over 1 and over N connections, each connection back to
// back (a backend does one query at a time per connection), to a pipe nobody subscribes to, so
// the figure is the SQL path alone. TsComet only.
import { Publisher } from '../lib/publisher-handle.js';
import { CpuMeter, MachineCpuMeter } from '../lib/proc-stat.js';
import { summarize } from '../lib/percentiles.js';
import { startTarget, type Target } from '../lib/targets.js';
import { FOREIGN_CORES_WARNING, median } from './phases.js';
import type { ScenarioContext } from './context.js';

const PIPE = 'bench_nobody';
/** Upper bound on INSERTs per measurement, whatever the duration. */
const MAX_INSERTS = 5_000_000;
const ROUND_TRIP_SAMPLES = 5_000_000;

interface CometqlRun {
  readonly perSecond: number;
  readonly roundTripMs: ReturnType<typeof summarize>;
  readonly serverCores: number;
  readonly clientCores: number;
  readonly foreignCores: number;
  readonly sent: number;
  readonly errors: number;
  readonly firstError: string;
}

/** Connections per client process: one mysql2 process saturates a core at ~4 busy connections. */
const CONNECTIONS_PER_PROCESS = 4;

async function measure(ctx: ScenarioContext, target: Target, connections: number): Promise<CometqlRun> {
  const processes = Math.ceil(connections / CONNECTIONS_PER_PROCESS);
  const shares = Array.from({ length: processes }, (_, i) => Math.floor(connections / processes) + (i < connections % processes ? 1 : 0));
  const publishers = await Promise.all(shares.map((n, i) => Publisher.open(`cometql(${connections})#${i}`, target.publisher(n), ctx.generatorLifetimeMs())));
  try {
    const serverCpu = new CpuMeter([target.process.pid]);
    const clientCpu = new CpuMeter(publishers.map((p) => p.pid));
    const machineCpu = new MachineCpuMeter();
    const durationMs = ctx.stepMs(ctx.opts.durationSeconds * 1000);
    const replies = await Promise.all(
      publishers.map((p) =>
        p.publish({ mode: 'burst', addressing: { kind: 'pipe', pipe: PIPE }, rate: 0, maxMessages: MAX_INSERTS, durationMs, initialAllowed: 0, tag: 'm', sampleCapacity: Math.floor(ROUND_TRIP_SAMPLES / processes) }),
      ),
    );
    const server = serverCpu.read();
    const client = clientCpu.read();
    const machine = machineCpu.read();
    const foreignCores = Math.max(0, machine.processCores - server.cores - client.cores) + machine.stealCores;
    if (foreignCores > FOREIGN_CORES_WARNING) ctx.warn(`other processes used ${foreignCores.toFixed(2)} cores during ${connections} connection(s)`);
    const sent = replies.reduce((a, r) => a + r.sent, 0);
    const errors = replies.reduce((a, r) => a + r.errors, 0);
    const firstError = replies.find((r) => r.firstError)?.firstError ?? '';
    const elapsedMs = Math.max(...replies.map((r) => r.elapsedMs));
    const roundTrips = new Float64Array(replies.reduce((a, r) => a + r.roundTripsMs.length, 0));
    replies.reduce((offset, r) => (roundTrips.set(r.roundTripsMs, offset), offset + r.roundTripsMs.length), 0);
    const run: CometqlRun = { perSecond: sent / (elapsedMs / 1000), roundTripMs: summarize(roundTrips), serverCores: server.cores, clientCores: client.cores, foreignCores, sent, errors, firstError };
    ctx.log(`${connections} conn (${processes} client process${processes > 1 ? 'es' : ''}): ${Math.round(run.perSecond)} INSERT/s, round trip p50 ${run.roundTripMs.p50.toFixed(3)} ms p99 ${run.roundTripMs.p99.toFixed(3)} ms, server ${server.cores.toFixed(2)} cores, client ${client.cores.toFixed(2)} cores, kernel ${(machine.kernelThreadCores + machine.interruptCores).toFixed(2)}, other ${foreignCores.toFixed(2)} cores${errors ? `, ${errors} errors: ${firstError}` : ''}`);
    return run;
  } finally {
    await Promise.all(publishers.map((p) => p.close()));
  }
}

export async function runCometql(ctx: ScenarioContext): Promise<void> {
  const target = await startTarget('tscomet', ctx.targetOptions('tscomet'));
  const runs: Record<string, CometqlRun[]> = {};
  try {
    for (const connections of ctx.opts.cometqlConnections) {
      const list: CometqlRun[] = [];
      for (let r = 0; r < ctx.opts.repeat; r++) {
        ctx.checkTime(`cometql ${connections}`);
        list.push(await measure(ctx, target, connections));
      }
      const size = `${connections} conn${connections > 1 ? 's' : ''}`;
      runs[size] = list;
      const row = (metric: string, unit: string, better: 'lower' | 'higher' | 'info', pick: (r: CometqlRun) => number) => ctx.row({ size, metric, unit, tscomet: median(list.map(pick)), better });
      row('INSERT/s', '1/s', 'higher', (r) => r.perSecond);
      row('INSERT round trip p50', 'ms', 'lower', (r) => r.roundTripMs.p50);
      row('INSERT round trip p99', 'ms', 'lower', (r) => r.roundTripMs.p99);
      row('server CPU', 'cores', 'info', (r) => r.serverCores);
      row('client CPU', 'cores', 'info', (r) => r.clientCores);
      row('server CPU per INSERT', 'us', 'lower', (r) => (r.serverCores * 1e6) / r.perSecond);
    }
  } finally {
    ctx.details.serverLogLines = target.process.linesAfterReady;
    await target.stop();
  }
  ctx.details.runs = runs;
}
