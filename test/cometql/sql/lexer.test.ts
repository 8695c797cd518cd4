// The CometQL tokenizer against every rule of COMETQL.md §5.1/§5.2 and the SUP deviations of §5.6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, Tok, TOK_NAMES, type LexerOptions } from '../../../src/cometql/sql/lexer.js';

/** Tokens as `KIND` or `KIND:value` strings, for compact tables. */
function lex(text: string, opts: LexerOptions = {}): string[] {
  return tokenize(text, opts).map((t) => {
    const name = TOK_NAMES.get(t.kind)!;
    return t.kind === Tok.INT || t.kind === Tok.NAME || t.kind === Tok.STRING || t.kind === Tok.SYSVAR ? `${name}:${t.value}` : name;
  });
}

const CASES: ReadonlyArray<readonly [string, string, string[], LexerOptions?]> = [
  // rule 1: operators and punctuation
  ['operators', '> < , = * ( )', ['GT', 'LT', 'COMMA', 'EQ', 'STAR', 'LPAREN', 'RPAREN']],
  ['two-character operators are two tokens', '>= <> <=', ['GT', 'EQ', 'LT', 'GT', 'LT', 'EQ']],
  // rule 2: keywords, any letter case, longest match
  ['keywords any case', 'SeLeCt FROM where', ['SELECT', 'FROM', 'WHERE']],
  ['every single-word keyword', 'in or set and use asc ram avg desc show from into like limit full where tables delete status values select insert columns global uptime session describe databases database variables filesystem processlist',
    ['IN', 'OR', 'SET', 'AND', 'USE', 'ASC', 'RAM', 'AVG', 'DESC', 'SHOW', 'FROM', 'INTO', 'LIKE', 'LIMIT', 'FULL', 'WHERE', 'TABLES', 'DELETE', 'STATUS', 'VALUES', 'SELECT', 'INSERT', 'COLUMNS', 'GLOBAL', 'UPTIME', 'SESSION', 'DESCRIBE', 'DATABASES', 'DATABASE', 'VARIABLES', 'FILESYSTEM', 'PROCESSLIST']],
  ['words starting with a keyword are names', 'index names users settings insertion descr', ['NAME:index', 'NAME:names', 'NAME:users', 'NAME:settings', 'NAME:insertion', 'NAME:descr']],
  ['quoted keywords are names', "'status' \"desc\" `full`", ['NAME:status', 'NAME:desc', 'NAME:full']],
  ['ORDER BY with one space', 'order by x', ['ORDER_BY', 'NAME:x']],
  ['ORDER BY with any whitespace (SUP)', 'ORDER  BY x ORDER\tBY y order\n by z', ['ORDER_BY', 'NAME:x', 'ORDER_BY', 'NAME:y', 'ORDER_BY', 'NAME:z']],
  ['ORDER BY is a longest match', 'order byx', ['ORDER_BY', 'NAME:x']],
  ['orderby and order alone are names', 'orderby order', ['NAME:orderby', 'NAME:order']],
  ['TABLE STATUS', 'table status TABLE  STATUS', ['TABLE_STATUS', 'TABLE_STATUS']],
  ['table alone is a name', 'table', ['NAME:table']],
  // rule 3: system variables
  ['sysvar keeps its text', '@@version_comment @@Max_Allowed_Packet', ['SYSVAR:@@version_comment', 'SYSVAR:@@Max_Allowed_Packet']],
  ['scoped sysvar (SUP)', '@@session.autocommit @@GLOBAL.x @@local.y', ['SYSVAR:@@session.autocommit', 'SYSVAR:@@GLOBAL.x', 'SYSVAR:@@local.y']],
  ['other dotted sysvar is two tokens', '@@foo.bar', ['SYSVAR:@@foo', 'NAME:bar']],
  ['@@ without a name is skipped', '@@1 @x', ['INT:1', 'NAME:x']],
  // rule 4: integers
  ['integers', '0 123 007', ['INT:0', 'INT:123', 'INT:007']],
  ['quoted integers are INT', `'123' "45" \`6\``, ['INT:123', 'INT:45', 'INT:6']],
  ['digits then letters', '12abc', ['INT:12', 'NAME:abc']],
  ['no decimals', '1.5', ['INT:1', 'INT:5']],
  ['no hex', '0x41', ['INT:0', 'NAME:x41']],
  ['negative integer (SUP)', 'id = -5', ['NAME:id', 'EQ', 'INT:-5']],
  ['a lone minus is a MINUS token, never skipped', '- 5', ['MINUS', 'INT:5']],
  ['a minus before a comment is a MINUS', '-/**/5', ['MINUS', 'INT:5']],
  ['a minus before a quoted number is a MINUS', "-'5'", ['MINUS', 'INT:5']],
  ['a doubled minus without a space', '--5', ['MINUS', 'INT:-5']],
  ['a trailing minus', 'a -', ['NAME:a', 'MINUS']],
  ["quoted '-5' is a string", "'-5'", ['STRING:-5']],
  // rule 5: names
  ['names in every quoting', "abc 'abc' \"abc\" `abc` _x1", ['NAME:abc', 'NAME:abc', 'NAME:abc', 'NAME:abc', 'NAME:_x1']],
  ['NULL TRUE FALSE are names', 'NULL true False', ['NAME:NULL', 'NAME:true', 'NAME:False']],
  ['non-identifier backquotes are skipped', '`a b`', ['NAME:a', 'NAME:b']],
  ['identifiers are ASCII only', 'caf\u00e9', ['NAME:caf']],
  // rules 6 and 7: strings, raw values
  ['strings', "'hello world' 'ab%' 'a-b' ''", ['STRING:hello world', 'STRING:ab%', 'STRING:a-b', 'STRING:']],
  ['double-quoted strings', '"hello world" ""', ['STRING:hello world', 'STRING:']],
  ['backslash quote kept raw', "'it\\'s'", ["STRING:it\\'s"]],
  ['doubled quote kept raw (5.2)', "'it''s'", ["STRING:it''s"]],
  ['doubled double quote kept raw', '"say ""hi"""', ['STRING:say ""hi""']],
  ['escaped double quotes raw', '"say \\"hi\\""', ['STRING:say \\"hi\\"']],
  ['backslash n is not a newline', "'a\\nb'", ['STRING:a\\nb']],
  ['JSON body', `'{"a":1}'`, ['STRING:{"a":1}']],
  ['everything inside is literal', "'a\nb \"c\" \u00e9 -- # /*'", ['STRING:a\nb "c" \u00e9 -- # /*']],
  ["quoted name followed by a doubled quote is a string", "'abc''d'", ["STRING:abc''d"]],
  // §5.1 quirk not reproduced: a string ending in an escaped backslash ends there
  ['string ending with \\\\ ends at its quote', "('a\\\\', 'b')", ['LPAREN', 'STRING:a\\\\', 'COMMA', 'NAME:b', 'RPAREN']],
  ['unterminated string ends at the last escaped quote', "'abc\\'", ['STRING:abc\\']],
  ['unterminated quote is skipped', "id = '5", ['NAME:id', 'EQ', 'INT:5']],
  // rule 8: skipped bytes; ; is a separator token
  ['whitespace and other bytes skipped', ' \t\r\n!$%^&.', []],
  ['semicolon', 'a;b', ['NAME:a', 'SEMI', 'NAME:b']],
  // comments (SUP)
  ['-- comment', 'a -- b c\nd', ['NAME:a', 'NAME:d']],
  ['-- at the very end', 'a --', ['NAME:a']],
  ['--x is not a comment', 'a --5', ['NAME:a', 'MINUS', 'INT:-5']],
  ['# comment', 'a # b\nc', ['NAME:a', 'NAME:c']],
  ['/* */ comment', 'a /* b * c */ d', ['NAME:a', 'NAME:d']],
  ['unterminated /* runs to the end', 'a /* b', ['NAME:a']],
  ['comment markers inside strings', "'a -- b' \"# c\" '/* d */'", ['STRING:a -- b', 'STRING:# c', 'STRING:/* d */']],
  // placeholders
  ['? skipped in text queries', 'id = ?', ['NAME:id', 'EQ']],
  ['? is a placeholder when preparing', 'id = ?', ['NAME:id', 'EQ', 'PARAM'], { placeholders: true }],
  // decode_escapes = true: MySQL literal rules
  ['decode: backslash quote', "'it\\'s'", ["STRING:it's"], { decodeEscapes: true }],
  ['decode: doubled quote', "'it''s'", ["STRING:it's"], { decodeEscapes: true }],
  ['decode: control escapes', "'a\\nb\\tc\\0d\\Ze\\\\f\\rg\\bh'", ['STRING:a\nb\tc\0d\x1ae\\f\rg\bh'], { decodeEscapes: true }],
  ['decode: \\% and \\_ keep the backslash', "'\\%\\_\\q'", ['STRING:\\%\\_q'], { decodeEscapes: true }],
  ['decode: names are unchanged', "'abc'", ['NAME:abc'], { decodeEscapes: true }],
];

for (const [name, text, expected, opts] of CASES) {
  test(`lexer: ${name}`, () => {
    assert.deepEqual(lex(text, opts), expected);
  });
}

test('lexer: placeholders are numbered in order', () => {
  const toks = tokenize('values (?, ?, ?)', { placeholders: true }).filter((t) => t.kind === Tok.PARAM);
  assert.equal(toks.length, 3);
});

test('lexer: quoted flag tells quoted names from bare ones', () => {
  const [a, b] = tokenize("begin 'begin'");
  assert.equal(a.quoted, false);
  assert.equal(b.quoted, true);
});

test('lexer: pathological inputs end (every byte looked at a bounded number of times)', () => {
  for (const text of ["'".repeat(50_000), '"\\'.repeat(50_000), "'\\'".repeat(30_000), '/*'.repeat(30_000), '@@'.repeat(30_000), '-'.repeat(50_000)]) {
    assert.ok(Array.isArray(tokenize(text)));
  }
});
