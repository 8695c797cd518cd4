// Fuzz input generators shared by the lexer/parser and engine fuzz tests (no tests here): a
// seeded PRNG, random bytes, token soup and mutations of valid queries.

import { prng } from './prng.js';
export { prng };
const VOCAB = [
  'select', 'SELECT', 'insert', 'into', 'delete', 'from', 'where', 'and', 'or', 'in', 'like', 'limit', 'offset', 'order by', 'order  by',
  'values', 'show', 'tables', 'databases', 'table status', 'status', 'variables', 'global', 'session', 'full', 'columns', 'describe',
  'set', 'names', 'use', 'begin', 'commit', 'start transaction', 'as', 'database()', 'version()', '@@version_comment', '@@session.x',
  'pipes', 'pipes_messages', 'users_auth', 'users_time', 'name', 'id', 'event', 'message', '*', ',', '(', ')', '=', '<', '>', ';',
  "'", '"', '`', '\\', "''", '""', "'x'", '"y"', "'it''s'", "'a\\'b'", '12', '-5', '0x41', '1.5', '?', '--', '-- c\n', '#', '/*', '*/',
  '@', '@@', '.', '!', '\n', '\t', ' ', 'NULL', '\u00e9', '\ufffd', '\0',
];

const CORPUS = [
  'select @@version_comment limit 1',
  "insert into pipes_messages (name, event, message) values ('web_chat', 'ev', '{\"a\":\"it''s\"}')",
  "SELECT * FROM pipes WHERE name IN ('web_a', 'x', 'web_b') LIMIT 1, 2",
  'DELETE FROM users_auth WHERE id = -5',
  "INSERT INTO users_auth (id, hash) VALUES (12, 'hash1')",
  "SHOW SESSION VARIABLES LIKE 'lower%'",
  'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci; select 1; show tables',
  "select time, id from users_time where id = 5 and time > '3' order by id desc limit 2 offset 1",
  'select DATABASE(), USER() limit 1',
  'show full columns from users_auth',
];

export function randomBytes(rnd: () => number): string {
  const n = Math.floor(rnd() * 200);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(rnd() < 0.9 ? Math.floor(rnd() * 128) : Math.floor(rnd() * 0x3000));
  return s;
}

function tokenSoup(rnd: () => number): string {
  const n = Math.floor(rnd() * 40);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(VOCAB[Math.floor(rnd() * VOCAB.length)]);
  return parts.join(rnd() < 0.5 ? ' ' : '');
}

function mutate(rnd: () => number): string {
  let s = CORPUS[Math.floor(rnd() * CORPUS.length)];
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(rnd() * (s.length + 1));
    const j = Math.min(s.length, i + Math.floor(rnd() * 8));
    switch (Math.floor(rnd() * 5)) {
      case 0: s = s.slice(0, i) + s.slice(j); break; // delete a range
      case 1: s = s.slice(0, i) + VOCAB[Math.floor(rnd() * VOCAB.length)] + s.slice(i); break; // insert a fragment
      case 2: s = s.slice(0, i) + s.slice(i, j) + s.slice(i); break; // duplicate a range
      case 3: s = s.slice(0, i) + String.fromCharCode(Math.floor(rnd() * 256)) + s.slice(i + 1); break; // replace a byte
      default: s = s.slice(0, i); // truncate
    }
  }
  return s;
}

export function fuzzInputs(seed: number, count: number): string[] {
  const rnd = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = rnd();
    out.push(r < 0.25 ? randomBytes(rnd) : r < 0.6 ? tokenSoup(rnd) : mutate(rnd));
  }
  return out;
}
