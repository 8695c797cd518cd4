// users_messages: private messages waiting for a user to connect (ruling 4): delivered all,
// oldest first; bounded per user and by age, and every bound hit is reported, never silent.
import { v1 as uuidv1 } from 'uuid';
import type { QueuedRow, StorageSink } from '../storage/storage.js';
import { DevMap } from './keyed.js';

export interface QueueLimits {
  readonly maxPerUser: number;
  readonly ttlSeconds: number; // 0 = keep forever
}

export type QueueWarning = (msg: string, details: Record<string, unknown>) => void;

export class OfflineQueue {
  private readonly queues = new DevMap<number, QueuedRow[]>();

  constructor(
    private readonly sink: StorageSink,
    private readonly limits: QueueLimits,
    private readonly warn: QueueWarning,
  ) {}

  enqueue(dev: number, userId: number, event: string, message: string, now: number): QueuedRow {
    const row: QueuedRow = { id: uuidv1(), time: now, userId, event, message };
    this.restore(dev, row);
    this.sink.write({ op: 'queue.append', dev, row });
    const list = this.queues.get(dev, userId)!;
    if (list.length > this.limits.maxPerUser) {
      const dropped = list.splice(0, list.length - this.limits.maxPerUser);
      this.sink.write({ op: 'queue.delete', dev, ids: dropped.map((r) => r.id) });
      this.warn('offline queue cap reached: oldest messages dropped', { dev, userId, dropped: dropped.length, cap: this.limits.maxPerUser });
    }
    return row;
  }

  restore(dev: number, row: QueuedRow): void {
    let list = this.queues.get(dev, row.userId);
    if (!list) this.queues.set(dev, row.userId, (list = []));
    list.push(row);
  }

  /** The user's queued messages, oldest first (expired ones are removed first). */
  peek(dev: number, userId: number, now: number): readonly QueuedRow[] {
    this.expire(dev, userId, now);
    return this.queues.get(dev, userId) ?? [];
  }

  /** Remove exactly these delivered rows. */
  remove(dev: number, userId: number, ids: ReadonlySet<string>): void {
    const list = this.queues.get(dev, userId);
    if (!list || ids.size === 0) return;
    const kept = list.filter((r) => !ids.has(r.id));
    if (kept.length === 0) this.queues.delete(dev, userId);
    else this.queues.set(dev, userId, kept);
    this.sink.write({ op: 'queue.delete', dev, ids: [...ids] });
  }

  clear(dev: number, userId: number): void {
    const list = this.queues.get(dev, userId);
    if (!list) return;
    this.queues.delete(dev, userId);
    this.sink.write({ op: 'queue.delete', dev, ids: list.map((r) => r.id) });
  }

  private expire(dev: number, userId: number, now: number): void {
    if (this.limits.ttlSeconds <= 0) return;
    const list = this.queues.get(dev, userId);
    if (!list) return;
    const limit = now - this.limits.ttlSeconds;
    let n = 0;
    while (n < list.length && list[n].time < limit) n++;
    if (n === 0) return;
    const expired = list.splice(0, n);
    if (list.length === 0) this.queues.delete(dev, userId);
    this.sink.write({ op: 'queue.delete', dev, ids: expired.map((r) => r.id) });
    this.warn('offline queue: expired messages dropped', { dev, userId, dropped: n, ttlSeconds: this.limits.ttlSeconds });
  }

  size(): number {
    return this.queues.size();
  }
}
