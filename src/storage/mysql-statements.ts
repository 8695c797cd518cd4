// WriteOps to MySQL statements with `?` parameters (sent as server-side prepared statements).
// Keyed puts are REPLACE, appends ignore an id that is already stored (a replay keeps the row and
// its seq), deletes are by key: replaying a batch leaves the same rows. Runs of appends and id
// lists go out as multi-row statements in a few fixed sizes, so few statement shapes are cached.
import type { WriteOp } from './storage.js';
import { StorageError } from './storage.js';
import { checkInt, type MysqlSchema } from './mysql-schema.js';

export interface Statement {
  readonly sql: string;
  readonly values: Array<string | number>;
}

export interface CompileNotes {
  /** A body did not fit its column and was cut (logged as an error by the caller). */
  truncated(details: { op: WriteOp['op']; dev: number; column: string; id?: string; fromBytes: number; toBytes: number }): void;
  /** A body is longer than the configured [db] buf_size but was stored whole. */
  oversize(details: { op: WriteOp['op']; dev: number; bytes: number; limit: number }): void;
}

export interface CompileContext {
  readonly schema: MysqlSchema;
  readonly maxStoredMessage: number;
  /** Unix seconds written to revoked_tokens.time. */
  readonly now: number;
  readonly notes: CompileNotes;
}

/** Multi-row chunk sizes, largest first. */
const CHUNKS = [50, 10, 1] as const;

function chunked<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  for (const size of CHUNKS) {
    while (items.length - i >= size) {
      out.push(items.slice(i, i + size));
      i += size;
    }
  }
  return out;
}

const placeholders = (n: number, tuple: string): string => Array.from({ length: n }, () => tuple).join(', ');

type HistoryAppend = Extract<WriteOp, { op: 'history.append' }>;
type QueueAppend = Extract<WriteOp, { op: 'queue.append' }>;

function body(ctx: CompileContext, op: WriteOp, table: string, column: string, value: string, id?: string): string {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > ctx.maxStoredMessage) ctx.notes.oversize({ op: op.op, dev: 'dev' in op ? op.dev : 0, bytes, limit: ctx.maxStoredMessage });
  const fitted = ctx.schema.fitBody(table, column, value);
  if (fitted.cut) ctx.notes.truncated({ op: op.op, dev: 'dev' in op ? op.dev : 0, column: `${table}.${column}`, id, ...fitted.cut });
  return fitted.value;
}

function historyValues(ctx: CompileContext, op: HistoryAppend): Array<string | number> {
  const s = ctx.schema;
  const r = op.row;
  return [
    s.fitWhole('pipe_messages', 'id', r.id),
    checkInt('pipe_messages', 'time', r.time),
    checkInt('pipe_messages', 'dev_id', op.dev),
    s.fitWhole('pipe_messages', 'pipe_name', r.pipe),
    s.fitWhole('pipe_messages', 'event', r.event),
    body(ctx, op, 'pipe_messages', 'message', r.message, r.id),
    checkInt('pipe_messages', 'user_id', r.userId),
  ];
}

function queueValues(ctx: CompileContext, op: QueueAppend): Array<string | number> {
  const s = ctx.schema;
  const r = op.row;
  return [
    s.fitWhole('users_messages', 'id', r.id),
    checkInt('users_messages', 'time', r.time),
    checkInt('users_messages', 'dev_id', op.dev),
    checkInt('users_messages', 'user_id', r.userId),
    s.fitWhole('users_messages', 'event', r.event),
    body(ctx, op, 'users_messages', 'message', r.message, r.id),
  ];
}

function appendRows(table: string, columns: string, tuple: string, rows: Array<Array<string | number>>): Statement[] {
  return chunked(rows).map((chunk) => ({
    sql: `INSERT INTO \`${table}\` (${columns}) VALUES ${placeholders(chunk.length, tuple)} ON DUPLICATE KEY UPDATE \`id\` = \`id\``,
    values: chunk.flat(),
  }));
}

function deleteIds(table: string, dev: number, ids: readonly string[]): Statement[] {
  return chunked(ids).map((chunk) => ({
    sql: `DELETE FROM \`${table}\` WHERE \`dev_id\` = ? AND \`id\` IN (${placeholders(chunk.length, '?')})`,
    values: [checkInt(table, 'dev_id', dev), ...chunk],
  }));
}

