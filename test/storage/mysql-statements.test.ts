// Pure pieces of the MySQL store: creation order without seq, column fitting, statement batches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v1 as uuidv1 } from 'uuid';
import { compareCreation, sortByCreation, uuidV1Ticks } from '../../src/storage/row-order.js';
import { MysqlSchema, cutUtf8, checkInt, type ColumnInfo } from '../../src/storage/mysql-schema.js';
import { compileBatch, type CompileContext } from '../../src/storage/mysql-statements.js';
import { StorageError, type WriteOp } from '../../src/storage/storage.js';

test('UUID v1 ticks order ids created in the same second, whatever their text order', () => {
  // time_low wraps: the later id has a smaller first field, so text order is wrong here.
  const earlier = 'ffffff00-0001-11ee-8000-000000000000';
  const later = '00000010-0002-11ee-8000-000000000000';
  assert.ok(later < earlier);
  assert.ok(compareCreation({ time: 5, id: earlier }, { time: 5, id: later }) < 0);
  assert.ok(compareCreation({ time: 4, id: later }, { time: 5, id: earlier }) < 0, 'the second decides first');
  assert.equal(uuidV1Ticks('not-a-uuid'), undefined);
  assert.equal(uuidV1Ticks('6ba7b810-9dad-41d1-80b4-00c04fd430c8'), undefined, 'a v4 UUID has no timestamp');
});

test('sortByCreation restores generation order of shuffled v1 ids', () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ time: 100 + Math.floor(i / 50), id: uuidv1(), n: i }));
  const shuffled = [...rows].sort(() => Math.random() - 0.5);
  assert.deepEqual(sortByCreation(shuffled).map((r) => r.n), rows.map((r) => r.n));
  assert.deepEqual(sortByCreation([{ time: 1, id: uuidv1() }, { time: 1, id: 'legacy' }]).map((r) => r.id)[0], 'legacy');
});

test('cutUtf8 never splits a character', () => {
  assert.equal(cutUtf8('abc', 10), 'abc');
  assert.equal(cutUtf8('aé', 2), 'a');
  assert.equal(cutUtf8('a😀b', 4), 'a');
  assert.equal(cutUtf8('a😀b', 5), 'a😀');
});

const col = (table: string, column: string, dataType: string, maxLength: number | null, charset: string | null, octet = maxLength): ColumnInfo => ({
  table,
  column,
  dataType,
  maxLength,
  octetLength: octet,
  charset,
  autoIncrement: column === 'seq',
});

/** An upstream-shaped schema: TEXT utf8 bodies, CHAR(32) hash, VARBINARY(600) token. */
const upstream = new MysqlSchema([
  col('pipe_messages', 'id', 'char', 36, 'ascii'),
  col('pipe_messages', 'pipe_name', 'char', 64, 'ascii'),
  col('pipe_messages', 'event', 'char', 64, 'ascii'),
  col('pipe_messages', 'message', 'text', 65535, 'utf8mb3'),
  col('users_auth', 'hash', 'char', 32, 'ascii'),
  col('revoked_tokens', 'token', 'varbinary', 600, null),
  col('users_data', 'data', 'text', 65535, 'utf8mb3'),
]);

test('fitWhole refuses (permanently) a key that does not fit; fitBody cuts a body to the column', () => {
  assert.equal(upstream.fitWhole('users_auth', 'hash', 'a'.repeat(32)), 'a'.repeat(32));
  assert.throws(() => upstream.fitWhole('users_auth', 'hash', 'a'.repeat(33)), (e: unknown) => e instanceof StorageError && !e.transient);
  assert.throws(() => upstream.fitWhole('revoked_tokens', 'token', 't'.repeat(601)), (e: unknown) => e instanceof StorageError && !e.transient);
  assert.throws(() => upstream.fitWhole('pipe_messages', 'event', 'évent'), /non-ASCII/);
  const fitted = upstream.fitBody('pipe_messages', 'message', 'é'.repeat(40000));
  assert.equal(Buffer.byteLength(fitted.value), 65534);
  assert.deepEqual(fitted.cut, { fromBytes: 80000, toBytes: 65534 });
  assert.deepEqual(upstream.fitBody('pipe_messages', 'message', 'short'), { value: 'short' });
  assert.throws(() => upstream.fitBody('pipe_messages', 'message', 'emoji 😀'), /utf8mb4/);
  assert.equal(upstream.fitWhole('unknown_table', 'x', 'anything'), 'anything');
  assert.throws(() => checkInt('t', 'c', 2 ** 31), StorageError);
  assert.throws(() => checkInt('t', 'c', 1.5), StorageError);
  assert.equal(checkInt('t', 'c', -5), -5);
});

