// The parser's view of the lexer: one current token, helpers that consume it, the first
// parser-limit error of the statement, and the syntax-failure signal.
import type { SqlError } from '../../errors.js';
import { Lexer, Tok, type LexerOptions, type TokKind } from './lexer.js';
import type { Limit, Value } from './ast.js';

/** Thrown inside the parser only; parseQuery turns it into ERR 3. */
export class SyntaxFail {}
export const SYNTAX = new SyntaxFail();

export class TokenStream {
  readonly lx: Lexer;
  cur: TokKind;
  /** First parser-limit error of the current statement (§5.4). */
  limitError: SqlError | null = null;

  constructor(text: string, opts: LexerOptions) {
    this.lx = new Lexer(text, opts);
    this.cur = this.lx.next();
  }

  advance(): void {
    this.cur = this.lx.next();
  }

  /** Like `cur === kind`, without TypeScript's narrowing across advance(). */
  at(kind: TokKind): boolean {
    return this.cur === kind;
  }

  expect(kind: TokKind): void {
    if (this.cur !== kind) throw SYNTAX;
    this.advance();
  }

  accept(kind: TokKind): boolean {
    if (this.cur !== kind) return false;
    this.advance();
    return true;
  }

  /** The current token is the unquoted word `w` (a soft keyword, any letter case). */
  word(w: string): boolean {
    const lx = this.lx;
    return this.cur === Tok.NAME && !lx.quoted && lx.end - lx.start === w.length && lx.text.slice(lx.start, lx.end).toLowerCase() === w;
  }

  name(): string {
    if (this.cur !== Tok.NAME) throw SYNTAX;
    const v = this.lx.value();
    this.advance();
    return v;
  }

  /** value = STRING | NAME | INT, or `?` when preparing. */
  value(): Value {
    const c = this.cur;
    if (c === Tok.STRING || c === Tok.NAME || c === Tok.INT) {
      const v = this.lx.value();
      this.advance();
      return v;
    }
    if (c === Tok.PARAM) {
      const p = { param: this.lx.paramIndex };
      this.advance();
      return p;
    }
    throw SYNTAX;
  }

  /** A value that must be spelled as STRING, NAME or INT (no placeholder). */
  literal(): string {
    const c = this.cur;
    if (c !== Tok.STRING && c !== Tok.NAME && c !== Tok.INT) throw SYNTAX;
    const v = this.lx.value();
    this.advance();
    return v;
  }

  limitExceeded(error: SqlError): void {
    this.limitError ??= error;
  }

  /** LIMIT count | LIMIT offset, count | LIMIT count OFFSET offset (MySQL meaning, SUP). */
  limit(): Limit<Value> {
    this.advance();
    const a = this.limitNumber();
    if (this.accept(Tok.COMMA)) return { offset: a, count: this.limitNumber() };
    if (this.word('offset')) {
      this.advance();
      return { count: a, offset: this.limitNumber() };
    }
    return { count: a, offset: null };
  }

  private limitNumber(): Value {
    if (this.cur === Tok.INT && this.lx.text.charCodeAt(this.lx.start) !== 0x2d) return this.value();
    if (this.cur === Tok.PARAM) return this.value();
    throw SYNTAX;
  }
}