/** One op (other than the appends, which compileBatch groups). */
function statementsFor(ctx: CompileContext, op: WriteOp): Statement[] {
  const s = ctx.schema;
  const dev = 'dev' in op ? checkInt('*', 'dev_id', op.dev) : 0;
  switch (op.op) {
    case 'auth.put':
      return [{ sql: 'REPLACE INTO `users_auth` (`dev_id`, `user_id`, `hash`) VALUES (?, ?, ?)', values: [dev, checkInt('users_auth', 'user_id', op.user), s.fitWhole('users_auth', 'hash', op.hash)] }];
    case 'auth.delete':
      return [{ sql: 'DELETE FROM `users_auth` WHERE `dev_id` = ? AND `user_id` = ?', values: [dev, checkInt('users_auth', 'user_id', op.user)] }];
    case 'userData.put':
      return [{ sql: 'REPLACE INTO `users_data` (`dev_id`, `user_id`, `data`) VALUES (?, ?, ?)', values: [dev, checkInt('users_data', 'user_id', op.user), s.fitWhole('users_data', 'data', op.data)] }];
    case 'userData.delete':
      return [{ sql: 'DELETE FROM `users_data` WHERE `dev_id` = ? AND `user_id` = ?', values: [dev, checkInt('users_data', 'user_id', op.user)] }];
    case 'revoked.put':
      return [{ sql: 'REPLACE INTO `revoked_tokens` (`dev_id`, `token`, `time`) VALUES (?, ?, ?)', values: [dev, s.fitWhole('revoked_tokens', 'token', op.token), ctx.now] }];
    case 'revoked.delete':
      return [{ sql: 'DELETE FROM `revoked_tokens` WHERE `dev_id` = ? AND `token` = ?', values: [dev, op.token] }];
    case 'pipeSettings.put':
      return [{ sql: "REPLACE INTO `pipes_settings` (`dev_id`, `name`, `type`, `length`) VALUES (?, ?, '0', ?)", values: [dev, s.fitWhole('pipes_settings', 'name', op.pipe), checkInt('pipes_settings', 'length', op.length)] }];
    case 'pipeSettings.delete':
      return [
        { sql: 'DELETE FROM `pipes_settings` WHERE `dev_id` = ? AND `name` = ?', values: [dev, op.pipe] },
        { sql: 'DELETE FROM `pipe_messages` WHERE `dev_id` = ? AND `pipe_name` = ?', values: [dev, op.pipe] },
      ];
    case 'history.append':
      return appendRows('pipe_messages', HISTORY_COLUMNS, '(?, ?, ?, ?, ?, ?, ?)', [historyValues(ctx, op)]);
    case 'history.trim':
      return deleteIds('pipe_messages', dev, op.removeIds);
    case 'history.deletePipe':
      return [{ sql: 'DELETE FROM `pipe_messages` WHERE `dev_id` = ? AND `pipe_name` = ?', values: [dev, op.pipe] }];
    case 'history.deleteMessage':
      return deleteIds('pipe_messages', dev, [op.id]);
    case 'queue.append':
      return appendRows('users_messages', QUEUE_COLUMNS, '(?, ?, ?, ?, ?, ?)', [queueValues(ctx, op)]);
    case 'queue.delete':
      return deleteIds('users_messages', dev, op.ids);
    case 'userTime.put':
      return [{ sql: 'REPLACE INTO `users_time` (`dev_id`, `user_id`, `time`) VALUES (?, ?, ?)', values: [dev, checkInt('users_time', 'user_id', op.user), checkInt('users_time', 'time', op.time)] }];
    case 'queryLog.append':
      if (!s.hasTable('log_query')) return [];
      return [{ sql: 'INSERT INTO `log_query` (`dev_id`, `query`) VALUES (?, ?)', values: [dev, body(ctx, op, 'log_query', 'query', op.query)] }];
    case 'event.append':
      if (!s.hasTable('log_event')) return [];
      return [{ sql: 'INSERT INTO `log_event` (`text`) VALUES (?)', values: [body(ctx, op, 'log_event', 'text', op.text)] }];
    default: {
      const never: never = op;
      throw new StorageError(`unknown write op ${JSON.stringify(never)}`, false);
    }
  }
}

const HISTORY_COLUMNS = '`id`, `time`, `dev_id`, `pipe_name`, `event`, `message`, `user_id`';
const QUEUE_COLUMNS = '`id`, `time`, `dev_id`, `user_id`, `event`, `message`';

/**
 * The statements for a batch, in op order. Consecutive history.append (or queue.append) ops
 * become multi-row inserts, which keep row order in the auto-increment seq. Throws a permanent
 * StorageError, before anything is sent, when a value cannot be stored.
 */
export function compileBatch(ctx: CompileContext, ops: readonly WriteOp[]): Statement[] {
  const out: Statement[] = [];
  let i = 0;
  while (i < ops.length) {
    const op = ops[i];
    if (op.op === 'history.append' || op.op === 'queue.append') {
      const kind = op.op;
      const rows: Array<Array<string | number>> = [];
      while (i < ops.length && ops[i].op === kind) {
        const next = ops[i];
        rows.push(next.op === 'history.append' ? historyValues(ctx, next) : queueValues(ctx, next as QueueAppend));
        i++;
      }
      if (kind === 'history.append') out.push(...appendRows('pipe_messages', HISTORY_COLUMNS, '(?, ?, ?, ?, ?, ?, ?)', rows));
      else out.push(...appendRows('users_messages', QUEUE_COLUMNS, '(?, ?, ?, ?, ?, ?)', rows));
      continue;
    }
    out.push(...statementsFor(ctx, op));
    i++;
  }
  return out;
}
