// The MySQL / MariaDB store on the upstream schema (db.sql), through a small mysql2 pool.
// Every batch is one transaction of server-side prepared statements; the password never
// reaches a log line (upstream printed it on connection failure, SERVER.md §5 #23).
import mysql from 'mysql2/promise';
import type { Logger } from '../log.js';
import { StorageError, type Snapshot, type Storage, type WriteOp } from './storage.js';
import { COLUMNS_QUERY, ENGINES_QUERY, MysqlSchema, OPTIONAL_TABLES } from './mysql-schema.js';
import { compileBatch, type CompileNotes } from './mysql-statements.js';
import { buildSnapshot, type RawRow } from './snapshot-rows.js';

export interface MysqlStorageOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** Startup tries (upstream [db] connection_attempts), `retryIntervalMs` apart. */
  readonly connectionAttempts: number;
  /** [db] buf_size: bodies above it are stored whole but reported (the ingest layers enforce it). */
  readonly maxStoredMessage: number;
  /** Written to log_event as `start-<nodeName>` at open, like upstream. */
  readonly nodeName: string;
  readonly log: Logger;
  /** Pause between startup tries; upstream: 5 s. */
  readonly retryIntervalMs?: number;
  readonly connectTimeoutMs?: number;
  /** A statement that takes longer fails the batch (and the connection is dropped). */
  readonly queryTimeoutMs?: number;
  readonly poolSize?: number;
}

/** Server errors about the data or the schema: the same batch will fail again. */
const PERMANENT_ERRNO = new Set([
  1048, // ER_BAD_NULL_ERROR
  1054, // ER_BAD_FIELD_ERROR
  1062, // ER_DUP_ENTRY
  1064, // ER_PARSE_ERROR
  1136, // ER_WRONG_VALUE_COUNT_ON_ROW
  1146, // ER_NO_SUCH_TABLE
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1267, // ER_CANT_AGGREGATE_2COLLATIONS
  1292, // ER_TRUNCATED_WRONG_VALUE
  1300, // ER_INVALID_CHARACTER_STRING
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1406, // ER_DATA_TOO_LONG
]);

export function classifyMysqlError(err: unknown): StorageError {
  if (err instanceof StorageError) return err;
  const e = err as { errno?: number; code?: string; message?: string };
  const transient = !(typeof e.errno === 'number' && PERMANENT_ERRNO.has(e.errno));
  return new StorageError(`mysql: ${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`, transient, { cause: err });
}

const isFatal = (err: unknown): boolean => (err as { fatal?: boolean }).fatal === true;

/** Thrown by one startup try when retrying cannot help (tables missing). */
class SchemaError extends Error {}

export class MysqlStorage implements Storage {
  readonly kind = 'mysql' as const;
  private pool: mysql.Pool | undefined;
  private schema: MysqlSchema | undefined;
  private readonly log: Logger;
  private readonly notes: CompileNotes;

  constructor(private readonly opts: MysqlStorageOptions) {
    this.log = opts.log;
    this.notes = {
      truncated: (d) => this.log.error(d, 'message body longer than its MySQL column: stored truncated (widen the column, see db.sql)'),
      oversize: (d) => this.log.warn(d, 'message body longer than [db] buf_size reached the store; stored whole'),
    };
  }

  /** Where the store points, for log lines (never the password). */
  get target(): { host: string; port: number; user: string; database: string } {
    return { host: this.opts.host, port: this.opts.port, user: this.opts.user, database: this.opts.database };
  }

