// What the kernel says about a process: resident memory (/proc/<pid>/status) and CPU time
// (/proc/<pid>/stat). Read from outside so the figures cost the measured process nothing.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ; 100 on every Linux configuration Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ResidentMemory {
  readonly rssBytes: number;
  /** Peak RSS so far (VmHWM). */
  readonly peakRssBytes: number;
}

function statusField(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

export function residentMemory(pid: number): ResidentMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { rssBytes: statusField(text, 'VmRSS'), peakRssBytes: statusField(text, 'VmHWM') };
}

/** User + system CPU seconds consumed so far. */
export function cpuSeconds(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Measures CPU use of a set of processes over an interval, as a fraction of one core. */
export class CpuMeter {
  private readonly startCpu: number;
  private readonly startMs = Date.now();

  constructor(private readonly pids: readonly number[]) {
    this.startCpu = this.total();
  }

  private total(): number {
    return this.pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  }

  /** CPU seconds used since construction, and that as cores busy on average. */
  read(): { cpuSeconds: number; cores: number } {
    const used = this.total() - this.startCpu;
    const wall = (Date.now() - this.startMs) / 1000;
    return { cpuSeconds: used, cores: wall > 0 ? used / wall : 0 };
  }
}

interface MachineCpu {
  /** user + nice + system: processes, ours and everyone else's. */
  readonly process: number;
  /** irq + softirq: mostly the loopback traffic itself, charged to no process. */
  readonly interrupt: number;
  /** Time the hypervisor gave to other guests. */
  readonly steal: number;
}

/** CPU seconds of the whole machine by kind, from the first line of /proc/stat. */
function machineCpuSeconds(): MachineCpu {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    const at = (i: number) => (f[i] ?? 0) / CLOCK_TICKS_PER_SECOND;
    return { process: at(0) + at(1) + at(2), interrupt: at(5) + at(6), steal: at(7) };
  } catch {
    return { process: 0, interrupt: 0, steal: 0 };
  }
}

/** PF_KTHREAD in the flags field of /proc/<pid>/stat. */
const PF_KTHREAD = 0x00200000;

/**
 * CPU seconds of all kernel threads (ksoftirqd moving our loopback packets, kdamond, kworkers):
 * system time that belongs to no user process. Kernel threads never exit, so deltas are exact.
 */
function kernelThreadsCpuSeconds(): number {
  let total = 0;
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      if ((Number(fields[6]) & PF_KTHREAD) === 0) continue;
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended while we looked
    }
  }
  return total / CLOCK_TICKS_PER_SECOND;
}

/** Cores the whole machine keeps busy over an interval, by kind. */
export class MachineCpuMeter {
  private readonly start = machineCpuSeconds();
  private readonly startKernel = kernelThreadsCpuSeconds();
  private readonly startMs = Date.now();

  read(): { processCores: number; kernelThreadCores: number; interruptCores: number; stealCores: number } {
    const now = machineCpuSeconds();
    const kernel = kernelThreadsCpuSeconds();
    const wall = (Date.now() - this.startMs) / 1000 || 1;
    const kernelThreadCores = (kernel - this.startKernel) / wall;
    return {
      // user processes only: kernel threads are reported apart
      processCores: (now.process - this.start.process) / wall - kernelThreadCores,
      kernelThreadCores,
      interruptCores: (now.interrupt - this.start.interrupt) / wall,
      stealCores: (now.steal - this.start.steal) / wall,
    };
  }
}

/** Busy cores over `ms` before the run: other work on the machine distorts every figure. */
export async function machineBusyCores(ms: number): Promise<number> {
  const meter = new MachineCpuMeter();
  await new Promise((r) => setTimeout(r, ms));
  const r = meter.read();
  return r.processCores + r.stealCores;
}
