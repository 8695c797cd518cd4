// The persistence contract. The core keeps the authoritative copy in memory (loaded once at
// startup) and hands every change to a StorageSink; a Storage applies batches of WriteOps.

export interface HistoryRow {
  readonly id: string; // 36-char time-based UUID
  readonly time: number; // unix seconds
  readonly pipe: string;
  readonly event: string;
  readonly message: string;
  readonly userId: number;
}

export interface QueuedRow {
  readonly id: string;
  readonly time: number;
  readonly userId: number;
  readonly event: string;
  readonly message: string;
}

/** Everything the core needs at startup, per dev_id. Lists are in insertion order. */
export interface Snapshot {
  readonly auth: ReadonlyArray<{ dev: number; user: number; hash: string }>;
  readonly userData: ReadonlyArray<{ dev: number; user: number; data: string }>;
  readonly revoked: ReadonlyArray<{ dev: number; token: string }>;
  readonly pipeSettings: ReadonlyArray<{ dev: number; pipe: string; length: number }>;
  readonly history: ReadonlyArray<{ dev: number; row: HistoryRow }>;
  readonly queue: ReadonlyArray<{ dev: number; row: QueuedRow }>;
  readonly userTime: ReadonlyArray<{ dev: number; user: number; time: number }>;
}

export type WriteOp =
  | { readonly op: 'auth.put'; readonly dev: number; readonly user: number; readonly hash: string }
  | { readonly op: 'auth.delete'; readonly dev: number; readonly user: number }
  | { readonly op: 'userData.put'; readonly dev: number; readonly user: number; readonly data: string }
  | { readonly op: 'userData.delete'; readonly dev: number; readonly user: number }
  | { readonly op: 'revoked.put'; readonly dev: number; readonly token: string }
  | { readonly op: 'revoked.delete'; readonly dev: number; readonly token: string }
  | { readonly op: 'pipeSettings.put'; readonly dev: number; readonly pipe: string; readonly length: number }
  /** Deletes the settings row and the whole history of the pipe. */
  | { readonly op: 'pipeSettings.delete'; readonly dev: number; readonly pipe: string }
  | { readonly op: 'history.append'; readonly dev: number; readonly row: HistoryRow }
  /** Delete the listed rows (the oldest ones, cut by a trim). */
  | { readonly op: 'history.trim'; readonly dev: number; readonly pipe: string; readonly removeIds: readonly string[] }
  | { readonly op: 'history.deletePipe'; readonly dev: number; readonly pipe: string }
  | { readonly op: 'history.deleteMessage'; readonly dev: number; readonly id: string }
  | { readonly op: 'queue.append'; readonly dev: number; readonly row: QueuedRow }
  | { readonly op: 'queue.delete'; readonly dev: number; readonly ids: readonly string[] }
  | { readonly op: 'userTime.put'; readonly dev: number; readonly user: number; readonly time: number }
  | { readonly op: 'queryLog.append'; readonly dev: number; readonly query: string }
  | { readonly op: 'event.append'; readonly text: string };

/** A persistent backend (MySQL through mysql2, or SQLite). Each method may throw on I/O failure. */
export interface Storage {
  readonly kind: 'mysql' | 'sqlite';
  /** Connect (MySQL: with `connection_attempts` retries 5 s apart) and write the log_event row. */
  open(): Promise<void>;
  load(): Promise<Snapshot>;
  /** Apply a batch atomically where the backend allows; replaying an applied batch is harmless. */
  apply(ops: readonly WriteOp[]): Promise<void>;
  /** True when the backend answers right now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** What the core writes to. Implemented by the write-behind queue (and by a memory sink in tests). */
export interface StorageSink {
  /** Queue a change; never blocks, never throws. */
  write(op: WriteOp): void;
  /**
   * Resolves when everything written so far is durable, or — while the store is unreachable —
   * once it is safely buffered (see docs/DESIGN.md, durability). Rejects only when the buffer is
   * full, in which case the caller must report the write as failed.
   */
  durable(): Promise<void>;
}

/** A sink that stores nothing (no persistence): used by unit tests of the core. */
export class NullSink implements StorageSink {
  readonly ops: WriteOp[] = [];
  constructor(private readonly record = false) {}
  write(op: WriteOp): void {
    if (this.record) this.ops.push(op);
  }
  durable(): Promise<void> {
    return Promise.resolve();
  }
}

export const EMPTY_SNAPSHOT: Snapshot = { auth: [], userData: [], revoked: [], pipeSettings: [], history: [], queue: [], userTime: [] };

/**
 * What Storage.apply() throws. `transient`: the store is unreachable, locked or full right now and
 * the same batch may succeed later; otherwise the batch holds an op the store can never accept
 * (a value too long for its column, a character its charset cannot hold) and retrying is futile.
 * Errors of any other class are treated as transient.
 */
export class StorageError extends Error {
  readonly code = 'TSCOMET_STORAGE';
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}
