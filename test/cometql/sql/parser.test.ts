// The CometQL grammar: every example of COMETQL.md §5.5 (adjusted for the SUP deviations of
// §5.6 and §3.13), the statement shapes, parser limits (§5.4) and placeholders (§2.12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, type ParseResult } from '../../../src/cometql/sql/parser.js';
import { SqlErrors } from '../../../src/errors.js';
import type { Statement, Value } from '../../../src/cometql/sql/ast.js';

function parse(text: string, placeholders = false): ParseResult {
  return parseQuery(text, { placeholders });
}

function one(text: string): Statement<Value> {
  const r = parse(text);
  assert.ok(r.ok, `expected ${JSON.stringify(text)} to parse`);
  assert.equal(r.statements.length, 1, `one statement in ${JSON.stringify(text)}`);
  return r.statements[0];
}

// §5.5 "Accepted", with the statement kind each must produce.
const UPSTREAM_ACCEPTED: ReadonlyArray<readonly [string, string]> = [
  ['select @@version_comment limit 1', 'items'],
  ['SELECT DATABASE()', 'items'],
  ['select database ()', 'items'],
  ['show tables;', 'show'],
  ['SHOW TABLE STATUS', 'show'],
  ['describe users_auth', 'show'],
  ['show full columns from users_auth', 'show'],
  ['show columns in pipes', 'show'],
  ['show global status', 'show'],
  ['show ram status', 'show'],
  ['show uptime status', 'show'],
  ["SHOW SESSION VARIABLES LIKE 'lower%'", 'show'],
  ['SET NAMES utf8', 'set'],
  ["SET NAMES 'utf8mb4'", 'set'],
  ['select * from users_time where id in(2, 3, 145)', 'select'],
  ["SELECT id FROM users_time WHERE id = '5'", 'select'],
  ['select time, id from users_time where id = 5 limit 1', 'select'],
  [`select * from pipes where name in ('web_admins', "web_php_chat")`, 'select'],
  ['select * from pipes where name = p10', 'select'],
  ["SeLeCt * FrOm pipes wHeRe name = 'x'", 'select'],
  ["INSERT INTO `users_auth` (`id`, `hash`) VALUES (12, 'hash1')", 'insert'],
  [`insert into pipes_messages (name, event, message) values ('p1', 'e1', '{"a":1}')`, 'insert'],
  ["insert into pipes_messages (name, event, message) values ('p1', 'e1', 'it''s ok')", 'insert'],
  ['insert into pipes_messages (name, event, message) values ("p1", "e1", "say \\"hi\\"")', 'insert'],
  ['insert into users_data (id, data) values (1, NULL)', 'insert'],
  ["delete from pipes_messages where name = 'p1' limit 3", 'delete'],
  ['delete from pipes_messages', 'delete'],
  ["select * from pipes where name = 'abc' order by name", 'select'],
  ["select * from pipes where name = 'a' or name = 'b'", 'select'],
  ['SET @@sql_mode abc', 'set'],
  ['SET a b c', 'set'],
];

for (const [text, kind] of UPSTREAM_ACCEPTED) {
  test(`parser accepts (upstream): ${text}`, () => {
    assert.equal(one(text).kind, kind);
  });
}

// §5.5 "Rejected" that TsComet accepts on purpose (SUP, §3.9/§3.10/§3.13/§5.6).
const SUP_ACCEPTED: ReadonlyArray<readonly [string, string]> = [
  ["SHOW VARIABLES LIKE 'lower_case_table_names'", 'show'],
  ['show variables', 'show'],
  ['SET autocommit=0', 'set'],
  ['SET AUTOCOMMIT = 0', 'set'],
  ['SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci', 'set'],
  ['set character set utf8', 'set'],
  ['SET @@session.autocommit 1', 'set'],
  ["SET sql_mode=''", 'set'],
  ['SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', 'set'],
  ['SET GLOBAL a = 1, SESSION b = (2)', 'set'],
  ['SET @user_var = 5', 'set'],
  ['USE CometQL_v1', 'use'],
  ['use `db_7`', 'use'],
  ['select 1', 'items'],
  ['SHOW TABLE  STATUS', 'show'],
  ["select * from pipes where name = 'abc' order  by name", 'select'],
  ["insert into t (a, b, c) values ('p1', 'a\\\\', 'b')", 'insert'],
  ['select * from users_time where id = 5 -- comment', 'select'],
  ['select * /* c */ from users_time where id = 5', 'select'],
  ['select * from users_time where id = 5 # c', 'select'],
  ['select * from users_time where id = 5 limit 2 offset 1', 'select'],
  ['select * from users_time where id = 5 limit 1, 2', 'select'],
  ['SELECT VERSION()', 'items'],
  ['SELECT DATABASE(), USER() LIMIT 1', 'items'],
  ['SELECT CONNECTION_ID()', 'items'],
  ['SELECT CURRENT_USER()', 'items'],
  ['SELECT NOW()', 'items'],
  ['SELECT @@a AS x, @@session.b, @@global.c AS "c"', 'items'],
  ["SELECT 'abc' AS x, 2", 'items'],
  ["SELECT 'id' FROM users_time WHERE id = 1", 'select'],
  ["SELECT 'abc'", 'items'],
  ['SHOW WARNINGS', 'show'],
  ['SHOW ERRORS LIMIT 5', 'show'],
  ['SHOW COUNT(*) WARNINGS', 'show'],
  ['SHOW COUNT(*) ERRORS', 'show'],
  ['SHOW COLLATION', 'show'],
  ["SHOW CHARACTER SET LIKE 'utf8%'", 'show'],
  ['SHOW ENGINES', 'show'],
  ['SHOW CREATE TABLE pipes', 'show'],
  ['SHOW FULL PROCESSLIST', 'show'],
  ['SHOW FIELDS FROM pipes', 'show'],
  ["SHOW GLOBAL STATUS LIKE 'uptime%'", 'show'],
  ['DESC users_auth', 'show'],
  ['BEGIN', 'transaction'],
  ['begin work', 'transaction'],
  ['START TRANSACTION', 'transaction'],
  ['start transaction read only', 'transaction'],
  ['COMMIT', 'transaction'],
  ['ROLLBACK', 'transaction'],
  ['commit work and no chain', 'transaction'],
];

