// The CometQL grammar (COMETQL.md §5.3) plus the SUP statements of §3.13, as a recursive-descent
// parser over the lexer cursor. Pure: text in, statements or ERR 3 out; never throws.
import { SqlErrors, type SqlError } from '../../errors.js';
import { Tok, type LexerOptions } from './lexer.js';
import type { Condition, DeleteStmt, InsertStmt, SelectItem, SelectItemsStmt, SelectStmt, Statement, Value } from './ast.js';
import { SYNTAX, TokenStream } from './token-stream.js';
import { parseDescribe, parseSet, parseShow, parseTransaction, parseUse } from './parse-admin.js';

/** Parser limits (§5.4), reported as errors instead of upstream's silent overwrite. */
export const PARSER_LIMITS = { selectColumns: 20, conditions: 10, inValues: 4000, insertNames: 20, insertValues: 20 } as const;

export type ParseResult =
  | { readonly ok: true; readonly statements: readonly Statement<Value>[]; readonly paramCount: number }
  | { readonly ok: false; readonly error: SqlError };

/** Functions accepted in a FROM-less SELECT (3.13), all without arguments. */
const FUNCTIONS: ReadonlySet<string> = new Set([
  'version', 'user', 'current_user', 'session_user', 'system_user', 'connection_id', 'now', 'schema', 'last_insert_id',
]);

function statements(ts: TokenStream): Statement<Value>[] {
  const out: Statement<Value>[] = [];
  for (;;) {
    while (ts.at(Tok.SEMI)) ts.advance();
    if (ts.at(Tok.EOF)) return out;
    ts.limitError = null;
    const s = statement(ts);
    out.push(ts.limitError ? { kind: 'error', error: ts.limitError } : s);
  }
}

function statement(ts: TokenStream): Statement<Value> {
  switch (ts.cur) {
    case Tok.SELECT: return select(ts);
    case Tok.INSERT: return insert(ts);
    case Tok.DELETE: return del(ts);
    case Tok.SHOW: return parseShow(ts);
    case Tok.DESCRIBE:
    case Tok.DESC: return parseDescribe(ts); // DESC <table> is SUP (upstream: ERR 3)
    case Tok.SET: return parseSet(ts);
    case Tok.USE: return parseUse(ts);
    case Tok.NAME: return parseTransaction(ts);
    default: throw SYNTAX;
  }
}

function select(ts: TokenStream): SelectStmt<Value> | SelectItemsStmt<Value> {
  ts.advance();
  if (ts.accept(Tok.STAR)) return selectFrom(ts, null);
  if (!ts.at(Tok.NAME)) return items(ts, item(ts));
  const lx = ts.lx;
  const quoted = lx.quoted;
  const start = lx.start;
  const first = lx.value();
  ts.advance();
  if (ts.at(Tok.LPAREN) && !quoted) return items(ts, alias(ts, functionItem(ts, first, start)));
  // SELECT 'abc' is a literal; SELECT 'id' FROM … a quoted column name.
  if (quoted && !ts.at(Tok.COMMA) && !ts.at(Tok.FROM)) return items(ts, alias(ts, { kind: 'literal', value: first, label: first }));
  const columns = [first];
  while (ts.accept(Tok.COMMA)) {
    columns.push(ts.name());
    if (columns.length > PARSER_LIMITS.selectColumns) ts.limitExceeded(SqlErrors.tooManyColumns);
  }
  return selectFrom(ts, columns);
}

function selectFrom(ts: TokenStream, columns: string[] | null): SelectStmt<Value> {
  ts.expect(Tok.FROM);
  const table = ts.name();
  const where = ts.at(Tok.WHERE) ? whereClause(ts) : null;
  const orderBy = ts.at(Tok.ORDER_BY) ? orderByClause(ts) : false;
  const limit = ts.at(Tok.LIMIT) ? ts.limit() : null;
  return { kind: 'select', table, columns, where, orderBy, limit };
}

function insert(ts: TokenStream): InsertStmt<Value> {
  ts.advance();
  ts.expect(Tok.INTO);
  const table = ts.name();
  let columns: string[] | null = null;
  if (ts.accept(Tok.LPAREN)) {
    columns = [ts.name()];
    while (ts.accept(Tok.COMMA)) {
      columns.push(ts.name());
      if (columns.length > PARSER_LIMITS.insertNames) ts.limitExceeded(SqlErrors.tooManyNames);
    }
    ts.expect(Tok.RPAREN);
  }
  ts.expect(Tok.VALUES);
  ts.expect(Tok.LPAREN);
  const values = [ts.value()];
  while (ts.accept(Tok.COMMA)) {
    values.push(ts.value());
    // Upstream overflows a 20-slot array here; TsComet refuses (REQ).
    if (values.length > PARSER_LIMITS.insertValues) ts.limitExceeded(SqlErrors.columnsList);
  }
  ts.expect(Tok.RPAREN);
  return { kind: 'insert', table, columns, values };
}

