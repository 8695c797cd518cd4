// The ordered buffer of WriteOps waiting for the store, numbered by write sequence. The only
// merge it does is provably equivalent: a newer userTime.put replaces a queued one for the same
// user (nothing else touches users_time, and REPLACE keeps only the last value).
import type { WriteOp } from './storage.js';

export interface QueuedOp {
  readonly seq: number;
  op: WriteOp;
}

type UserTimePut = Extract<WriteOp, { op: 'userTime.put' }>;
const userKey = (op: UserTimePut): string => `${op.dev}:${op.user}`;

export class OpQueue {
  private entries: QueuedOp[] = [];
  private head = 0;
  /** Queued userTime.put entries not yet handed to the store (merge targets). */
  private readonly latestUserTime = new Map<string, QueuedOp>();

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Sequence number of the oldest queued op. */
  firstSeq(): number | undefined {
    return this.size > 0 ? this.entries[this.head].seq : undefined;
  }

  /** Fold a userTime.put into a queued one for the same user; true when it was folded. */
  merge(op: WriteOp): boolean {
    if (op.op !== 'userTime.put') return false;
    const queued = this.latestUserTime.get(userKey(op));
    if (!queued) return false;
    queued.op = op;
    return true;
  }

  push(seq: number, op: WriteOp): void {
    const entry = { seq, op };
    this.entries.push(entry);
    if (op.op === 'userTime.put') this.latestUserTime.set(userKey(op), entry);
  }

  /** The `n` oldest ops (not removed); from now on they are no merge targets. */
  take(n: number): QueuedOp[] {
    const batch = this.entries.slice(this.head, this.head + n);
    for (const e of batch) {
      if (e.op.op !== 'userTime.put') continue;
      const key = userKey(e.op);
      if (this.latestUserTime.get(key) === e) this.latestUserTime.delete(key);
    }
    return batch;
  }

  /** Remove the `n` oldest ops (applied or dropped). */
  shift(n: number): void {
    this.head += n;
    if (this.head >= this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

/** What a log line may say about an op: its kind and keys, never bodies, hashes or tokens. */
export function describeOp(op: WriteOp): Record<string, unknown> {
  const d: Record<string, unknown> = { op: op.op };
  if ('dev' in op) d.dev = op.dev;
  if ('user' in op) d.user = op.user;
  if ('pipe' in op) d.pipe = op.pipe;
  if ('row' in op) Object.assign(d, { id: op.row.id, userId: op.row.userId, bytes: Buffer.byteLength(op.row.message, 'utf8') });
  if ('token' in op) d.tokenBytes = Buffer.byteLength(op.token, 'utf8');
  return d;
}