for (const [text, kind] of SUP_ACCEPTED) {
  test(`parser accepts (SUP): ${text}`, () => {
    assert.equal(one(text).kind, kind);
  });
}

// Still rejected with ERR 3.
const REJECTED: readonly string[] = [
  "select * from pipes where name = 'x' limit 5 order by id",
  "insert into users_auth set id=1, hash='x'",
  "insert into t (a, b, c) values ('x', 'y', 'z'), ('p', 'q', 'r')",
  'insert into users_data (id, data) values (1, 1.5)',
  'insert into users_data (id, data) values (1, 0x41)',
  'select * from users_time where id in ()',
  'select * from users_time where id in (1,)',
  'selec * from pipes where name = \'abc\'',
  "UPDATE users_auth SET hash = 'x' WHERE id = 1",
  "REPLACE INTO users_auth (id, hash) VALUES (1, 'x')",
  'EXPLAIN select * from pipes',
  "select * from CometQL_v1.pipes where name = 'abc'",
  'select pipes.name from pipes',
  'select * from users_time where id >= 5',
  'select * from users_time where id <> 5',
  'select * from users_time where not id = 5',
  'select * from users_time where id is null',
  'select * from users_time where id between 1 and 5',
  'select * from users_time where (id = 5)',
  'select count(*) from users_time',
  'select distinct id from users_time',
  'select * from users_time group by id',
  'select * from users_time join pipes',
  'select 1 union select 2',
  'select @@x y',
  "'my pipe'",
  "select * from 'my pipe'",
  'select * from pipes limit -1',
  "select * from pipes limit 'a'",
  'SET',
  'SET;',
  'SET a = (1',
  'SHOW VARIABLES LIKE',
  'SHOW STATUS LIKE ,',
  'SHOW',
  'SHOW CREATE pipes',
  'SELECT FOO()',
  'SELECT VERSION(1)',
  "SELECT 'v'()",
  'select @@x as',
  'START',
  'USE',
  'DESCRIBE',
  'select * from pipes where',
  'select * from pipes order by',
  'insert into pipes_messages values',
  'insert into pipes_messages () values (1)',
  'delete pipes',
  'select ? from pipes',
  // a sign is never dropped: a minus not directly followed by digits is a syntax error
  'delete from users_auth where id = - 5',
  'delete from users_auth where id = -/**/5',
  "delete from users_auth where id = -'5'",
  'delete from users_auth where id in (1, - 5)',
  'delete from users_auth where id = --5',
  "insert into users_auth (id, hash) values (- 5, 'h')",
  'select * from users_auth where id > - 1',
  'select - 1',
  'select * from pipes limit - 1',
  '-;-',
];

for (const text of REJECTED) {
  test(`parser rejects: ${text}`, () => {
    assert.deepEqual(parse(text), { ok: false, error: SqlErrors.syntax });
  });
}

test('parser: empty and statement-less texts give no statements (3.12)', () => {
  for (const text of ['', ';;;;', '  \n ', '-- only a comment', '/* x */', '...']) {
    assert.deepEqual(parse(text), { ok: true, statements: [], paramCount: 0 });
  }
});

test('parser: several statements, with or without separators (2.13)', () => {
  const r = parse('show tables; show databases');
  assert.ok(r.ok);
  assert.deepEqual(r.statements.map((s) => s.kind === 'show' && s.what), ['tables', 'databases']);
  const bare = parse('show tables show databases');
  assert.ok(bare.ok && bare.statements.length === 2);
  const trailing = parse('show tables;');
  assert.ok(trailing.ok && trailing.statements.length === 1);
});

