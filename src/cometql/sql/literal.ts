// MySQL string-literal rules, used only when [cometql] decode_escapes = true (COMETQL.md §2.11).
// Upstream (and TsComet's default) keeps the raw text between the quotes instead.

const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '\\': '\\',
  // MySQL keeps the backslash of \% and \_ (they only matter to LIKE).
  '%': '\\%',
  _: '\\_',
};

/** Decode the body of a quoted literal: backslash escapes and doubled `quote` characters. */
export function decodeMysqlString(body: string, quote: number): string {
  const q = String.fromCharCode(quote);
  let out = '';
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      const n = body[i + 1];
      out += body.slice(from, i) + (ESCAPES[n] ?? n);
      from = i + 2;
      i++;
    } else if (c === q && i + 1 < body.length && body[i + 1] === q) {
      out += body.slice(from, i) + q;
      from = i + 2;
      i++;
    }
  }
  return out + body.slice(from);
}
