// The CometQL tokenizer (COMETQL.md §5.1, §5.2, §5.6): a hand-written cursor over the query text.
// It allocates nothing per token except the value strings the parser asks for, never throws and
// runs in linear time: every byte is looked at a bounded number of times.
import { decodeMysqlString } from './literal.js';

/** Token kinds. Keyword kinds follow the upstream keyword list; `?` exists only for prepare. */
export const Tok = {
  EOF: 0, INT: 1, NAME: 2, STRING: 3, SYSVAR: 4, PARAM: 5, SEMI: 6,
  GT: 7, LT: 8, COMMA: 9, EQ: 10, STAR: 11, LPAREN: 12, RPAREN: 13, MINUS: 14,
  IN: 20, OR: 21, SET: 22, AND: 23, USE: 24, ASC: 25, RAM: 26, AVG: 27, DESC: 28, SHOW: 29,
  FROM: 30, INTO: 31, LIKE: 32, LIMIT: 33, FULL: 34, WHERE: 35, TABLES: 36, DELETE: 37,
  STATUS: 38, VALUES: 39, SELECT: 40, INSERT: 41, COLUMNS: 42, GLOBAL: 43, UPTIME: 44,
  ORDER_BY: 45, SESSION: 46, DESCRIBE: 47, DATABASES: 48, DATABASE: 49, VARIABLES: 50,
  FILESYSTEM: 51, PROCESSLIST: 52, TABLE_STATUS: 53,
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];

/** Reserved words (unquoted, any letter case); longer words that merely start with one are names. */
const KEYWORDS: ReadonlyMap<string, TokKind> = new Map<string, TokKind>([
  ['in', Tok.IN], ['or', Tok.OR], ['set', Tok.SET], ['and', Tok.AND], ['use', Tok.USE],
  ['asc', Tok.ASC], ['ram', Tok.RAM], ['avg', Tok.AVG], ['desc', Tok.DESC], ['show', Tok.SHOW],
  ['from', Tok.FROM], ['into', Tok.INTO], ['like', Tok.LIKE], ['limit', Tok.LIMIT], ['full', Tok.FULL],
  ['where', Tok.WHERE], ['tables', Tok.TABLES], ['delete', Tok.DELETE], ['status', Tok.STATUS],
  ['values', Tok.VALUES], ['select', Tok.SELECT], ['insert', Tok.INSERT], ['columns', Tok.COLUMNS],
  ['global', Tok.GLOBAL], ['uptime', Tok.UPTIME], ['session', Tok.SESSION], ['describe', Tok.DESCRIBE],
  ['databases', Tok.DATABASES], ['database', Tok.DATABASE], ['variables', Tok.VARIABLES],
  ['filesystem', Tok.FILESYSTEM], ['processlist', Tok.PROCESSLIST],
]);

export interface LexerOptions {
  /** Recognise `?` as a placeholder (COM_STMT_PREPARE); otherwise it is skipped like upstream. */
  readonly placeholders?: boolean;
  /** Apply MySQL literal rules to quoted strings ([cometql] decode_escapes); default raw. */
  readonly decodeEscapes?: boolean;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x27;
const DQUOTE = 0x22;
const BACKTICK = 0x60;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isIdentStart(c: number): boolean {
  return isLetter(c) || c === 0x5f;
}
function isIdentChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 0x5f;
}
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

export class Lexer {
  kind: TokKind = Tok.EOF;
  /** Span of the whole token in the text (quotes included). */
  start = 0;
  end = 0;
  /** The token was written in quotes (only meaningful for NAME/INT). */
  quoted = false;
  /** Index of a `?` placeholder (0-based, in order of appearance). */
  paramIndex = -1;
  private vStart = 0;
  private vEnd = 0;
  /** The string contains a backslash or a doubled quote (decoding needed in decode mode). */
  private escaped = false;
  private pos = 0;
  private params = 0;
  private readonly len: number;
  private readonly placeholders: boolean;
  private readonly decode: boolean;

  constructor(readonly text: string, opts: LexerOptions = {}) {
    this.len = text.length;
    this.placeholders = opts.placeholders === true;
    this.decode = opts.decodeEscapes === true;
  }

  /** Number of `?` placeholders seen so far. */
  get paramCount(): number {
    return this.params;
  }

  /** The value of the current INT/NAME/STRING/SYSVAR token (quotes dropped; raw unless decoding). */
  value(): string {
    const raw = this.text.slice(this.vStart, this.vEnd);
    if (!this.decode || !this.escaped || this.kind !== Tok.STRING) return raw;
    return decodeMysqlString(raw, this.text.charCodeAt(this.start));
  }

