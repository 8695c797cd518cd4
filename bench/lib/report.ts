// Result rows: printed as one table (TsComet beside bare ws, ratio = TsComet / bare ws) and written
// as JSON under bench/results/.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface ResultRow {
  readonly scenario: string;
  /** The size the figure was measured at, e.g. "10000 conns". */
  readonly size: string;
  readonly metric: string;
  readonly unit: string;
  readonly tscomet?: number;
  readonly bare?: number;
  /** Which direction is good, so a reader knows whether a ratio above 1 is a win. */
  readonly better: 'lower' | 'higher' | 'info';
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly openFilesLimit: string;
}

export function machineInfo(): MachineInfo {
  let openFilesLimit = 'unknown';
  try {
    const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) openFilesLimit = `${m[1]} (hard ${m[2]})`;
  } catch {
    // not Linux: leave unknown
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: release(),
    openFilesLimit,
  };
}

export function ratio(row: ResultRow): number | undefined {
  if (row.tscomet === undefined || row.bare === undefined || row.bare === 0) return undefined;
  return row.tscomet / row.bare;
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['scenario', 'size', 'metric', 'TsComet', 'bare ws', 'ratio', 'better'];
  const body = rows.map((r) => {
    const q = ratio(r);
    return [r.scenario, r.size, `${r.metric} (${r.unit})`, fmt(r.tscomet), fmt(r.bare), q === undefined ? '-' : `${q.toFixed(2)}x`, r.better];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Markdown version of the table for docs/PERFORMANCE.md. */
export function formatMarkdown(rows: readonly ResultRow[]): string {
  const out = ['| scenario | size | metric | TsComet | bare ws | ratio | better |', '|---|---|---|---:|---:|---:|---|'];
  for (const r of rows) {
    const q = ratio(r);
    out.push(`| ${r.scenario} | ${r.size} | ${r.metric} (${r.unit}) | ${fmt(r.tscomet)} | ${fmt(r.bare)} | ${q === undefined ? '-' : `${q.toFixed(2)}x`} | ${r.better} |`);
  }
  return out.join('\n');
}

export interface ResultFile {
  readonly scenario: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Cost of one loopback write on this machine, measured at the start of the run. */
  readonly loopbackFloor: unknown;
  readonly options: unknown;
  readonly rows: readonly ResultRow[];
  readonly details: unknown;
}

export function writeResultFile(dir: string, result: ResultFile): string {
  mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const path = join(dir, `${stamp}-${result.scenario}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
