// The checks every table statement goes through, in the order of COMETQL.md §6.4: table (15),
// read-only (10), SELECT column list (14/13), ORDER BY (2), WHERE (14/13/2), key (13), INSERT
// column mapping (14/13); then the table's own field and value checks.
import { SqlErrors, type SqlError } from '../../errors.js';
import type { Condition, DeleteStmt, InsertStmt, Limit, SelectStmt } from '../sql/ast.js';
import { fail, ok, rows, type QueryResult } from '../result.js';
import { TABLES } from './registry.js';
import type { InsertFields, Row, TableContext, TableDef, WhereValues } from './table.js';

function columnIndex(def: TableDef, name: string): number {
  const cols = def.columns;
  for (let i = 0; i < cols.length; i++) if (cols[i].name === name) return i;
  return -1;
}

interface Projection {
  readonly names: readonly string[];
  /** Table column index per result column; null = every column in table order. */
  readonly indexes: readonly number[] | null;
}

/** The SELECT column list: names as written, unknown → 14, repeated → 13. */
export function projection(def: TableDef, list: readonly string[] | null): Projection | SqlError {
  if (list === null) return { names: def.columns.map((c) => c.name), indexes: null };
  const indexes: number[] = [];
  for (const name of list) {
    const i = columnIndex(def, name);
    if (i < 0) return SqlErrors.notAColumn;
    if (indexes.includes(i)) return SqlErrors.selectColumnTwice;
    indexes.push(i);
  }
  return { names: list, indexes };
}

/** WHERE rule 2 of §4.0, condition by condition; the operator itself is ignored (rule 3). */
function whereValues(def: TableDef, where: readonly Condition[] | null): WhereValues | SqlError {
  const map = new Map<string, readonly string[]>();
  if (!where) return map;
  for (const c of where) {
    if (columnIndex(def, c.column) < 0) return SqlErrors.notAColumn;
    if (map.has(c.column)) return SqlErrors.conditionColumnTwice;
    if (c.or) return SqlErrors.orNotImplemented;
    map.set(c.column, c.values);
  }
  return map;
}

function isError(x: object): x is SqlError {
  return 'errno' in x;
}

function hasKey(where: WhereValues, keys: readonly string[]): boolean {
  for (const k of keys) if (where.has(k)) return true;
  return false;
}

/** MySQL LIMIT semantics (SUP; upstream's swapped/end-index reading is a defect). */
function applyLimit(all: Row[], limit: Limit | null): Row[] {
  if (!limit) return all;
  const offset = limit.offset === null ? 0 : Number(limit.offset);
  return all.slice(offset, offset + Number(limit.count));
}

export async function runSelect(ctx: TableContext, stmt: SelectStmt): Promise<QueryResult> {
  const def = TABLES.get(stmt.table);
  if (!def) return fail(SqlErrors.tableNotExist);
  if (def.rejectSelect) return fail(def.rejectSelect);
  const proj = projection(def, stmt.columns);
  if (isError(proj)) return fail(proj);
  if (stmt.orderBy) return fail(SqlErrors.orderByNotImplemented);
  const where = whereValues(def, stmt.where);
  if (isError(where)) return fail(where);
  // LIMIT 0 is a metadata probe: columns, no rows, even without the key (3.13).
  if (stmt.limit && Number(stmt.limit.count) === 0) return rows(proj.names, []);
  if (def.selectKeys && !hasKey(where, def.selectKeys)) return fail(SqlErrors.selectWithoutKey);
  const all = applyLimit(def.select ? await def.select(ctx, where) : [], stmt.limit);
  const idx = proj.indexes;
  return rows(proj.names, idx === null ? all : all.map((r) => idx.map((i) => r[i])));
}

export async function runDelete(ctx: TableContext, stmt: DeleteStmt): Promise<QueryResult> {
  const def = TABLES.get(stmt.table);
  if (!def) return fail(SqlErrors.tableNotExist);
  if (def.rejectDelete) return fail(def.rejectDelete);
  if (stmt.orderBy) return fail(SqlErrors.orderByNotImplemented);
  const where = whereValues(def, stmt.where);
  if (isError(where)) return fail(where);
  if (!hasKey(where, def.deleteKeys)) return fail(def.deleteKeyError ?? SqlErrors.selectWithoutKey);
  return def.delete ? def.delete(ctx, where) : ok(); // LIMIT is parsed and ignored on DELETE
}

/** INSERT column mapping (§4.0): with a list, names ↔ values; without, one value per column. */
function insertFields(def: TableDef, stmt: InsertStmt): InsertFields | SqlError {
  const fields = new Map<string, string>();
  const values = stmt.values;
  if (stmt.columns === null) {
    if (values.length !== def.columns.length) return SqlErrors.columnsList;
    for (let i = 0; i < values.length; i++) fields.set(def.columns[i].name, values[i]);
    return fields;
  }
  if (stmt.columns.length !== values.length) return SqlErrors.columnsList;
  for (let i = 0; i < values.length; i++) {
    const name = stmt.columns[i];
    if (columnIndex(def, name) < 0) return SqlErrors.notAColumn;
    if (fields.has(name)) return SqlErrors.insertColumnTwice;
    fields.set(name, values[i]);
  }
  return fields;
}

export async function runInsert(ctx: TableContext, stmt: InsertStmt): Promise<QueryResult> {
  const def = TABLES.get(stmt.table);
  if (!def) return fail(SqlErrors.tableNotExist);
  if (def.rejectInsert) return fail(def.rejectInsert);
  const fields = insertFields(def, stmt);
  if (isError(fields)) return fail(fields);
  return def.insert ? def.insert(ctx, fields) : fail(SqlErrors.tableNotExist);
}

/** Result columns of a SELECT known before execution (COM_STMT_PREPARE); null when it will fail. */
export function selectResultColumns(stmt: { table: string; columns: readonly string[] | null }): readonly string[] | null {
  const def = TABLES.get(stmt.table);
  if (!def || def.rejectSelect) return null;
  const proj = projection(def, stmt.columns);
  return isError(proj) ? null : proj.names;
}