  /** Advance to the next token and return its kind. */
  next(): TokKind {
    const t = this.text;
    const len = this.len;
    this.quoted = false;
    this.escaped = false;
    while (this.pos < len) {
      const p = this.pos;
      const c = t.charCodeAt(p);
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      switch (c) {
        case 0x3b: return this.punct(Tok.SEMI);
        case 0x3e: return this.punct(Tok.GT);
        case 0x3c: return this.punct(Tok.LT);
        case 0x2c: return this.punct(Tok.COMMA);
        case 0x3d: return this.punct(Tok.EQ);
        case 0x2a: return this.punct(Tok.STAR);
        case 0x28: return this.punct(Tok.LPAREN);
        case 0x29: return this.punct(Tok.RPAREN);
        case 0x3f:
          if (this.placeholders) {
            this.paramIndex = this.params++;
            return this.punct(Tok.PARAM);
          }
          this.pos++;
          continue;
        case 0x23: // '#' comment to end of line (SUP)
          this.pos = this.lineEnd(p + 1);
          continue;
        case 0x2d: { // '-': "-- " comment, negative integer (SUP), else a MINUS no grammar rule accepts
          const n = p + 1 < len ? t.charCodeAt(p + 1) : -1;
          if (n === 0x2d && (p + 2 >= len || isSpace(t.charCodeAt(p + 2)) || t.charCodeAt(p + 2) < 0x20)) {
            this.pos = this.lineEnd(p + 2);
            continue;
          }
          if (isDigit(n)) return this.integer(p, p + 1);
          // Never skipped: `- 5` read as 5 would turn `id = - 5` into user 5 (docs/COMPATIBILITY.md Q1).
          return this.punct(Tok.MINUS);
        }
        case 0x2f: // '/': "/* */" comment (SUP), else skipped
          if (p + 1 < len && t.charCodeAt(p + 1) === 0x2a) {
            const close = t.indexOf('*/', p + 2);
            this.pos = close < 0 ? len : close + 2;
            continue;
          }
          this.pos++;
          continue;
        case 0x40: // '@@name' system variable
          if (p + 2 < len && t.charCodeAt(p + 1) === 0x40 && isIdentStart(t.charCodeAt(p + 2))) return this.sysvar(p);
          this.pos++;
          continue;
        case QUOTE:
        case DQUOTE:
        case BACKTICK:
          if (this.quotedToken(p, c)) return this.kind;
          this.pos++; // an unterminated quote (or a backquoted non-identifier) is skipped
          continue;
        default:
          if (isDigit(c)) return this.integer(p, p);
          if (isIdentStart(c)) return this.word(p);
          this.pos++; // any other byte is skipped silently (rule 8)
      }
    }
    this.kind = Tok.EOF;
    this.start = this.end = this.vStart = this.vEnd = len;
    return Tok.EOF;
  }

  private punct(kind: TokKind): TokKind {
    this.kind = kind;
    this.start = this.vStart = this.pos;
    this.end = this.vEnd = ++this.pos;
    return kind;
  }

  private set(kind: TokKind, start: number, end: number, vStart: number, vEnd: number): TokKind {
    this.kind = kind;
    this.start = start;
    this.end = end;
    this.vStart = vStart;
    this.vEnd = vEnd;
    this.pos = end;
    return kind;
  }

  private lineEnd(from: number): number {
    const t = this.text;
    let i = from;
    while (i < this.len && t.charCodeAt(i) !== 0x0a) i++;
    return i;
  }

  private digitsEnd(from: number): number {
    let i = from;
    while (i < this.len && isDigit(this.text.charCodeAt(i))) i++;
    return i;
  }

  private identEnd(from: number): number {
    let i = from;
    while (i < this.len && isIdentChar(this.text.charCodeAt(i))) i++;
    return i;
  }

  private integer(start: number, digitsFrom: number): TokKind {
    const end = this.digitsEnd(digitsFrom);
    return this.set(Tok.INT, start, end, start, end);
  }

  /** `@@name`, and (SUP) `@@session.name` / `@@global.name` / `@@local.name` as one token. */
  private sysvar(p: number): TokKind {
    let end = this.identEnd(p + 2);
    if (end + 1 < this.len && this.text.charCodeAt(end) === 0x2e && isIdentStart(this.text.charCodeAt(end + 1))) {
      const scope = this.text.slice(p + 2, end).toLowerCase();
      if (scope === 'session' || scope === 'global' || scope === 'local') end = this.identEnd(end + 1);
    }
    return this.set(Tok.SYSVAR, p, end, p, end);
  }

