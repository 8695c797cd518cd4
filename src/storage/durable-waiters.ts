// Bookkeeping behind WriteBehind.durable(): every write gets a sequence number; a durable()
// call covers the writes made since the previous call, (from, mark], and settles when the
// store has committed up to `mark`, when its deadline passes while the writes sit in the
// buffer, or with an error when one of its writes was refused (buffer full, store refused it).

import { StorageError } from './storage.js';

export type RefusalReason = 'buffer-full' | 'refused-by-store' | 'closed';

const REFUSAL_TEXT: Record<RefusalReason, string> = {
  'buffer-full': 'storage is unavailable and the write buffer is full: the write was not accepted',
  'refused-by-store': 'the store refused the write (see the server log)',
  closed: 'the server is shutting down: the write was not stored',
};

/** The error a durable() caller gets; only a full buffer may clear up by itself. */
export function refusalError(reason: RefusalReason): StorageError {
  return new StorageError(REFUSAL_TEXT[reason], reason === 'buffer-full');
}

interface Range {
  lo: number;
  hi: number;
  reason: RefusalReason;
}

/** Sequence numbers of writes that will never be stored, as merged ranges. */
export class RefusedWrites {
  private ranges: Range[] = [];

  /**
   * Record a refusal. `lastMark` is the mark of the latest durable() call: when the previous
   * refusal came after it, every waiter that covers this write also covers that one, so the
   * range may grow over the writes in between (which keeps the list short during an outage).
   */
  add(seq: number, reason: RefusalReason, lastMark: number): void {
    const last = this.ranges[this.ranges.length - 1];
    if (last && last.reason === reason && seq > last.hi && (last.hi === seq - 1 || last.hi > lastMark)) last.hi = seq;
    else this.ranges.push({ lo: seq, hi: seq, reason });
  }

  /** The first refusal in (from, mark], if any. */
  find(from: number, mark: number): RefusalReason | undefined {
    for (const r of this.ranges) if (r.hi > from && r.lo <= mark) return r.reason;
    return undefined;
  }

  /** Forget refusals at or below `seq` (no current or future waiter can cover them). */
  prune(seq: number): void {
    if (this.ranges.length === 0) return;
    this.ranges = this.ranges.filter((r) => r.hi > seq);
    if (this.ranges.length > 0 && this.ranges[0].lo <= seq) this.ranges[0].lo = seq + 1;
  }

  get size(): number {
    return this.ranges.length;
  }
}

interface Waiter {
  readonly from: number;
  readonly mark: number;
  readonly deadline: number;
  resolve(): void;
  reject(err: Error): void;
}

/** Pending durable() promises in call order (marks and deadlines never decrease). */
export class DurableWaiters {
  private list: Waiter[] = [];
  private head = 0;

  add(from: number, mark: number, deadline: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.list.push({ from, mark, deadline, resolve, reject }));
  }

  get size(): number {
    return this.list.length - this.head;
  }

  /** The `from` of the oldest waiter (what refusals must be kept for), or undefined. */
  oldestFrom(): number | undefined {
    return this.size > 0 ? this.list[this.head].from : undefined;
  }

  nextDeadline(): number | undefined {
    return this.size > 0 ? this.list[this.head].deadline : undefined;
  }

  /**
   * Settle every waiter whose writes are committed (mark <= applied) or buffered long enough
   * (deadline passed, or `ackAll` while the store has been down for the whole grace period).
   */
  settle(applied: number, now: number, ackAll: boolean, refused: RefusedWrites): void {
    while (this.head < this.list.length) {
      const w = this.list[this.head];
      if (!(w.mark <= applied || ackAll || w.deadline <= now)) break;
      this.head++;
      const reason = refused.find(w.from, w.mark);
      if (reason) w.reject(refusalError(reason));
      else w.resolve();
    }
    this.compact();
  }

  rejectAll(reason: RefusalReason): void {
    const err = refusalError(reason);
    for (let i = this.head; i < this.list.length; i++) this.list[i].reject(err);
    this.list = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.list.length) {
      this.list = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }
}