function del(ts: TokenStream): DeleteStmt<Value> {
  ts.advance();
  ts.expect(Tok.FROM);
  const table = ts.name();
  const where = ts.at(Tok.WHERE) ? whereClause(ts) : null;
  const orderBy = ts.at(Tok.ORDER_BY) ? orderByClause(ts) : false;
  const limit = ts.at(Tok.LIMIT) ? ts.limit() : null;
  return { kind: 'delete', table, where, orderBy, limit };
}

function whereClause(ts: TokenStream): Condition<Value>[] {
  ts.advance();
  const list = [condition(ts, false)];
  while (ts.at(Tok.AND) || ts.at(Tok.OR)) {
    const or = ts.at(Tok.OR);
    ts.advance();
    list.push(condition(ts, or));
    if (list.length > PARSER_LIMITS.conditions) ts.limitExceeded(SqlErrors.tooManyConditions);
  }
  return list;
}

function condition(ts: TokenStream, or: boolean): Condition<Value> {
  const column = ts.name();
  let op: Condition['op'];
  switch (ts.cur) {
    case Tok.EQ: op = '='; break;
    case Tok.GT: op = '>'; break;
    case Tok.LT: op = '<'; break;
    case Tok.LIKE: op = 'like'; break;
    case Tok.IN: {
      ts.advance();
      ts.expect(Tok.LPAREN);
      const values = [ts.value()];
      while (ts.accept(Tok.COMMA)) {
        values.push(ts.value());
        if (values.length > PARSER_LIMITS.inValues) ts.limitExceeded(SqlErrors.tooManyValues);
      }
      ts.expect(Tok.RPAREN);
      return { column, op: 'in', values, or };
    }
    default: throw SYNTAX;
  }
  ts.advance();
  return { column, op, values: [ts.value()], or };
}

/** ORDER BY is parsed (so the handler can answer ERR 2) but never applied. */
function orderByClause(ts: TokenStream): true {
  ts.advance();
  do {
    ts.name();
    if (ts.at(Tok.ASC) || ts.at(Tok.DESC)) ts.advance();
  } while (ts.accept(Tok.COMMA));
  return true;
}

// ------------------------------------------------------------------ FROM-less SELECT (3.1, 3.13)

function items(ts: TokenStream, first: SelectItem): SelectItemsStmt<Value> {
  const list = [first];
  while (ts.accept(Tok.COMMA)) list.push(item(ts));
  const limit = ts.at(Tok.LIMIT) ? ts.limit() : null;
  return { kind: 'items', items: list, limit };
}

function item(ts: TokenStream): SelectItem {
  const lx = ts.lx;
  switch (ts.cur) {
    case Tok.SYSVAR: {
      const text = lx.value();
      const dot = text.indexOf('.');
      ts.advance();
      return alias(ts, { kind: 'sysvar', name: text.slice(dot < 0 ? 2 : dot + 1).toLowerCase(), label: text });
    }
    case Tok.INT:
    case Tok.STRING: {
      const v = lx.value();
      ts.advance();
      return alias(ts, { kind: 'literal', value: v, label: v });
    }
    case Tok.DATABASE:
      ts.advance();
      ts.expect(Tok.LPAREN);
      ts.expect(Tok.RPAREN);
      return alias(ts, { kind: 'function', name: 'database', label: 'DATABASE()' }); // upstream's fixed label
    case Tok.NAME: {
      if (lx.quoted) throw SYNTAX;
      const start = lx.start;
      const name = lx.value();
      ts.advance();
      return alias(ts, functionItem(ts, name, start));
    }
    default:
      throw SYNTAX;
  }
}

/** NAME ( ) of a known function; the label is the text as written, like MySQL. */
function functionItem(ts: TokenStream, name: string, start: number): SelectItem {
  const fn = name.toLowerCase();
  if (!FUNCTIONS.has(fn)) throw SYNTAX;
  ts.expect(Tok.LPAREN);
  if (!ts.at(Tok.RPAREN)) throw SYNTAX;
  const label = ts.lx.text.slice(start, ts.lx.end);
  ts.advance();
  return { kind: 'function', name: fn === 'schema' ? 'database' : fn, label };
}

/** AS alias (NAME or STRING). The AS is required, so `SELECT 1 union …` cannot misparse. */
function alias(ts: TokenStream, it: SelectItem): SelectItem {
  if (!ts.word('as')) return it;
  ts.advance();
  if (!ts.at(Tok.NAME) && !ts.at(Tok.STRING)) throw SYNTAX;
  const label = ts.lx.value();
  ts.advance();
  return { ...it, label };
}

/** Parse a whole query text (COM_QUERY or COM_STMT_PREPARE). Never throws. */
export function parseQuery(text: string, opts: LexerOptions = {}): ParseResult {
  try {
    const ts = new TokenStream(text, opts);
    const list = statements(ts);
    return { ok: true, statements: list, paramCount: ts.lx.paramCount };
  } catch {
    // SYNTAX is the normal rejection; any other exception would be a parser bug, and ERR 3
    // keeps the connection usable either way.
    return { ok: false, error: SqlErrors.syntax };
  }
}
