// What the MySQL store learns about the database at open: which tables exist, whether the
// message tables have TsComet's seq column, and how much each text column can hold, so values
// are checked before they are sent (never silently cut or mangled by the server).
import { StorageError } from './storage.js';

export interface ColumnInfo {
  readonly table: string;
  readonly column: string;
  readonly dataType: string;
  /** Characters for CHAR/VARCHAR, bytes for TEXT/BLOB/VARBINARY; null for numbers. */
  readonly maxLength: number | null;
  readonly octetLength: number | null;
  readonly charset: string | null;
  readonly autoIncrement: boolean;
}

/** Tables TsComet writes and reads; the server refuses to start without them. */
export const REQUIRED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  users_auth: ['dev_id', 'user_id', 'hash'],
  users_time: ['dev_id', 'user_id', 'time'],
  users_messages: ['id', 'time', 'dev_id', 'user_id', 'event', 'message'],
  pipes_settings: ['dev_id', 'name', 'type', 'length'],
  pipe_messages: ['id', 'time', 'dev_id', 'pipe_name', 'event', 'message', 'user_id'],
  users_data: ['dev_id', 'user_id', 'data'],
  revoked_tokens: ['dev_id', 'token', 'time'],
};

/** Write-only log tables: when missing, their rows are skipped (warned once at open). */
export const OPTIONAL_TABLES = ['log_query', 'log_event'] as const;

export const COLUMNS_QUERY =
  'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS dt, CHARACTER_MAXIMUM_LENGTH AS ml, ' +
  'CHARACTER_OCTET_LENGTH AS ol, CHARACTER_SET_NAME AS cs, EXTRA AS ex ' +
  'FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()';

export const ENGINES_QUERY = 'SELECT TABLE_NAME AS t, ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()';

const BYTE_LIMITED = new Set(['tinytext', 'text', 'mediumtext', 'longtext', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'varbinary', 'binary']);
const UTF8_3BYTE = new Set(['utf8', 'utf8mb3']);
const NON_ASCII = /[^\x00-\x7f]/;
const OUTSIDE_BMP = /[\u{10000}-\u{10ffff}]/u;

/** Cut a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function cutUtf8(value: string, maxBytes: number): string {
  const buf = Buffer.from(value, 'utf8');
  if (buf.length <= maxBytes) return value;
  let end = maxBytes;
  while (end > 0 && (buf[end] & 0xc0) === 0x80) end--; // step back to a character start
  return buf.subarray(0, end).toString('utf8');
}

export interface FittedBody {
  readonly value: string;
  /** Set when the column could not hold the body: its original and stored UTF-8 sizes. */
  readonly cut?: { readonly fromBytes: number; readonly toBytes: number };
}

export class MysqlSchema {
  private readonly columns = new Map<string, ColumnInfo>();
  private readonly tables = new Set<string>();

  constructor(
    columns: readonly ColumnInfo[],
    private readonly engines: ReadonlyMap<string, string> = new Map(),
  ) {
    for (const c of columns) {
      this.columns.set(`${c.table}.${c.column}`, c);
      this.tables.add(c.table);
    }
  }

  static fromRows(columnRows: ReadonlyArray<Record<string, unknown>>, engineRows: ReadonlyArray<Record<string, unknown>>): MysqlSchema {
    const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    const columns = columnRows.map((r) => ({
      table: String(r.t),
      column: String(r.c),
      dataType: String(r.dt).toLowerCase(),
      maxLength: num(r.ml),
      octetLength: num(r.ol),
      charset: r.cs === null || r.cs === undefined ? null : String(r.cs).toLowerCase(),
      autoIncrement: String(r.ex ?? '').toLowerCase().includes('auto_increment'),
    }));
    return new MysqlSchema(columns, new Map(engineRows.map((r) => [String(r.t), String(r.e ?? '')])));
  }

  hasTable(table: string): boolean {
    return this.tables.has(table);
  }

