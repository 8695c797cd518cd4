// The CometQL syntax tree. Pure data; `V` is the value type: `Value` straight from the parser
// (may hold `?` placeholders), `string` once bound (what execution sees).
import type { SqlError } from '../../errors.js';

/** A `?` placeholder of a prepared statement. */
export interface ParamRef {
  readonly param: number;
}
export type Value = string | ParamRef;

export function isParam(v: Value): v is ParamRef {
  return typeof v !== 'string';
}

/** The comparison is parsed but ignored (COMETQL.md §4.0 rule 3): every form lists key values. */
export type Operator = '=' | '>' | '<' | 'like' | 'in';

export interface Condition<V = string> {
  readonly column: string;
  readonly op: Operator;
  readonly values: readonly V[];
  /** The connector before this condition was OR (ERR 2 later). */
  readonly or: boolean;
}

/** MySQL semantics (SUP): `count` rows after skipping `offset`. Values are digit strings. */
export interface Limit<V = string> {
  readonly count: V;
  readonly offset: V | null;
}

export interface SelectStmt<V = string> {
  readonly kind: 'select';
  readonly table: string;
  /** Column names as written; null for `*`. */
  readonly columns: readonly string[] | null;
  readonly where: readonly Condition<V>[] | null;
  readonly orderBy: boolean;
  readonly limit: Limit<V> | null;
}

export interface InsertStmt<V = string> {
  readonly kind: 'insert';
  readonly table: string;
  readonly columns: readonly string[] | null;
  readonly values: readonly V[];
}

export interface DeleteStmt<V = string> {
  readonly kind: 'delete';
  readonly table: string;
  readonly where: readonly Condition<V>[] | null;
  readonly orderBy: boolean;
  readonly limit: Limit<V> | null;
}

/** One item of a FROM-less SELECT (3.1, 3.2, 3.13). `label` is the result column name. */
export type SelectItem =
  | { readonly kind: 'sysvar'; readonly name: string; readonly label: string }
  | { readonly kind: 'literal'; readonly value: string; readonly label: string }
  | { readonly kind: 'function'; readonly name: string; readonly label: string };

export interface SelectItemsStmt<V = string> {
  readonly kind: 'items';
  readonly items: readonly SelectItem[];
  readonly limit: Limit<V> | null;
}

export type StatusFlag = 'global' | 'session' | 'filesystem' | 'ram' | 'avg' | 'uptime';

export type ShowStmt =
  | { readonly kind: 'show'; readonly what: 'databases' | 'tables' | 'tableStatus' | 'processlist' | 'engines' }
  | { readonly kind: 'show'; readonly what: 'columns' | 'createTable'; readonly table: string }
  | { readonly kind: 'show'; readonly what: 'status' | 'variables'; readonly flag: StatusFlag | null; readonly like: string | null }
  | { readonly kind: 'show'; readonly what: 'collation' | 'charset'; readonly like: string | null }
  | { readonly kind: 'show'; readonly what: 'warnings' | 'errors' | 'warningCount' | 'errorCount' };

/** Every accepted SET form: answered OK, nothing changes (3.10). */
export interface SetStmt {
  readonly kind: 'set';
}

export interface TransactionStmt {
  readonly kind: 'transaction';
  readonly action: 'begin' | 'commit' | 'rollback';
}

export interface UseStmt {
  readonly kind: 'use';
  readonly database: string;
}

/** A statement that parsed but exceeded a parser limit (§5.4): executes to this error. */
export interface LimitErrorStmt {
  readonly kind: 'error';
  readonly error: SqlError;
}

export type Statement<V = string> =
  | SelectStmt<V>
  | InsertStmt<V>
  | DeleteStmt<V>
  | SelectItemsStmt<V>
  | ShowStmt
  | SetStmt
  | TransactionStmt
  | UseStmt
  | LimitErrorStmt;
