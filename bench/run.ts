#!/usr/bin/env node
// The bench runner: for each chosen scenario, start the built servers and the load generators on
// loopback, measure, stop everything; print one table and write bench/results/<time>-<scenario>.json.
import { HELP, parseBenchOptions, type BenchOptions, type ScenarioName } from './lib/options.js';
import { installCleanup, stopAllChildren } from './lib/children.js';
import { PATHS } from './lib/paths.js';
import { measureLoopbackFloor, type LoopbackFloor } from './lib/loopback-floor.js';
import { machineBusyCores } from './lib/proc-stat.js';
import { formatTable, machineInfo, writeResultFile, type ResultRow } from './lib/report.js';
import { ScenarioContext } from './scenarios/context.js';
import { runIdle } from './scenarios/idle.js';
import { runFanout } from './scenarios/fanout.js';
import { runBreadth } from './scenarios/breadth.js';
import { runPrivate } from './scenarios/private.js';
import { runCometql } from './scenarios/cometql.js';

const RUNNERS: Record<ScenarioName, (ctx: ScenarioContext) => Promise<void>> = {
  idle: runIdle,
  fanout: runFanout,
  breadth: runBreadth,
  private: runPrivate,
  cometql: runCometql,
};

async function runScenario(opts: BenchOptions, name: ScenarioName, deadline: number, floor: LoopbackFloor & { busyCoresBeforeRun: number }): Promise<{ rows: ResultRow[]; warnings: string[]; failed: boolean }> {
  const ctx = new ScenarioContext(opts, name, deadline);
  const startedAt = new Date().toISOString();
  let error: string | undefined;
  ctx.log('start');
  try {
    await RUNNERS[name](ctx);
  } catch (err) {
    error = (err as Error).stack ?? String(err);
    ctx.log(`FAILED: ${error}`);
    // A failed scenario must not leave its servers or generators running into the next one.
    await stopAllChildren();
  }
  const file = writeResultFile(PATHS.results, {
    scenario: name,
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `node dist-test/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(),
    loopbackFloor: floor,
    options: opts,
    rows: ctx.rows,
    details: { ...ctx.details, warnings: ctx.warnings, ...(error ? { error } : {}) },
  });
  ctx.log(`done -> ${file}`);
  return { rows: ctx.rows, warnings: ctx.warnings, failed: error !== undefined };
}

async function main(): Promise<number> {
  let opts: BenchOptions | 'help';
  try {
    opts = parseBenchOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  installCleanup();
  const deadline = Date.now() + opts.timeLimitSeconds * 1000;
  // The hard stop: whatever hangs, the run ends a little after its time limit.
  setTimeout(() => {
    process.stderr.write(`bench: time limit of ${opts.timeLimitSeconds} s exceeded; stopping\n`);
    void stopAllChildren().finally(() => process.exit(4));
  }, opts.timeLimitSeconds * 1000 + 60_000).unref();
  const m = machineInfo();
  process.stderr.write(`bench: ${m.cpus} x ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}, open files ${m.openFilesLimit}\n`);
  const busy = await machineBusyCores(2000);
  if (busy > 0.2) process.stderr.write(`bench: WARNING: the machine is not idle (${busy.toFixed(2)} cores busy before the run); figures will be distorted\n`);
  const floor = { ...(await measureLoopbackFloor()), busyCoresBeforeRun: busy };
  const floorText = `loopback write cost: ${floor.microsecondsPerWrite.toFixed(1)} us per 100-byte write to an idle socket (${Math.round(floor.writesPerSecondPerCore)} writes/s per core)`;
  process.stderr.write(`bench: ${floorText}\n`);
  const rows: ResultRow[] = [];
  const warnings: string[] = [];
  if (busy > 0.2) warnings.push(`machine: ${busy.toFixed(2)} cores busy before the run`);
  let failures = 0;
  for (const name of opts.scenarios) {
    if (Date.now() >= deadline) {
      process.stderr.write(`bench: time limit reached; skipping ${name}\n`);
      failures++;
      continue;
    }
    const r = await runScenario(opts, name, deadline, floor);
    rows.push(...r.rows);
    warnings.push(...r.warnings);
    if (r.failed) failures++;
  }
  process.stdout.write(`\n${formatTable(rows)}\n\nratio = TsComet / bare ws (see "better" for which direction wins); ${floorText}\n`);
  if (warnings.length) process.stdout.write(`\nWARNINGS (figures below may be distorted):\n${warnings.map((w) => `  - ${w}`).join('\n')}\n`);
  return failures > 0 ? 1 : 0;
}

main().then(
  async (code) => {
    await stopAllChildren();
    process.exit(code);
  },
  async (err: unknown) => {
    process.stderr.write(`bench: fatal: ${(err as Error).stack ?? String(err)}\n`);
    await stopAllChildren();
    process.exit(1);
  },
);
