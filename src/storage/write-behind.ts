// The write-behind queue between the core and a Storage: writes are queued in order and
// applied in batches (group commit); while the store is down they stay buffered, in order,
// and are replayed when it returns. See docs/DESIGN.md (storage) for the guarantees.
import { StorageError, type Storage, type StorageSink, type WriteOp } from './storage.js';
import { DurableWaiters, RefusedWrites, refusalError, type RefusalReason } from './durable-waiters.js';
import { OpQueue, describeOp, type QueuedOp } from './op-queue.js';

export interface SinkLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface WriteBehindOptions {
  readonly log: SinkLog;
  /** Longest wait before queued writes are applied (a durable() call flushes at once). */
  readonly flushIntervalMs?: number;
  /** Ops per storage.apply() call. */
  readonly maxBatch?: number;
  /** How long a durable() caller waits for a commit before a buffered write counts (Infinity: never). */
  readonly bufferedAckMs?: number;
  /** Buffer bound: beyond it writes are refused and durable() rejects. */
  readonly maxPending?: number;
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  /** close(): how long to keep retrying a store that does not answer. */
  readonly closeTimeoutMs?: number;
}

export interface WriteBehindStats {
  /** Writes queued and not yet committed (including the batch being applied). */
  readonly pending: number;
  /** Failed storage.apply() calls so far. */
  readonly failures: number;
  readonly healthy: boolean;
  readonly lastError?: string;
  /** Writes committed so far. */
  readonly applied: number;
  /** Writes the store refused for good (value cannot be stored), each logged. */
  readonly dropped: number;
  /** Writes refused because the buffer was full or the sink closed. */
  readonly rejected: number;
}

export class WriteBehind implements StorageSink {
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly bufferedAckMs: number;
  private readonly maxPending: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly closeTimeoutMs: number;

  private readonly queue = new OpQueue();
  private lastSeq = 0;
  private lastDurableMark = 0;
  private singleStepUntil = 0; // isolate a refused batch op by op up to this seq
  private readonly refused = new RefusedWrites();
  private readonly noRefusals = new RefusedWrites(); // flush() drains; it does not report refusals
  private readonly waiters = new DurableWaiters();
  private readonly flushWaiters = new DurableWaiters();

  private counters = { failures: 0, applied: 0, dropped: 0, rejected: 0 };
  private healthy = true;
  private unhealthySince = 0;
  private lastError: string | undefined;
  private full = false;
  private backoffMs: number;