  /** An identifier-shaped word: keyword (longest match, keyword wins a tie) or NAME. */
  private word(p: number): TokKind {
    const end = this.identEnd(p);
    const n = end - p;
    if (n >= 2 && n <= 11) {
      const w = this.text.slice(p, end).toLowerCase();
      if (w === 'order' || w === 'table') {
        const two = this.secondWord(end, w === 'order' ? 'by' : 'status');
        if (two > 0) return this.set(w === 'order' ? Tok.ORDER_BY : Tok.TABLE_STATUS, p, two, p, two);
      }
      const kw = KEYWORDS.get(w);
      if (kw !== undefined) return this.set(kw, p, end, p, end);
    }
    return this.set(Tok.NAME, p, end, p, end);
  }

  /** End of `<whitespace>+<second>` after a first word (any whitespace, SUP), or -1. */
  private secondWord(from: number, second: string): number {
    let i = from;
    while (i < this.len && isSpace(this.text.charCodeAt(i))) i++;
    if (i === from || i + second.length > this.len) return -1;
    return this.text.slice(i, i + second.length).toLowerCase() === second ? i + second.length : -1;
  }

  /**
   * A token starting with a quote: quoted INT or NAME (the quote kind only decides the class),
   * else a STRING for ' and ". False when nothing matches (the quote byte is then skipped).
   */
  private quotedToken(p: number, q: number): boolean {
    const t = this.text;
    const len = this.len;
    const c1 = p + 1 < len ? t.charCodeAt(p + 1) : -1;
    // A doubled closing quote continues a string, so `'abc''d'` is not the NAME abc.
    const closesAt = (i: number) => i < len && t.charCodeAt(i) === q && (q === BACKTICK || i + 1 >= len || t.charCodeAt(i + 1) !== q);
    if (isDigit(c1)) {
      const e = this.digitsEnd(p + 1);
      if (closesAt(e)) {
        this.quoted = true;
        this.set(Tok.INT, p, e + 1, p + 1, e);
        return true;
      }
    } else if (isIdentStart(c1)) {
      const e = this.identEnd(p + 1);
      if (closesAt(e)) {
        this.quoted = true;
        this.set(Tok.NAME, p, e + 1, p + 1, e);
        return true;
      }
    }
    if (q === BACKTICK) return false;
    return this.stringToken(p, q);
  }

  /**
   * A ' or " string. A backslash takes the next byte with it and a doubled quote continues the
   * string (§5.2); the value is the raw text between the quotes. With no closing quote, the
   * string ends at the last escaped quote if any (flex's longest match), else it is no token.
   */
  private stringToken(p: number, q: number): boolean {
    const t = this.text;
    const len = this.len;
    let lastEscapedQuote = -1;
    let escaped = false;
    let i = p + 1;
    while (i < len) {
      const c = t.charCodeAt(i);
      if (c === BACKSLASH) {
        escaped = true;
        if (i + 1 < len && t.charCodeAt(i + 1) === q) lastEscapedQuote = i + 1;
        i += 2;
      } else if (c === q) {
        if (i + 1 < len && t.charCodeAt(i + 1) === q) {
          escaped = true;
          lastEscapedQuote = i + 1;
          i += 2;
        } else {
          this.escaped = escaped;
          this.set(Tok.STRING, p, i + 1, p + 1, i);
          return true;
        }
      } else {
        i++;
      }
    }
    if (lastEscapedQuote < 0) return false;
    this.escaped = escaped;
    this.set(Tok.STRING, p, lastEscapedQuote + 1, p + 1, lastEscapedQuote);
    return true;
  }
}

/** A token as plain data (tests and tools; the parser uses the cursor directly). */
export interface TokenInfo {
  readonly kind: TokKind;
  readonly value: string;
  readonly quoted: boolean;
}

export function tokenize(text: string, opts: LexerOptions = {}): TokenInfo[] {
  const lx = new Lexer(text, opts);
  const out: TokenInfo[] = [];
  while (lx.next() !== Tok.EOF) out.push({ kind: lx.kind, value: lx.value(), quoted: lx.quoted });
  return out;
}

/** Token kind names for messages and tests. */
export const TOK_NAMES: ReadonlyMap<TokKind, string> = new Map(Object.entries(Tok).map(([k, v]) => [v as TokKind, k]));
