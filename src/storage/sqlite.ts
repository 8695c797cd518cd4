// The embedded default store: one SQLite file through better-sqlite3 (WAL mode, prepared
// statements, one transaction per batch). Calls are synchronous but short: the write-behind
// queue hands it batches, so the event loop pauses once per batch, not once per write.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../log.js';
import { StorageError, type Snapshot, type Storage, type WriteOp } from './storage.js';
import { SQLITE_LOAD, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION, SQLITE_STATEMENTS } from './sqlite-schema.js';
import { buildSnapshot, type RawRow } from './snapshot-rows.js';

export interface SqliteStorageOptions {
  readonly path: string;
  /** Written to log_event as `start-<nodeName>` at open, like upstream. */
  readonly nodeName: string;
  readonly log: Logger;
  /**
   * NORMAL (default): a commit survives a crash or kill of the process; an OS crash or power
   * loss may undo the last commits. FULL: every commit is fsynced (slower; blocks the loop).
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
}

type Statements = { [K in keyof typeof SQLITE_STATEMENTS]: Database.Statement };

/** Result codes that describe the moment (locks, I/O, disk), not the data: retry later. */
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|PROTOCOL|READONLY|NOMEM|INTERRUPT)/;

export function classifySqliteError(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const code = (err as { code?: unknown }).code;
  const transient = typeof code !== 'string' || TRANSIENT_SQLITE.test(code);
  return new StorageError(`sqlite: ${(err as Error).message}${typeof code === 'string' ? ` (${code})` : ''}`, transient, { cause: err });
}

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  private db: Database.Database | undefined;
  private stmts: Statements | undefined;
  private runBatch: ((ops: readonly WriteOp[]) => void) | undefined;

  constructor(private readonly opts: SqliteStorageOptions) {}

  async open(): Promise<void> {
    mkdirSync(dirname(this.opts.path), { recursive: true });
    const db = new Database(this.opts.path);
    try {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SQLITE_SCHEMA_VERSION) {
        throw new Error(`${this.opts.path} has schema version ${version}; this TsComet understands up to ${SQLITE_SCHEMA_VERSION}`);
      }
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.opts.synchronous ?? 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      db.exec(SQLITE_SCHEMA);
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
      const stmts = {} as Record<string, Database.Statement>;
      for (const [name, sql] of Object.entries(SQLITE_STATEMENTS)) stmts[name] = db.prepare(sql);
      this.stmts = stmts as Statements;
      this.runBatch = db.transaction((ops: readonly WriteOp[]) => {
        for (const op of ops) this.applyOne(op);
      });
      this.stmts.eventAppend.run(`start-${this.opts.nodeName}`);
      db.pragma('busy_timeout = 100'); // from now on a locked file fails fast (retried by the write-behind) instead of stalling the event loop
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    this.opts.log.info({ store: 'sqlite', path: this.opts.path }, 'sqlite store opened');
  }

  async load(): Promise<Snapshot> {
    const db = this.requireDb();
    const all = (sql: string): RawRow[] => db.prepare(sql).all() as RawRow[];
    return buildSnapshot(
      {
        auth: all(SQLITE_LOAD.auth),
        userData: all(SQLITE_LOAD.userData),
        revoked: all(SQLITE_LOAD.revoked),
        pipeSettings: all(SQLITE_LOAD.pipeSettings),
        history: all(SQLITE_LOAD.history),
        queue: all(SQLITE_LOAD.queue),
        userTime: all(SQLITE_LOAD.userTime),
      },
      { history: true, queue: true },
    );
  }

  async apply(ops: readonly WriteOp[]): Promise<void> {
    if (ops.length === 0) return;
    this.requireDb();
    try {
      this.runBatch!(ops);
    } catch (err) {
      throw classifySqliteError(err);
    }
  }

  async ping(): Promise<boolean> {
    try {
      this.requireDb().prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    this.stmts = undefined;
    this.runBatch = undefined;
    if (db?.open) db.close();
  }

  private requireDb(): Database.Database {
    if (!this.db) throw new StorageError('sqlite store is not open', true);
    return this.db;
  }

  private applyOne(op: WriteOp): void {
    const s = this.stmts!;
    switch (op.op) {
      case 'auth.put': s.authPut.run(op.dev, op.user, op.hash); break;
      case 'auth.delete': s.authDelete.run(op.dev, op.user); break;
      case 'userData.put': s.userDataPut.run(op.dev, op.user, op.data); break;
      case 'userData.delete': s.userDataDelete.run(op.dev, op.user); break;
      case 'revoked.put': s.revokedPut.run(op.dev, op.token, Math.floor(Date.now() / 1000)); break;
      case 'revoked.delete': s.revokedDelete.run(op.dev, op.token); break;
      case 'pipeSettings.put': s.settingsPut.run(op.dev, op.pipe, op.length); break;
      case 'pipeSettings.delete':
        s.settingsDelete.run(op.dev, op.pipe);
        s.historyDeletePipe.run(op.dev, op.pipe);
        break;
      case 'history.append': {
        const r = op.row;
        s.historyAppend.run(r.id, r.time, op.dev, r.pipe, r.event, r.message, r.userId);
        break;
      }
      case 'history.trim': for (const id of op.removeIds) s.historyDeleteId.run(op.dev, id); break;
      case 'history.deletePipe': s.historyDeletePipe.run(op.dev, op.pipe); break;
      case 'history.deleteMessage': s.historyDeleteId.run(op.dev, op.id); break;
      case 'queue.append': {
        const r = op.row;
        s.queueAppend.run(r.id, r.time, op.dev, r.userId, r.event, r.message);
        break;
      }
      case 'queue.delete': for (const id of op.ids) s.queueDeleteId.run(op.dev, id); break;
      case 'userTime.put': s.userTimePut.run(op.dev, op.user, op.time); break;
      case 'queryLog.append': s.queryLogAppend.run(op.dev, op.query); break;
      case 'event.append': s.eventAppend.run(op.text); break;
      default: {
        const never: never = op;
        throw new StorageError(`unknown write op ${JSON.stringify(never)}`, false);
      }
    }
  }
}