  private started = false;
  private closing = false;
  private stopped = false;
  private loopRunning = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushSoon: NodeJS.Immediate | undefined;
  private ackTimer: NodeJS.Timeout | undefined;
  private ackDue = 0;
  private wakeBackoff: (() => void) | undefined;
  private closePromise: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly opts: WriteBehindOptions,
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? 5;
    this.maxBatch = Math.max(1, opts.maxBatch ?? 500);
    this.bufferedAckMs = opts.bufferedAckMs ?? 1000;
    this.maxPending = Math.max(1, opts.maxPending ?? 100_000);
    this.retryMinMs = opts.retryMinMs ?? 100;
    this.retryMaxMs = opts.retryMaxMs ?? 5000;
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 5000;
    this.backoffMs = this.retryMinMs;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (this.pending > 0) this.scheduleFlush(0);
  }

  write(op: WriteOp): void {
    const seq = ++this.lastSeq;
    if (this.stopped) {
      this.refuse(seq, 'closed');
      this.opts.log.error({ op: op.op }, 'write after storage shutdown: not stored');
      return;
    }
    if (this.queue.merge(op)) return; // folded into a queued write: the buffer does not grow
    if (!this.admit(seq)) return;
    this.queue.push(seq, op);
    this.scheduleFlush(this.pending >= this.maxBatch ? 0 : this.flushIntervalMs);
  }

  durable(): Promise<void> {
    const from = this.lastDurableMark;
    const mark = this.lastSeq;
    this.lastDurableMark = mark;
    const reason = this.refused.find(from, mark);
    if (this.waiters.size === 0 && this.refused.size > 0) this.refused.prune(mark); // nobody else can cover them
    if (reason) return Promise.reject(refusalError(reason));
    if (mark <= this.appliedSeq) return Promise.resolve();
    if (this.stopped) return Promise.reject(refusalError('closed'));
    if (this.outageIsOld(Date.now())) return Promise.resolve(); // buffered; see DESIGN (durability)
    const p = this.waiters.add(from, mark, Date.now() + this.bufferedAckMs);
    this.scheduleFlush(0); // group commit: every durable() of this turn shares the next batch
    this.armAckTimer();
    return p;
  }

  /** Apply everything written so far now; resolves when it is committed. */
  flush(): Promise<void> {
    const mark = this.lastSeq;
    if (mark <= this.appliedSeq) return Promise.resolve();
    if (this.stopped) return Promise.reject(refusalError('closed'));
    const p = this.flushWaiters.add(0, mark, Number.POSITIVE_INFINITY);
    this.wakeBackoff?.();
    this.runSoon();
    return p;
  }

  /** Drain the buffer (retrying a failing store until closeTimeoutMs), then stop. */
  close(): Promise<void> {
    this.closePromise ??= this.drainAndStop();
    return this.closePromise;
  }

  stats(): WriteBehindStats {
    return { pending: this.pending, healthy: this.healthy, lastError: this.lastError, ...this.counters };
  }

  private get pending(): number {
    return this.queue.size;
  }

  /** Every write with a sequence number up to this one is committed or refused. */
  private get appliedSeq(): number {
    const first = this.queue.firstSeq();
    return first === undefined ? this.lastSeq : first - 1;
  }

  private admit(seq: number): boolean {
    if (this.pending < this.maxPending) return true;
    this.refuse(seq, 'buffer-full');
    if (!this.full) {
      this.full = true;
      this.opts.log.error({ pending: this.pending, maxPending: this.maxPending }, 'storage write buffer is full: new writes are refused until the store catches up');
    }
    return false;
  }

  private refuse(seq: number, reason: RefusalReason): void {
    this.refused.add(seq, reason, this.lastDurableMark);
    this.counters.rejected++;
  }

  private outageIsOld(now: number): boolean {
    return !this.healthy && now - this.unhealthySince >= this.bufferedAckMs;
  }

  private scheduleFlush(delayMs: number): void {
    if (!this.started || this.stopped || this.loopRunning) return; // a running loop picks new writes up
    if (delayMs <= 0) this.runSoon();
    else if (!this.flushTimer && !this.flushSoon) this.flushTimer = setTimeout(() => this.runSoon(), delayMs);
  }

  private runSoon(): void {
    if (this.flushSoon || this.loopRunning) return;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushSoon = setImmediate(() => {
      this.flushSoon = undefined;
      void this.runLoop();
    });
  }

  private async runLoop(): Promise<void> {
    if (this.loopRunning) return;
    this.loopRunning = true;
    try {
      while (!this.stopped && this.pending > 0) {
        const size = this.queue.firstSeq()! <= this.singleStepUntil ? 1 : Math.min(this.maxBatch, this.pending);
        const batch = this.queue.take(size);
        try {
          await this.storage.apply(batch.map((e) => e.op));
          this.markAvailable();
          this.advance(batch.length, 'applied');
          if (this.pending > 0) await new Promise((r) => setImmediate(r)); // let I/O in between batches
        } catch (err) {
          const transient = !(err instanceof StorageError) || err.transient;
          if (transient) {
            this.markUnavailable(err as Error);
            await this.backoff();
          } else if (batch.length > 1) {
            this.markAvailable();
            this.singleStepUntil = batch[batch.length - 1].seq;
          } else {
            this.markAvailable();
            this.drop(batch[0], err as Error);
          }
        }
      }
    } finally {
      this.loopRunning = false;
    }
  }

  private advance(n: number, how: 'applied' | 'dropped'): void {
    this.queue.shift(n);
    if (how === 'applied') this.counters.applied += n;
    if (this.full && this.pending < this.maxPending) {
      this.full = false;
      this.opts.log.warn({ pending: this.pending }, 'storage write buffer has room again: writes are accepted');
    }
    this.settle();
  }

  private drop(entry: QueuedOp, err: Error): void {
    this.counters.dropped++;
    this.refused.add(entry.seq, 'refused-by-store', this.lastDurableMark);
    this.opts.log.error({ ...describeOp(entry.op), err: err.message }, 'the store refused a write: it is not stored');
    this.advance(1, 'dropped');
  }

  private markUnavailable(err: Error): void {
    this.counters.failures++;
    this.lastError = err.message;
    if (!this.healthy) return;
    this.healthy = false;
    this.unhealthySince = Date.now();
    this.opts.log.error(
      { err: err.message, pending: this.pending, bufferedAckMs: this.bufferedAckMs },
      'storage unavailable: writes are buffered in memory and will be replayed in order',
    );
    this.armAckTimer();
  }

  private markAvailable(): void {
    this.backoffMs = this.retryMinMs;
    if (this.healthy) return;
    this.healthy = true;
    this.opts.log.warn({ outageMs: Date.now() - this.unhealthySince, pending: this.pending }, 'storage available again: replaying buffered writes');
  }

  /** Sleep before the next retry; flush() and close() cut it short. */
  private backoff(): Promise<void> {
    const ms = this.closing ? Math.min(this.backoffMs, 250) : this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.retryMaxMs);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeBackoff?.(), ms);
      this.wakeBackoff = () => {
        clearTimeout(timer);
        this.wakeBackoff = undefined;
        resolve();
      };
    });
  }

  private settle(): void {
    const now = Date.now();
    const applied = this.appliedSeq;
    this.waiters.settle(applied, now, this.outageIsOld(now), this.refused);
    this.flushWaiters.settle(applied, 0, false, this.noRefusals);
    this.refused.prune(Math.min(this.lastDurableMark, this.waiters.oldestFrom() ?? Number.POSITIVE_INFINITY));
    this.armAckTimer();
  }

  /** One timer for the earliest buffered-ack deadline (not one per waiter). */
  private armAckTimer(): void {
    if (this.waiters.size === 0 || !Number.isFinite(this.bufferedAckMs) || this.stopped) {
      if (this.ackTimer) clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
      return;
    }
    let due = this.waiters.nextDeadline()!;
    if (!this.healthy) due = Math.min(due, this.unhealthySince + this.bufferedAckMs);
    if (this.ackTimer && this.ackDue === due) return;
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackDue = due;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.settle();
    }, Math.max(0, due - Date.now()));
  }

  private async drainAndStop(): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + this.closeTimeoutMs;
    while (this.pending > 0 && Date.now() < deadline) {
      const drained = this.flush().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))))]);
      clearTimeout(timer);
    }
    this.stopped = true;
    for (const t of [this.flushTimer, this.ackTimer]) if (t) clearTimeout(t);
    if (this.flushSoon) clearImmediate(this.flushSoon);
    this.wakeBackoff?.();
    if (this.pending > 0) {
      this.opts.log.error({ lost: this.pending, lastError: this.lastError }, 'storage did not accept the buffered writes before shutdown: they are lost');
    }
    this.waiters.rejectAll('closed');
    this.flushWaiters.rejectAll('closed');
  }
}
