// Turns the rows both stores read at startup (db.sql column names) into the core's Snapshot.
import type { HistoryRow, QueuedRow, Snapshot } from './storage.js';
import { sortByCreation } from './row-order.js';

export type RawRow = Record<string, unknown>;

export interface RawTables {
  readonly auth: readonly RawRow[];
  readonly userData: readonly RawRow[];
  readonly revoked: readonly RawRow[];
  readonly pipeSettings: readonly RawRow[];
  /** Ordered by seq when `ordered` is true, otherwise sorted here by creation. */
  readonly history: readonly RawRow[];
  readonly queue: readonly RawRow[];
  readonly userTime: readonly RawRow[];
}

/** A text column: NULL reads as '' and VARBINARY (a Buffer) as UTF-8. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** An integer column: NULL reads as 0. */
export function int(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return Number(v);
}

function historyRow(r: RawRow): { dev: number; row: HistoryRow } {
  return {
    dev: int(r.dev_id),
    row: { id: text(r.id), time: int(r.time), pipe: text(r.pipe_name), event: text(r.event), message: text(r.message), userId: int(r.user_id) },
  };
}

function queuedRow(r: RawRow): { dev: number; row: QueuedRow } {
  return { dev: int(r.dev_id), row: { id: text(r.id), time: int(r.time), userId: int(r.user_id), event: text(r.event), message: text(r.message) } };
}

export function buildSnapshot(raw: RawTables, ordered: { history: boolean; queue: boolean }): Snapshot {
  const history = raw.history.map(historyRow);
  const queue = raw.queue.map(queuedRow);
  return {
    auth: raw.auth.map((r) => ({ dev: int(r.dev_id), user: int(r.user_id), hash: text(r.hash) })),
    userData: raw.userData.map((r) => ({ dev: int(r.dev_id), user: int(r.user_id), data: text(r.data) })),
    revoked: raw.revoked.map((r) => ({ dev: int(r.dev_id), token: text(r.token) })),
    pipeSettings: raw.pipeSettings.map((r) => ({ dev: int(r.dev_id), pipe: text(r.name), length: int(r.length) })),
    history: ordered.history ? history : sortEntries(history),
    queue: ordered.queue ? queue : sortEntries(queue),
    userTime: raw.userTime.map((r) => ({ dev: int(r.dev_id), user: int(r.user_id), time: int(r.time) })),
  };
}

function sortEntries<T extends { row: { time: number; id: string } }>(entries: readonly T[]): T[] {
  const sorted = sortByCreation(entries.map((e) => ({ time: e.row.time, id: e.row.id, entry: e })));
  return sorted.map((s) => s.entry);
}