  /** TsComet's ordering column: present and auto-incremented. */
  hasSeq(table: 'pipe_messages' | 'users_messages'): boolean {
    return this.columns.get(`${table}.seq`)?.autoIncrement === true;
  }

  engine(table: string): string | undefined {
    return this.engines.get(table);
  }

  column(table: string, column: string): ColumnInfo | undefined {
    return this.columns.get(`${table}.${column}`);
  }

  /** `table` or `table.column` names the server needs and the database lacks. */
  missing(): string[] {
    const out: string[] = [];
    for (const [table, cols] of Object.entries(REQUIRED_COLUMNS)) {
      if (!this.tables.has(table)) out.push(table);
      else for (const c of cols) if (!this.columns.has(`${table}.${c}`)) out.push(`${table}.${c}`);
    }
    return out;
  }

  /** Text columns holding at most 3-byte UTF-8 (upstream's `utf8`), for the open-time warning. */
  narrowCharsetColumns(): string[] {
    return [...this.columns.values()].filter((c) => c.charset !== null && UTF8_3BYTE.has(c.charset)).map((c) => `${c.table}.${c.column}`);
  }

  /** An identifier or key value (hash, token, pipe, event, id, data): stored whole or refused. */
  fitWhole(table: string, column: string, value: string): string {
    const c = this.column(table, column);
    if (!c) return value;
    this.checkCharset(c, value);
    if (this.tooLong(c, value)) {
      throw new StorageError(`${table}.${column}: value of ${this.size(c, value)} ${this.unit(c)} does not fit (column holds ${this.capacity(c)})`, false);
    }
    return value;
  }

  /** A message body or log text: stored whole when it fits, otherwise cut to the column's size. */
  fitBody(table: string, column: string, value: string): FittedBody {
    const c = this.column(table, column);
    if (!c) return { value };
    this.checkCharset(c, value);
    if (!this.tooLong(c, value)) return { value };
    const fromBytes = Buffer.byteLength(value, 'utf8');
    const cut = BYTE_LIMITED.has(c.dataType) ? cutUtf8(value, this.capacity(c)) : [...value].slice(0, this.capacity(c)).join('');
    return { value: cut, cut: { fromBytes, toBytes: Buffer.byteLength(cut, 'utf8') } };
  }

  private checkCharset(c: ColumnInfo, value: string): void {
    if (c.charset === 'ascii' && NON_ASCII.test(value)) {
      throw new StorageError(`${c.table}.${c.column} is an ascii column: the value has non-ASCII characters`, false);
    }
    if (c.charset !== null && UTF8_3BYTE.has(c.charset) && OUTSIDE_BMP.test(value)) {
      throw new StorageError(
        `${c.table}.${c.column} is a 3-byte utf8 column: the value has characters outside the BMP (e.g. emoji); convert the column to utf8mb4 (see db.sql)`,
        false,
      );
    }
  }

  private capacity(c: ColumnInfo): number {
    return (BYTE_LIMITED.has(c.dataType) ? (c.octetLength ?? c.maxLength) : c.maxLength) ?? Number.MAX_SAFE_INTEGER;
  }

  private unit(c: ColumnInfo): string {
    return BYTE_LIMITED.has(c.dataType) ? 'bytes' : 'characters';
  }

  private size(c: ColumnInfo, value: string): number {
    return BYTE_LIMITED.has(c.dataType) ? Buffer.byteLength(value, 'utf8') : [...value].length;
  }

  private tooLong(c: ColumnInfo, value: string): boolean {
    if (c.maxLength === null && c.octetLength === null) return false;
    // Cheap exit first: UTF-16 length bounds both code points and UTF-8 bytes (at most 3 per unit).
    if (value.length * (BYTE_LIMITED.has(c.dataType) ? 3 : 1) <= this.capacity(c)) return false;
    return this.size(c, value) > this.capacity(c);
  }
}

/** A whole-number column value in INT range, or a permanent error. */
export function checkInt(table: string, column: string, value: number): number {
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
    throw new StorageError(`${table}.${column}: ${value} is not a 32-bit integer`, false);
  }
  return value;
}
