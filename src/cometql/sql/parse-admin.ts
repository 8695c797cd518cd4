// SHOW, SET, USE and transaction statements (COMETQL.md §3), over the shared token stream.
import { Tok, type TokKind } from './lexer.js';
import type { ShowStmt, Statement, StatusFlag, Value } from './ast.js';
import { SYNTAX, type TokenStream } from './token-stream.js';

const STATUS_FLAGS: ReadonlyMap<TokKind, StatusFlag> = new Map<TokKind, StatusFlag>([
  [Tok.GLOBAL, 'global'], [Tok.SESSION, 'session'], [Tok.FILESYSTEM, 'filesystem'], [Tok.RAM, 'ram'], [Tok.AVG, 'avg'], [Tok.UPTIME, 'uptime'],
]);

/** Tokens that end a free-form SET / transaction statement (the next statement begins). */
const STATEMENT_STARTS: ReadonlySet<TokKind> = new Set<TokKind>([Tok.SELECT, Tok.INSERT, Tok.DELETE, Tok.SHOW, Tok.DESCRIBE, Tok.USE]);

export function parseShow(ts: TokenStream): ShowStmt {
  ts.advance();
  const c = ts.cur;
  switch (c) {
    case Tok.DATABASES: ts.advance(); return { kind: 'show', what: 'databases' };
    case Tok.TABLES: ts.advance(); return { kind: 'show', what: 'tables' };
    case Tok.TABLE_STATUS:
      ts.advance();
      optionalLike(ts);
      return { kind: 'show', what: 'tableStatus' };
    case Tok.PROCESSLIST: ts.advance(); return { kind: 'show', what: 'processlist' };
    case Tok.FULL:
      ts.advance();
      if (ts.accept(Tok.PROCESSLIST)) return { kind: 'show', what: 'processlist' };
      if (!ts.at(Tok.COLUMNS) && !ts.word('fields')) throw SYNTAX;
      return showColumns(ts);
    case Tok.COLUMNS: return showColumns(ts);
    case Tok.STATUS:
    case Tok.VARIABLES: return statusOrVariables(ts, null);
    default: {
      const flag = STATUS_FLAGS.get(c);
      if (!flag) return showWord(ts);
      ts.advance();
      return statusOrVariables(ts, flag);
    }
  }
}

export function parseDescribe(ts: TokenStream): ShowStmt {
  ts.advance();
  return { kind: 'show', what: 'columns', table: ts.name() };
}

function showColumns(ts: TokenStream): ShowStmt {
  ts.advance();
  if (!ts.accept(Tok.IN) && !ts.accept(Tok.FROM)) throw SYNTAX;
  return { kind: 'show', what: 'columns', table: ts.name() };
}

function statusOrVariables(ts: TokenStream, flag: StatusFlag | null): ShowStmt {
  const what = ts.at(Tok.STATUS) ? 'status' : ts.at(Tok.VARIABLES) ? 'variables' : null;
  if (!what) throw SYNTAX;
  ts.advance();
  return { kind: 'show', what, flag, like: optionalLike(ts) };
}

/** [LIKE pattern]; any quoting is accepted (SUP; upstream wanted a STRING token). */
function optionalLike(ts: TokenStream): string | null {
  return ts.accept(Tok.LIKE) ? ts.literal() : null;
}

/** SHOW statements named by ordinary words (3.13): WARNINGS, ERRORS, COUNT(*) …, COLLATION, … */
function showWord(ts: TokenStream): ShowStmt {
  if (ts.word('warnings') || ts.word('errors')) {
    const what = ts.word('warnings') ? 'warnings' : 'errors';
    ts.advance();
    if (ts.at(Tok.LIMIT)) ts.limit();
    return { kind: 'show', what };
  }
  if (ts.word('count')) {
    ts.advance();
    ts.expect(Tok.LPAREN);
    ts.expect(Tok.STAR);
    ts.expect(Tok.RPAREN);
    const what = ts.word('warnings') ? 'warningCount' : ts.word('errors') ? 'errorCount' : null;
    if (!what) throw SYNTAX;
    ts.advance();
    return { kind: 'show', what };
  }
  if (ts.word('collation')) {
    ts.advance();
    return { kind: 'show', what: 'collation', like: optionalLike(ts) };
  }
  if (ts.word('charset') || ts.word('character')) {
    if (ts.word('character')) {
      ts.advance();
      if (!ts.at(Tok.SET)) throw SYNTAX;
    }
    ts.advance();
    return { kind: 'show', what: 'charset', like: optionalLike(ts) };
  }
  if (ts.word('engines')) {
    ts.advance();
    return { kind: 'show', what: 'engines' };
  }
  if (ts.word('fields')) return showColumns(ts);
  if (ts.word('create')) {
    ts.advance();
    if (!ts.word('table')) throw SYNTAX;
    ts.advance();
    return { kind: 'show', what: 'createTable', table: ts.name() };
  }
  throw SYNTAX;
}

/** Consume the rest of a free-form statement: up to `;`, the end, or the next statement. */
function skipRest(ts: TokenStream): void {
  let depth = 0;
  while (!ts.at(Tok.SEMI) && !ts.at(Tok.EOF) && !STATEMENT_STARTS.has(ts.cur)) {
    if (ts.at(Tok.LPAREN)) depth++;
    else if (ts.at(Tok.RPAREN) && --depth < 0) throw SYNTAX;
    ts.advance();
  }
  if (depth !== 0) throw SYNTAX;
}

/** Every SET form (3.10 upstream and SUP) is accepted as a whole and ignored. */
export function parseSet(ts: TokenStream): Statement<Value> {
  ts.advance();
  if (ts.at(Tok.SEMI) || ts.at(Tok.EOF) || STATEMENT_STARTS.has(ts.cur)) throw SYNTAX;
  skipRest(ts);
  return { kind: 'set' };
}

/** USE <db> (SUP): COM_INIT_DB semantics at execution. */
export function parseUse(ts: TokenStream): Statement<Value> {
  ts.advance();
  return { kind: 'use', database: ts.literal() };
}

/** BEGIN [WORK], START TRANSACTION …, COMMIT …, ROLLBACK …: OK, no effect (3.13). */
export function parseTransaction(ts: TokenStream): Statement<Value> {
  let action: 'begin' | 'commit' | 'rollback';
  if (ts.word('begin')) action = 'begin';
  else if (ts.word('commit')) action = 'commit';
  else if (ts.word('rollback')) action = 'rollback';
  else if (ts.word('start')) {
    ts.advance();
    if (!ts.word('transaction')) throw SYNTAX;
    action = 'begin';
  } else throw SYNTAX;
  ts.advance();
  skipRest(ts);
  return { kind: 'transaction', action };
}