  async open(): Promise<void> {
    const attempts = Math.max(1, this.opts.connectionAttempts);
    let last: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.tryOpen();
        this.log.info({ store: 'mysql', ...this.target, attempt }, 'mysql store opened');
        return;
      } catch (err) {
        last = err;
        if (err instanceof SchemaError) break;
        this.log.warn({ ...this.target, attempt, of: attempts, err: (err as Error).message }, 'mysql connection attempt failed');
        if (attempt < attempts) await new Promise((r) => setTimeout(r, this.opts.retryIntervalMs ?? 5000));
      }
    }
    await this.close();
    if (last instanceof SchemaError) throw last;
    throw new Error(`MySQL connection not established after ${attempts} attempt(s) to ${this.opts.user}@${this.opts.host}:${this.opts.port}/${this.opts.database}: ${(last as Error).message}`);
  }

  private async tryOpen(): Promise<void> {
    this.pool ??= mysql.createPool({
      host: this.opts.host,
      port: this.opts.port,
      user: this.opts.user,
      password: this.opts.password,
      database: this.opts.database,
      charset: 'utf8mb4_general_ci',
      connectionLimit: this.opts.poolSize ?? 2,
      maxIdle: this.opts.poolSize ?? 2,
      idleTimeout: 60_000,
      connectTimeout: this.opts.connectTimeoutMs ?? 3000,
      enableKeepAlive: true,
      supportBigNumbers: true,
    });
    const conn = await this.pool.getConnection();
    try {
      try {
        await conn.execute({ sql: 'INSERT INTO `log_event` (`text`) VALUES (?)', values: [`start-${this.opts.nodeName}`.slice(0, 250)], timeout: this.timeout });
      } catch (err) {
        if ((err as { errno?: number }).errno !== 1146) throw err; // no log_event table: not fatal (reported below)
      }
      const [columns] = await conn.query({ sql: COLUMNS_QUERY, timeout: this.timeout });
      const [engines] = await conn.query({ sql: ENGINES_QUERY, timeout: this.timeout });
      this.schema = MysqlSchema.fromRows(columns as RawRow[], engines as RawRow[]);
    } finally {
      conn.release();
    }
    const missing = this.schema.missing();
    if (missing.length > 0) {
      throw new SchemaError(`database ${this.opts.database} lacks ${missing.join(', ')}: import db.sql first`);
    }
    this.describeSchema(this.schema);
  }

  /** One line per way this database differs from TsComet's db.sql. */
  private describeSchema(s: MysqlSchema): void {
    for (const t of ['pipe_messages', 'users_messages'] as const) {
      if (!s.hasSeq(t)) this.log.warn({ table: t }, `${t} has no seq column: rows of the same second are ordered by their UUID (see db.sql to upgrade)`);
    }
    for (const t of OPTIONAL_TABLES) if (!s.hasTable(t)) this.log.warn({ table: t }, `table ${t} is missing: its rows are not written`);
    if (s.engine('users_time')?.toUpperCase() === 'MEMORY') {
      this.log.info({ table: 'users_time' }, 'users_time is a MEMORY table: last-online times are lost when MySQL restarts');
    }
    const narrow = s.narrowCharsetColumns();
    if (narrow.length > 0) this.log.warn({ columns: narrow }, 'columns with 3-byte utf8: text with emoji cannot be stored there (see db.sql)');
  }

  private get timeout(): number {
    return this.opts.queryTimeoutMs ?? 10_000;
  }

  private requireOpen(): { pool: mysql.Pool; schema: MysqlSchema } {
    if (!this.pool || !this.schema) throw new StorageError('mysql store is not open', true);
    return { pool: this.pool, schema: this.schema };
  }

  async load(): Promise<Snapshot> {
    const { pool, schema } = this.requireOpen();
    const rows = async (sql: string): Promise<RawRow[]> => (await pool.query({ sql, timeout: 10 * this.timeout }))[0] as RawRow[];
    const historySeq = schema.hasSeq('pipe_messages');
    const queueSeq = schema.hasSeq('users_messages');
    return buildSnapshot(
      {
        auth: await rows('SELECT `dev_id`, `user_id`, `hash` FROM `users_auth`'),
        userData: await rows('SELECT `dev_id`, `user_id`, `data` FROM `users_data`'),
        revoked: await rows('SELECT `dev_id`, `token` FROM `revoked_tokens`'),
        pipeSettings: await rows('SELECT `dev_id`, `name`, `length` FROM `pipes_settings`'),
        history: await rows(
          'SELECT `id`, `time`, `dev_id`, `pipe_name`, `event`, `message`, `user_id` FROM `pipe_messages` ' +
            (historySeq ? 'ORDER BY `seq`' : 'ORDER BY `time`, `id`'),
        ),
        queue: await rows(
          'SELECT `id`, `time`, `dev_id`, `user_id`, `event`, `message` FROM `users_messages` ' + (queueSeq ? 'ORDER BY `seq`' : 'ORDER BY `time`, `id`'),
        ),
        userTime: await rows('SELECT `dev_id`, `user_id`, `time` FROM `users_time`'),
      },
      { history: historySeq, queue: queueSeq },
    );
  }

  async apply(ops: readonly WriteOp[]): Promise<void> {
    const { pool, schema } = this.requireOpen();
    const statements = compileBatch({ schema, maxStoredMessage: this.opts.maxStoredMessage, now: Math.floor(Date.now() / 1000), notes: this.notes }, ops);
    if (statements.length === 0) return;
    let conn: mysql.PoolConnection;
    try {
      conn = await pool.getConnection();
    } catch (err) {
      throw classifyMysqlError(err);
    }
    let broken = false;
    try {
      await conn.query({ sql: 'START TRANSACTION', timeout: this.timeout });
      for (const s of statements) await conn.execute({ sql: s.sql, values: s.values, timeout: this.timeout });
      await conn.query({ sql: 'COMMIT', timeout: this.timeout });
    } catch (err) {
      broken = isFatal(err);
      if (!broken) await conn.query({ sql: 'ROLLBACK', timeout: this.timeout }).catch(() => (broken = true));
      throw classifyMysqlError(err);
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  async ping(): Promise<boolean> {
    if (!this.pool) return false;
    try {
      await this.pool.query({ sql: 'SELECT 1', timeout: this.timeout });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await pool.end().catch(() => undefined);
  }
}