function context(schema: MysqlSchema, maxStoredMessage = 65535) {
  const notes = { truncated: [] as unknown[], oversize: [] as unknown[] };
  const ctx: CompileContext = {
    schema,
    maxStoredMessage,
    now: 1_700_000_000,
    notes: { truncated: (d) => notes.truncated.push(d), oversize: (d) => notes.oversize.push(d) },
  };
  return { ctx, notes };
}

const append = (i: number, message = `m${i}`): WriteOp => ({
  op: 'history.append',
  dev: 0,
  row: { id: uuidv1(), time: 1, pipe: 'p', event: 'e', message, userId: 0 },
});

test('a run of appends becomes few multi-row inserts in row order (chunks of 50, 10, 1)', () => {
  const { ctx } = context(new MysqlSchema([]));
  const ops = Array.from({ length: 137 }, (_, i) => append(i));
  const statements = compileBatch(ctx, ops);
  assert.deepEqual(statements.map((s) => s.values.length / 7), [50, 50, 10, 10, 10, 1, 1, 1, 1, 1, 1, 1]);
  const messages = statements.flatMap((s) => s.values.filter((_, i) => i % 7 === 5));
  assert.deepEqual(messages, ops.map((o) => (o as Extract<WriteOp, { op: 'history.append' }>).row.message));
  assert.ok(statements.every((s) => s.sql.endsWith('ON DUPLICATE KEY UPDATE `id` = `id`')));
});

test('op order is kept around appends; every value is a parameter', () => {
  const { ctx } = context(new MysqlSchema([]));
  const statements = compileBatch(ctx, [
    append(0),
    { op: 'auth.put', dev: 1, user: 2, hash: "x'); DROP TABLE users_auth; --" },
    append(1),
    { op: 'pipeSettings.delete', dev: 1, pipe: 'p' },
  ]);
  assert.deepEqual(
    statements.map((s) => s.sql.split(' ').slice(0, 3).join(' ')),
    ['INSERT INTO `pipe_messages`', 'REPLACE INTO `users_auth`', 'INSERT INTO `pipe_messages`', 'DELETE FROM `pipes_settings`', 'DELETE FROM `pipe_messages`'],
  );
  assert.ok(!statements.some((s) => s.sql.includes('DROP')));
  assert.deepEqual(statements[1].values, [1, 2, "x'); DROP TABLE users_auth; --"]);
});

test('bodies: cut only when the column cannot hold them, reported either way', () => {
  const { ctx, notes } = context(upstream, 1000);
  const [s] = compileBatch(ctx, [append(0, 'x'.repeat(2000))]);
  assert.equal(s.values[5], 'x'.repeat(2000), 'longer than buf_size but fits the column: stored whole');
  assert.equal(notes.oversize.length, 1);
  assert.equal(notes.truncated.length, 0);
  const [t] = compileBatch(ctx, [append(1, 'y'.repeat(70000))]);
  assert.equal(t.values[5], 'y'.repeat(65535));
  assert.equal(notes.truncated.length, 1);
});

test('log rows for a missing log table are skipped, not failed', () => {
  const { ctx } = context(new MysqlSchema([col('log_query', 'query', 'text', 65535, 'utf8mb4')]));
  assert.equal(compileBatch(ctx, [{ op: 'event.append', text: 'start' }]).length, 0);
  assert.equal(compileBatch(ctx, [{ op: 'queryLog.append', dev: 0, query: 'SELECT 1' }]).length, 1);
});
