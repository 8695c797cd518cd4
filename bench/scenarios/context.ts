// What every scenario gets from the runner: options, the run's deadline, and where to put figures.
import { join } from 'node:path';
import { PATHS } from '../lib/paths.js';
import type { BenchOptions } from '../lib/options.js';
import type { ResultRow } from '../lib/report.js';
import type { TargetName, TargetOptions } from '../lib/targets.js';

/** Generators live this much longer than the run's deadline, then exit on their own. */
const GENERATOR_LIFETIME_MARGIN_MS = 60_000;

export class ScenarioContext {
  readonly rows: ResultRow[] = [];
  readonly details: Record<string, unknown> = {};
  /** Things that make figures doubtful (other load on the machine, overloads), printed at the end. */
  readonly warnings: string[] = [];

  constructor(
    readonly opts: BenchOptions,
    readonly scenario: string,
    private readonly deadline: number,
  ) {}

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  /** Throws when the run's time limit is reached (every loop checks this between steps). */
  checkTime(what: string): void {
    if (this.remainingMs() <= 0) throw new Error(`time limit reached before ${what}`);
  }

  generatorLifetimeMs(): number {
    return this.remainingMs() + GENERATOR_LIFETIME_MARGIN_MS;
  }

  /** A bound for one step: `wanted`, but never past the run's deadline. */
  stepMs(wanted: number): number {
    return Math.max(1, Math.min(wanted, this.remainingMs()));
  }

  targetOptions(name: TargetName): TargetOptions {
    const profileFlags = this.opts.profile && name === 'tscomet' ? ['--cpu-prof', `--cpu-prof-dir=${join(PATHS.results, 'profiles')}`] : [];
    return { nodeFlags: profileFlags, logLevel: this.opts.logLevel };
  }

  row(row: Omit<ResultRow, 'scenario'>): void {
    this.rows.push({ scenario: this.scenario, ...row });
  }

  warn(message: string): void {
    this.warnings.push(`${this.scenario}: ${message}`);
    this.log(`WARNING: ${message}`);
  }

  log(message: string): void {
    process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${this.scenario}: ${message}\n`);
  }
}
