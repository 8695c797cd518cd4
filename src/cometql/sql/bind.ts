// Prepared-statement parameters (COMETQL.md §2.12): each bound value acts as a literal whose raw
// body is exactly the value; SQL NULL becomes the text NULL, as an unquoted NULL would.
import { SqlErrors, type SqlError } from '../../errors.js';
import { isParam, type Condition, type Limit, type Statement, type Value } from './ast.js';

export type BoundParams = ReadonlyArray<string | null>;

function bindValue(v: Value, params: BoundParams): string {
  if (!isParam(v)) return v;
  const p = params[v.param];
  return p === null || p === undefined ? 'NULL' : p;
}

function bindValues(values: readonly Value[], params: BoundParams): string[] {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = bindValue(values[i], params);
  return out;
}

function bindWhere(where: readonly Condition<Value>[] | null, params: BoundParams): Condition[] | null {
  return where && where.map((c) => ({ column: c.column, op: c.op, or: c.or, values: bindValues(c.values, params) }));
}

class BindFail {}

/** A LIMIT number must still be a non-negative integer after binding. */
function bindLimitNumber(v: Value, params: BoundParams): string {
  const s = bindValue(v, params);
  if (!/^\d+$/.test(s)) throw new BindFail();
  return s;
}

function bindLimit(limit: Limit<Value> | null, params: BoundParams): Limit | null {
  if (!limit) return null;
  return { count: bindLimitNumber(limit.count, params), offset: limit.offset === null ? null : bindLimitNumber(limit.offset, params) };
}

/** Substitute the parameters; ERR 3 when a LIMIT parameter is not a number. */
export function bindStatement(stmt: Statement<Value>, params: BoundParams): Statement | SqlError {
  try {
    switch (stmt.kind) {
      case 'select':
        return { ...stmt, where: bindWhere(stmt.where, params), limit: bindLimit(stmt.limit, params) };
      case 'delete':
        return { ...stmt, where: bindWhere(stmt.where, params), limit: bindLimit(stmt.limit, params) };
      case 'insert':
        return { ...stmt, values: bindValues(stmt.values, params) };
      case 'items':
        return { ...stmt, limit: bindLimit(stmt.limit, params) };
      default:
        return stmt;
    }
  } catch (err) {
    if (err instanceof BindFail) return SqlErrors.syntax;
    throw err;
  }
}
