// The contract between the MySQL wire layer and CometQL execution: a session's state and the
// result of one statement. The wire layer encodes results; it never looks inside statements.
import type { SqlError } from '../errors.js';

export interface CometqlSession {
  /** Tenant for every read and write. */
  devId: number;
  /** Name last selected successfully: '', 'CometQL_v1' or 'db_<N>' (SELECT DATABASE()). */
  database: string;
  /** False only for the haproxy_check login: every query then gets ERR 403. */
  readonly authenticated: boolean;
  readonly user: string;
  readonly clientAddress: string;
  readonly connectionId: number;
  /** CLIENT_MULTI_STATEMENTS negotiated (login flag or COM_SET_OPTION). */
  multiStatements: boolean;
}

export type QueryResult =
  | { readonly kind: 'ok'; readonly affectedRows: number; readonly insertId: number }
  | { readonly kind: 'rows'; readonly columns: readonly string[]; readonly rows: ReadonlyArray<readonly string[]> }
  | { readonly kind: 'error'; readonly error: SqlError };

export function ok(affectedRows = 0, insertId = 0): QueryResult {
  return { kind: 'ok', affectedRows, insertId };
}

export function rows(columns: readonly string[], data: ReadonlyArray<readonly string[]>): QueryResult {
  return { kind: 'rows', columns, rows: data };
}

export function fail(error: SqlError): QueryResult {
  return { kind: 'error', error };
}

/** A statement prepared with COM_STMT_PREPARE. */
export interface PreparedStatement {
  readonly paramCount: number;
  /** Result column names when the statement returns rows (known at prepare time), else null. */
  readonly columns: readonly string[] | null;
  /** Run with the bound values (strings, or null for SQL NULL). */
  execute(session: CometqlSession, params: ReadonlyArray<string | null>): Promise<QueryResult>;
}

/** What the wire listener calls. */
export interface CometqlEngine {
  /**
   * Run a COM_QUERY text: one result per statement executed (several only when the session has
   * multiStatements; execution stops at the first error, which is the last result).
   */
  query(session: CometqlSession, sql: string): Promise<QueryResult[]>;
  prepare(session: CometqlSession, sql: string): PreparedStatement | SqlError;
  /** COM_INIT_DB / USE: null on success (session updated), else the error. */
  selectDatabase(session: CometqlSession, name: string): SqlError | null;
}
