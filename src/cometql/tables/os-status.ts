// SHOW FILESYSTEM|RAM|AVG|UPTIME STATUS (COMETQL.md §3.7, OPT): the same row names as upstream,
// read from Node's os/fs and /proc instead of running `df` and reading files by hand.
import { readFile, statfs } from 'node:fs/promises';
import { loadavg, totalmem, freemem, uptime } from 'node:os';
import { SqlErrors, type SqlError } from '../../errors.js';

type OsFlag = 'filesystem' | 'ram' | 'avg' | 'uptime';

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** `df -h` style: 1024-based, one decimal below 10, rounded up. */
export function humanSize(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return String(bytes);
  return v < 10 ? `${(Math.ceil(v * 10) / 10).toFixed(1)}${units[i]}` : `${Math.ceil(v)}${units[i]}`;
}

async function rootDevice(): Promise<string> {
  const mounts = await readText('/proc/mounts');
  const line = mounts?.split('\n').find((l) => l.split(' ')[1] === '/');
  return line ? line.split(' ')[0] : '/';
}

async function filesystemRows(): Promise<string[][] | SqlError> {
  try {
    const s = await statfs('/');
    const total = s.blocks * s.bsize;
    const used = (s.blocks - s.bfree) * s.bsize;
    const avail = s.bavail * s.bsize;
    const pct = used + avail > 0 ? Math.ceil((used / (used + avail)) * 100) : 0;
    return [
      ['flag', 'filesystem'],
      ['filesystem', await rootDevice()],
      ['size', humanSize(total)],
      ['used', humanSize(used)],
      ['available', humanSize(avail)],
      ['use', `${pct}%`],
    ];
  } catch {
    return SqlErrors.execCommandFailed;
  }
}

/** /proc/meminfo as name → number (unit dropped), at most 34 rows like upstream. */
async function ramRows(): Promise<string[][]> {
  const text = await readText('/proc/meminfo');
  if (text === null) return [['MemTotal', String(Math.floor(totalmem() / 1024))], ['MemFree', String(Math.floor(freemem() / 1024))]];
  const out: string[][] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:]+):\s*(\d+)/.exec(line);
    if (m) out.push([m[1], m[2]]);
    if (out.length === 34) break;
  }
  return out;
}

async function avgRows(): Promise<string[][]> {
  const [a, b, c] = loadavg();
  const procs = /\s(\d+)\/(\d+)\s/.exec((await readText('/proc/loadavg')) ?? '');
  return [
    ['load_avg_1', a.toFixed(2)],
    ['load_avg_2', b.toFixed(2)],
    ['load_avg_3', c.toFixed(2)],
    ['running_processes', procs ? procs[1] : '0'],
    ['total_processes', procs ? procs[2] : '0'],
  ];
}

async function uptimeRows(): Promise<string[][]> {
  const parts = ((await readText('/proc/uptime')) ?? '').trim().split(/\s+/);
  const up = Number(parts[0]);
  const idle = Number(parts[1]);
  return [
    ['os_uptime', (Number.isFinite(up) ? up : uptime()).toFixed(6)],
    ['os_idle', (Number.isFinite(idle) ? idle : 0).toFixed(6)],
  ];
}

export function osStatusRows(flag: OsFlag): Promise<string[][] | SqlError> {
  switch (flag) {
    case 'filesystem': return filesystemRows();
    case 'ram': return ramRows();
    case 'avg': return avgRows();
    case 'uptime': return uptimeRows();
  }
}
