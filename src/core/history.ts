// Pipe history (pipes_settings + stored messages), insertion-ordered (ruling 6).
import { v1 as uuidv1 } from 'uuid';
import type { HistoryRow, StorageSink } from '../storage/storage.js';
import { DevMap } from './keyed.js';
import { MAX_HISTORY_LENGTH, MAX_HISTORY_READ } from './names.js';

export class HistoryStore {
  readonly settings = new DevMap<string, number>();
  private readonly rows = new DevMap<string, HistoryRow[]>();

  constructor(private readonly sink: StorageSink) {}

  /** Clamp like upstream: above 1000 -> 1000, negative -> 1000 (COMETQL.md §4.4). */
  static clampLength(length: number): number {
    return length < 0 || length > MAX_HISTORY_LENGTH ? MAX_HISTORY_LENGTH : length;
  }

  setLength(dev: number, pipe: string, length: number): void {
    const clamped = HistoryStore.clampLength(length);
    this.settings.set(dev, pipe, clamped);
    this.sink.write({ op: 'pipeSettings.put', dev, pipe, length: clamped });
  }

  deleteSettings(dev: number, pipe: string): void {
    this.settings.delete(dev, pipe);
    this.rows.delete(dev, pipe);
    this.sink.write({ op: 'pipeSettings.delete', dev, pipe });
  }

  /** Whether messages to this pipe are stored: trust_* always, else length > 0. */
  enabled(dev: number, pipe: string): boolean {
    return pipe.startsWith('trust_') || (this.settings.get(dev, pipe) ?? 0) > 0;
  }

  /** Store a message if history is on for the pipe; trims to the newest `length`. */
  record(dev: number, pipe: string, event: string, message: string, userId: number, now: number): void {
    if (!this.enabled(dev, pipe)) return;
    const row: HistoryRow = { id: uuidv1(), time: now, pipe, event: event === '' ? 'undefined' : event, message, userId };
    this.restore(dev, row);
    this.sink.write({ op: 'history.append', dev, row });
    if (pipe.startsWith('trust_')) return; // trust_ pipes are never trimmed (upstream)
    const list = this.rows.get(dev, pipe)!;
    const keep = this.settings.get(dev, pipe) ?? 0;
    if (list.length > keep) {
      const removed = list.splice(0, list.length - keep);
      this.sink.write({ op: 'history.trim', dev, pipe, removeIds: removed.map((r) => r.id) });
    }
  }

  /** Add a row loaded from storage (no write). */
  restore(dev: number, row: HistoryRow): void {
    let list = this.rows.get(dev, row.pipe);
    if (!list) this.rows.set(dev, row.pipe, (list = []));
    list.push(row);
  }

  /** The newest min(length, 99) messages, oldest first (SERVER.md §2.2 Re-impl). */
  read(dev: number, pipe: string): readonly HistoryRow[] {
    const list = this.rows.get(dev, pipe);
    if (!list) return [];
    return list.length > MAX_HISTORY_READ ? list.slice(list.length - MAX_HISTORY_READ) : list;
  }

  deletePipe(dev: number, pipe: string): void {
    if (this.rows.delete(dev, pipe)) this.sink.write({ op: 'history.deletePipe', dev, pipe });
  }

  deleteMessage(dev: number, id: string): void {
    for (const pipe of this.rows.keys(dev)) {
      const list = this.rows.get(dev, pipe)!;
      const i = list.findIndex((r) => r.id === id);
      if (i >= 0) {
        list.splice(i, 1);
        if (list.length === 0) this.rows.delete(dev, pipe);
        this.sink.write({ op: 'history.deleteMessage', dev, id });
        return;
      }
    }
  }
}
