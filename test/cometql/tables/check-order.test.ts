// The order of checks of COMETQL.md §6.4 and the common table rules of §4.0 (WHERE, integer
// conversion, LIMIT with MySQL semantics), each case built so that two checks compete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from '../../helpers/engine-harness.js';
import { SqlErrors, type SqlError } from '../../../src/errors.js';
import { fail, rows } from '../../../src/cometql/result.js';

const ORDER: ReadonlyArray<readonly [string, SqlError]> = [
  // 4 parse before everything else
  ['select * from nope where', SqlErrors.syntax],
  // 5 routing: unknown table first, then read-only
  ['select nope from nope where x = 1 order by y', SqlErrors.tableNotExist],
  ['insert into users_time (nope, nope) values (1)', SqlErrors.readOnly('users_time')],
  ['delete from pipes where nope = 1 order by x', SqlErrors.readOnly('pipes')],
  // 6 SELECT column list before ORDER BY and WHERE
  ['select nope from users_time where nope = 1 order by id', SqlErrors.notAColumn],
  ['select id, id from users_time where nope = 1 order by id', SqlErrors.selectColumnTwice],
  // 7 ORDER BY before the conditions, conditions one by one (column, repeat, OR)
  ['select * from users_time where nope = 1 order by id', SqlErrors.orderByNotImplemented],
  ['delete from users_auth where nope = 1 order by id', SqlErrors.orderByNotImplemented],
  ['select * from users_time where nope = 1 or id = 2', SqlErrors.notAColumn],
  ['select * from users_time where time = 1 or nope = 2', SqlErrors.notAColumn],
  ['select * from users_time where time = 1 or time = 2', SqlErrors.conditionColumnTwice],
  ['select * from users_time where time = 1 or id = 2 and nope = 3', SqlErrors.orNotImplemented],
  // 8 missing key after the conditions; INSERT mapping (count, then names in order)
  ['select * from users_time where time = 1', SqlErrors.selectWithoutKey],
  ['delete from users_auth where hash = 1', SqlErrors.selectWithoutKey],
  ['insert into users_auth (id, nope) values (1)', SqlErrors.columnsList],
  ['insert into users_auth (nope, id, id) values (1, 2, 3)', SqlErrors.notAColumn],
  ['insert into users_auth (id, id, nope) values (1, 2, 3)', SqlErrors.insertColumnTwice],
  ['insert into users_auth values (1)', SqlErrors.columnsList],
  // 9 required fields in the table's order, 10 then the values
  ['insert into users_auth (hash) values (1)', SqlErrors.fieldRequired('id')],
  ["insert into pipes_messages (message) values ('m')", SqlErrors.fieldRequired('name')],
  ["insert into pipes_messages (name, message) values ('ab', 'm')", SqlErrors.fieldRequired('event')],
  ["insert into pipes_messages (name, event, message) values ('ab', 'e v', 'm')", SqlErrors.channelNameTooShort],
  ["insert into pipes_messages (name, event, message) values ('a b', 'e v', 'm')", SqlErrors.invalidChannelName],
  ["insert into users_auth (id, hash) values (0, 'a-b')", SqlErrors.idNonNegative],
  // parser limits travel as per-statement errors
  [`select ${Array.from({ length: 21 }, (_, i) => `c${i}`).join(',')} from nope`, SqlErrors.tooManyColumns],
  [`select * from nope where ${Array.from({ length: 11 }, (_, i) => `c${i} = 1`).join(' and ')}`, SqlErrors.tooManyConditions],
  [`select * from users_time where id in (${Array.from({ length: 4001 }, () => '1').join(',')})`, SqlErrors.tooManyValues],
  [`insert into nope (${Array.from({ length: 21 }, (_, i) => `c${i}`).join(',')}) values (1)`, SqlErrors.tooManyNames],
];

for (const [sql, error] of ORDER) {
  test(`check order: ${sql.length > 90 ? `${sql.slice(0, 90)}…` : sql} → ${error.errno} ${error.message}`, async () => {
    const h = harness();
    assert.deepEqual(await h.q(sql), fail(error));
  });
}

test('parser-limit error texts', () => {
  assert.deepEqual(SqlErrors.tooManyConditions, { errno: 18, sqlState: 'HY000', message: 'Error in expression list, too many conditions.' });
  assert.deepEqual(SqlErrors.tooManyValues, { errno: 19, sqlState: 'HY000', message: 'Error in expression list, too many values.' });
  assert.deepEqual(SqlErrors.tooManyColumns, { errno: 20, sqlState: 'HY000', message: 'Error in columns list, too many columns.' });
  assert.deepEqual(SqlErrors.tooManyNames, { errno: 21, sqlState: 'HY000', message: 'Error in names list, too many names.' });
  assert.deepEqual(SqlErrors.syntax, { errno: 3, sqlState: 'HY000', message: 'Syntax error in query' });
  assert.deepEqual(SqlErrors.selectDatabase, { errno: 15, sqlState: 'HY000', message: 'Select database failure' });
});

test('WHERE: operators ignored, other columns ignored, duplicates twice, invalid keys skipped', async () => {
  const h = harness();
  const cols = ['id', 'time'];
  assert.deepEqual(await h.q('select * from users_time where id > 5'), rows(cols, [['5', '-1']]));
  assert.deepEqual(await h.q("select * from users_time where id like '6'"), rows(cols, [['6', '-1']]));
  assert.deepEqual(await h.q('select * from users_time where id < 7 and time = 3'), rows(cols, [['7', '-1']]));
  assert.deepEqual(await h.q('select * from users_time where time = 3 and id = 8'), rows(cols, [['8', '-1']]));
  assert.deepEqual(await h.q('select * from users_time where id in (2, 2)'), rows(cols, [['2', '-1'], ['2', '-1']]));
  // digit-prefix conversion: '12abc' → 12, 'abc' → 0; -5 and '-5' are negative; > 32 bits invalid
  assert.deepEqual(await h.q("select id from users_time where id in ('12abc', 'abc', -5, '-5', 99999999999, '2147483647')"), rows(['id'], [['12'], ['0'], ['2147483647']]));
});

test('LIMIT has MySQL semantics; LIMIT 0 answers column definitions without the key', async () => {
  const h = harness();
  const q = (limit: string) => h.q(`select id from users_time where id in (1, 2, 3, 4, 5) ${limit}`);
  const ids = (...n: number[]) => rows(['id'], n.map((i) => [String(i)]));
  assert.deepEqual(await q('limit 2'), ids(1, 2));
  assert.deepEqual(await q('limit 1, 2'), ids(2, 3));
  assert.deepEqual(await q('limit 2 offset 3'), ids(4, 5));
  assert.deepEqual(await q("limit '3'"), ids(1, 2, 3));
  assert.deepEqual(await q('limit 10, 2'), ids());
  assert.deepEqual(await q('limit 0'), ids());
  assert.deepEqual(await q('limit 18446744073709551615'), ids(1, 2, 3, 4, 5));
  assert.deepEqual(await h.q('select * from users_time limit 0'), rows(['id', 'time'], []));
  assert.deepEqual(await h.q('select name from pipes limit 0'), rows(['name'], []));
  assert.deepEqual(await h.q('select * from users_time limit 1'), fail(SqlErrors.selectWithoutKey));
  assert.deepEqual(await h.q('select @@version_comment limit 1, 1'), rows(['@@version_comment'], []));
});
