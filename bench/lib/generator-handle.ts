// The runner half of the IPC channel: one forked generator process, requests with a time bound.
import { fork, type ChildProcess } from 'node:child_process';
import { registerChild, stopChild } from './children.js';
import type { GeneratorRequest, ProgressPush, PushEnvelope, ReplyEnvelope } from './ipc-messages.js';

export class GeneratorHandle {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private progressListener: ((p: ProgressPush) => void) | undefined;

  private constructor(readonly name: string, readonly proc: ChildProcess) {
    proc.on('message', (raw: unknown) => {
      if ((raw as PushEnvelope).push) {
        this.progressListener?.((raw as PushEnvelope).push);
        return;
      }
      const reply = raw as ReplyEnvelope;
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      clearTimeout(waiter.timer);
      if (reply.error) waiter.reject(new Error(`${this.name}: ${reply.error}`));
      else waiter.resolve(reply.body);
    });
    proc.once('exit', (code, signal) => {
      for (const [, w] of this.pending) {
        clearTimeout(w.timer);
        w.reject(new Error(`${this.name} exited (${code ?? signal})`));
      }
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Fork a compiled generator; `lifetimeMs` bounds it even if the runner hangs. */
  static start(name: string, modulePath: string, lifetimeMs: number): GeneratorHandle {
    const proc = fork(modulePath, [], {
      // Structured clone carries the latency Float64Arrays without JSON.
      serialization: 'advanced',
      env: { ...process.env, BENCH_GENERATOR_LIFETIME_MS: String(lifetimeMs) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
    });
    registerChild(proc);
    return new GeneratorHandle(name, proc);
  }

  call<T>(body: GeneratorRequest, timeoutMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}: ${body.type} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ id, body });
    });
  }

  /** Fire and forget (window updates). */
  notify(body: GeneratorRequest): void {
    if (this.proc.connected) this.proc.send({ id: 0, body });
  }

  onProgress(listener: ((p: ProgressPush) => void) | undefined): void {
    this.progressListener = listener;
  }

  stop(): Promise<void> {
    return stopChild(this.proc);
  }
}
