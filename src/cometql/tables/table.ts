// What a CometQL virtual table is (COMETQL.md §4) and the value checks several tables share.
// The generic statement checks (§6.4 order) live in plan.ts; a table only sees validated input.
import { Buffer } from 'node:buffer';
import { SqlErrors, type SqlError } from '../../errors.js';
import type { CometCore } from '../../core/comet.js';
import { hasNameChars, MAX_NAME_LENGTH } from '../../core/names.js';
import type { CometqlSession, QueryResult } from '../result.js';

export interface TableContext {
  readonly core: CometCore;
  /** Tenant of the statement (the session's dev_id). */
  readonly dev: number;
  readonly session: CometqlSession;
  /** Count activity for SHOW STATUS `messages` (frames written to browsers). */
  readonly activity: (n: number) => void;
}

export interface Column {
  readonly name: string;
  /** Reported by SHOW COLUMNS / DESCRIBE only; every value is sent as VAR_STRING text. */
  readonly type: string;
}

/** Key values per WHERE column, in the order written (duplicates kept). */
export type WhereValues = ReadonlyMap<string, readonly string[]>;
/** INSERT values per column name. */
export type InsertFields = ReadonlyMap<string, string>;
export type Row = readonly string[];

export interface TableDef {
  readonly name: string;
  readonly columns: readonly Column[];
  /** Shown as PRI by SHOW COLUMNS. */
  readonly key: string | null;
  /** SELECT needs a condition on one of these; null = WHERE optional. */
  readonly selectKeys: readonly string[] | null;
  /** DELETE needs a condition on one of these. */
  readonly deleteKeys: readonly string[];
  /** Error for a DELETE without its key (default: the "Selection without …" text). */
  readonly deleteKeyError?: SqlError;
  /** Answered at once, before any other check (read-only and unfinished tables). */
  readonly rejectSelect?: SqlError;
  readonly rejectInsert?: SqlError;
  readonly rejectDelete?: SqlError;
  /** Full rows in table column order. */
  select?(ctx: TableContext, where: WhereValues): Row[] | Promise<Row[]>;
  insert?(ctx: TableContext, fields: InsertFields): QueryResult | Promise<QueryResult>;
  delete?(ctx: TableContext, where: WhereValues): QueryResult | Promise<QueryResult>;
}

export const INT = 'int(11)';
export const TEXT = 'varchar(255)';

export function columns(spec: ReadonlyArray<readonly [string, string]>): Column[] {
  return spec.map(([name, type]) => ({ name, type }));
}

/** The first required field that is missing, checked in the table's order (ERR 12). */
export function missingField(fields: InsertFields, required: readonly string[]): SqlError | null {
  for (const name of required) if (!fields.has(name)) return SqlErrors.fieldRequired(name);
  return null;
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Pipe name of an INSERT (§6.1): length (bytes) before characters. */
export function pipeNameError(name: string): SqlError | null {
  const n = name.length > MAX_NAME_LENGTH ? name.length : byteLength(name);
  if (n > MAX_NAME_LENGTH) return SqlErrors.channelNameTooLong;
  if (n < 3) return SqlErrors.channelNameTooShort;
  if (!hasNameChars(name)) return SqlErrors.invalidChannelName;
  return null;
}

/** Event name (§6.1): 0–64 bytes of [A-Za-z0-9_-]; upstream reuses the channel-name text. */
export function eventNameError(event: string): SqlError | null {
  const n = event.length > MAX_NAME_LENGTH ? event.length : byteLength(event);
  if (n > MAX_NAME_LENGTH) return SqlErrors.eventNameTooLong;
  if (!hasNameChars(event)) return SqlErrors.invalidChannelName;
  return null;
}

/** Await a durable core write; its rejection becomes `onFailure` (storage outage). */
export async function durably(write: Promise<unknown>, onFailure: SqlError = SqlErrors.storageUnavailable): Promise<SqlError | null> {
  try {
    await write;
    return null;
  } catch {
    return onFailure;
  }
}
