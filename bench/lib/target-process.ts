// A benchmarked server process (the TsComet daemon or bare-ws-broadcast): started with the memory
// probe preloaded, ready when it prints its {"msg":"ready",...} line, measured from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { registerChild, stopChild } from './children.js';
import { residentMemory } from './proc-stat.js';

const READY_TIMEOUT_MS = 30_000;
const PROBE_TIMEOUT_MS = 10_000;
const TAIL_LINES = 20;

export interface MemorySample {
  readonly rssBytes: number;
  readonly peakRssBytes: number;
  /** From the preloaded probe; 0 when the probe did not answer. */
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
}

export interface ReadyLine {
  readonly wsPort: number;
  readonly cometqlPort: number;
  readonly httpPort: number;
}

export interface SpawnTargetOptions {
  readonly script: string;
  readonly args: readonly string[];
  readonly nodeFlags: readonly string[];
  readonly cwd: string;
  readonly probeModule: string;
}

export class TargetProcess {
  /** Lines the server printed after it was ready (log volume during the benchmark). */
  linesAfterReady = 0;
  private readonly tail: string[] = [];
  private nextProbeId = 1;
  private readonly probeWaiters = new Map<number, (m: Record<string, number>) => void>();

  private constructor(readonly proc: ChildProcess, readonly ready: ReadyLine) {
    proc.on('message', (raw: unknown) => {
      const m = raw as { type?: string; id?: number } & Record<string, number>;
      if (m?.type !== 'probe-result' || m.id === undefined) return;
      this.probeWaiters.get(m.id)?.(m);
      this.probeWaiters.delete(m.id);
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  static async spawn(opts: SpawnTargetOptions): Promise<TargetProcess> {
    const probe = pathToFileURL(opts.probeModule).href;
    const proc = spawn(process.execPath, [...opts.nodeFlags, '--expose-gc', '--import', probe, opts.script, ...opts.args], {
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    registerChild(proc);
    const tail: string[] = [];
    const remember = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    let target: TargetProcess | undefined;
    createInterface({ input: proc.stderr! }).on('line', (line) => (target ? target.remember(line) : remember(line)));
    const ready = await new Promise<ReadyLine>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${opts.script}: no ready line within ${READY_TIMEOUT_MS} ms\n${tail.join('\n')}`)), READY_TIMEOUT_MS);
      // Keep draining stdout for the whole run: a full pipe would block the server's logger.
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        if (target) {
          target.linesAfterReady++;
          target.remember(line);
          return;
        }
        remember(line);
        let rec: Record<string, unknown>;
        try {
          rec = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return;
        }
        if (rec.msg !== 'ready') return;
        clearTimeout(timer);
        resolve({ wsPort: Number(rec.wsPort ?? 0), cometqlPort: Number(rec.cometqlPort ?? 0), httpPort: Number(rec.httpPort ?? 0) });
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${opts.script} exited (${code ?? signal}) before ready:\n${tail.join('\n')}`));
      });
    });
    target = new TargetProcess(proc, ready);
    target.tail.push(...tail);
    return target;
  }

  private remember(line: string): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }

  outputTail(): string {
    return this.tail.join('\n');
  }

  /** RSS from the kernel; heap from the probe, after a full GC when `gc` (same for every target). */
  async memory(gc: boolean): Promise<MemorySample> {
    const heap = await this.askProbe(gc);
    const rss = residentMemory(this.pid);
    return {
      rssBytes: rss.rssBytes,
      peakRssBytes: rss.peakRssBytes,
      heapUsedBytes: heap?.heapUsed ?? 0,
      heapTotalBytes: heap?.heapTotal ?? 0,
      externalBytes: heap?.external ?? 0,
    };
  }

  private askProbe(gc: boolean): Promise<Record<string, number> | undefined> {
    if (!this.proc.connected) return Promise.resolve(undefined);
    const id = this.nextProbeId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.probeWaiters.delete(id);
        resolve(undefined);
      }, PROBE_TIMEOUT_MS);
      this.probeWaiters.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.proc.send({ type: 'probe', id, gc });
    });
  }

  async stop(): Promise<void> {
    await stopChild(this.proc, 12_000);
  }
}