test('parser: SELECT shape', () => {
  assert.deepEqual(one("select time, `id` from users_time where id in (2, '3') and time > x order by id desc limit 4, 5"), {
    kind: 'select',
    table: 'users_time',
    columns: ['time', 'id'],
    where: [
      { column: 'id', op: 'in', values: ['2', '3'], or: false },
      { column: 'time', op: '>', values: ['x'], or: false },
    ],
    orderBy: true,
    limit: { offset: '4', count: '5' },
  });
  assert.deepEqual(one('select * from pipes where name like a or name < b'), {
    kind: 'select',
    table: 'pipes',
    columns: null,
    where: [
      { column: 'name', op: 'like', values: ['a'], or: false },
      { column: 'name', op: '<', values: ['b'], or: true },
    ],
    orderBy: false,
    limit: null,
  });
  assert.deepEqual((one('select * from t limit 3 offset 7') as { limit: unknown }).limit, { count: '3', offset: '7' });
});

test('parser: INSERT and DELETE shapes, values raw', () => {
  assert.deepEqual(one("insert into pipes_messages (name, event, message) values ('p1', \"e\", 'it''s \\'x\\'')"), {
    kind: 'insert',
    table: 'pipes_messages',
    columns: ['name', 'event', 'message'],
    values: ['p1', 'e', "it''s \\'x\\'"],
  });
  assert.deepEqual(one('INSERT INTO users_auth VALUES (12, hash1)'), { kind: 'insert', table: 'users_auth', columns: null, values: ['12', 'hash1'] });
  assert.deepEqual(one('delete from users_auth where id = -5'), {
    kind: 'delete',
    table: 'users_auth',
    where: [{ column: 'id', op: '=', values: ['-5'], or: false }],
    orderBy: false,
    limit: null,
  });
});

test('parser: FROM-less SELECT items and labels', () => {
  assert.deepEqual(one('select @@Version_Comment, @@session.Auto_Increment_Increment AS a, 1, database (), Version() as v, now( )'), {
    kind: 'items',
    items: [
      { kind: 'sysvar', name: 'version_comment', label: '@@Version_Comment' },
      { kind: 'sysvar', name: 'auto_increment_increment', label: 'a' },
      { kind: 'literal', value: '1', label: '1' },
      { kind: 'function', name: 'database', label: 'DATABASE()' },
      { kind: 'function', name: 'version', label: 'v' },
      { kind: 'function', name: 'now', label: 'now( )' },
    ],
    limit: null,
  });
});

test('parser: SHOW shapes', () => {
  assert.deepEqual(one('show uptime status'), { kind: 'show', what: 'status', flag: 'uptime', like: null });
  assert.deepEqual(one("show global variables like lower_case_table_names"), { kind: 'show', what: 'variables', flag: 'global', like: 'lower_case_table_names' });
  assert.deepEqual(one('describe `users_auth`'), { kind: 'show', what: 'columns', table: 'users_auth' });
  assert.deepEqual(one('show create table "pipes"'), { kind: 'show', what: 'createTable', table: 'pipes' });
  assert.deepEqual(one('show count(*) warnings'), { kind: 'show', what: 'warningCount' });
});

test('parser limits (§5.4) become per-statement errors', () => {
  const cols = Array.from({ length: 21 }, (_, i) => `c${i}`).join(', ');
  assert.deepEqual(one(`select ${cols} from pipes`), { kind: 'error', error: SqlErrors.tooManyColumns });
  assert.equal(one(`select ${cols.split(', ').slice(0, 20).join(', ')} from pipes`).kind, 'select');
  const conds = Array.from({ length: 11 }, (_, i) => `c${i} = 1`).join(' and ');
  assert.deepEqual(one(`select * from pipes where ${conds}`), { kind: 'error', error: SqlErrors.tooManyConditions });
  const values = Array.from({ length: 4001 }, (_, i) => String(i)).join(',');
  assert.deepEqual(one(`select * from users_time where id in (${values})`), { kind: 'error', error: SqlErrors.tooManyValues });
  const names = Array.from({ length: 21 }, (_, i) => `c${i}`).join(', ');
  assert.deepEqual(one(`insert into t (${names}) values (1)`), { kind: 'error', error: SqlErrors.tooManyNames });
  const v21 = Array.from({ length: 21 }, (_, i) => String(i)).join(', ');
  assert.deepEqual(one(`insert into pipes_messages values (${v21})`), { kind: 'error', error: SqlErrors.columnsList });
  // A syntax error anywhere still wins.
  assert.deepEqual(parse(`select ${cols} from pipes where`), { ok: false, error: SqlErrors.syntax });
});

test('parser: placeholders (§2.12)', () => {
  const r = parse("insert into pipes_messages (name, event, message) values (?, 'e', ?)", true);
  assert.ok(r.ok);
  assert.equal(r.paramCount, 2);
  assert.deepEqual(r.statements[0], { kind: 'insert', table: 'pipes_messages', columns: ['name', 'event', 'message'], values: [{ param: 0 }, 'e', { param: 1 }] });
  const s = parse('select * from users_time where id in (?, ?) and time = ? limit ?, ?', true);
  assert.ok(s.ok);
  assert.equal(s.paramCount, 5);
  // Table and column positions do not take placeholders.
  assert.deepEqual(parse('select * from ? where id = 1', true), { ok: false, error: SqlErrors.syntax });
  assert.deepEqual(parse('select id from users_time where ? = 1', true), { ok: false, error: SqlErrors.syntax });
});
