// Prepared statements (COMETQL.md §2.12, #52–#54 at the engine level), storage failures of
// durable writes, and unexpected failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, session } from '../helpers/engine-harness.js';
import { SqlErrors, type SqlError } from '../../src/errors.js';
import { ok, fail, rows, type PreparedStatement } from '../../src/cometql/result.js';
import type { StorageSink, WriteOp } from '../../src/storage/storage.js';

function prepared(p: PreparedStatement | SqlError): PreparedStatement {
  assert.ok(!('errno' in p), `prepare failed: ${JSON.stringify(p)}`);
  return p;
}

test('#52 execute(select … where id = ?, [2]) returns the same rows as the text query', async () => {
  const h = harness();
  const p = prepared(h.engine.prepare(h.session, 'select * from users_time where id = ?'));
  assert.equal(p.paramCount, 1);
  assert.deepEqual(p.columns, ['id', 'time']);
  assert.deepEqual(await p.execute(h.session, ['2']), rows(['id', 'time'], [['2', '-1']]));
  assert.deepEqual(await p.execute(h.session, ['2']), await h.q('select * from users_time where id = 2'));
  assert.deepEqual(await p.execute(h.session, ['3']), rows(['id', 'time'], [['3', '-1']]));
});

test('#53 execute(insert into pipes_messages … (?, ?, ?)) behaves like the text INSERT', async () => {
  const h = harness();
  const { link } = await h.connect({ pipes: ['p1x'] });
  const p = prepared(h.engine.prepare(h.session, 'insert into pipes_messages (name, event, message) values (?, ?, ?)'));
  assert.equal(p.paramCount, 3);
  assert.equal(p.columns, null);
  // Parameters are plain values: quotes and backslashes are used as they are.
  assert.deepEqual(await p.execute(h.session, ['p1x', 'e', "it's \\ \"q\""]), ok(0, 0));
  assert.deepEqual(link.messages().map((m) => m.data), ["it's \\ \"q\""]);
  assert.deepEqual(await p.execute(h.session, ['ab', 'e', 'm']), fail(SqlErrors.channelNameTooShort));
});

test('prepared: NULL binds as the text NULL; IN lists and LIMIT take placeholders', async () => {
  const h = harness();
  const ins = prepared(h.engine.prepare(h.session, 'insert into users_data (id, data) values (?, ?)'));
  assert.deepEqual(await ins.execute(h.session, ['4', null]), ok(1, 4));
  assert.deepEqual(await h.q('select data from users_data where id = 4'), rows(['data'], [['NULL']]));
  const sel = prepared(h.engine.prepare(h.session, 'select id from users_time where id in (?, ?, ?) limit ?, ?'));
  assert.equal(sel.paramCount, 5);
  assert.deepEqual(await sel.execute(h.session, ['1', '2', '3', '1', '5']), rows(['id'], [['2'], ['3']]));
  assert.deepEqual(await sel.execute(h.session, ['1', '2', '3', 'x', '5']), fail(SqlErrors.syntax));
  assert.deepEqual(await sel.execute(h.session, ['1', '2', '3', '-1', '5']), fail(SqlErrors.syntax));
});

test('prepared: result columns known at prepare time', () => {
  const h = harness();
  const cases: ReadonlyArray<readonly [string, readonly string[] | null]> = [
    ['select time, id from users_time where id = ?', ['time', 'id']],
    ['select * from pipes where name = ?', ['name', 'users']],
    ['select @@version_comment limit 1', ['@@version_comment']],
    ['select database(), user()', ['DATABASE()', 'user()']],
    ['show status', ['Variable_name', 'Value']],
    ['show tables', ['Tables']],
    ['describe users_auth', ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra']],
    ['select * from nope where id = ?', null],
    ['select foo from pipes where name = ?', null],
    ['delete from users_auth where id = ?', null],
    ['set names utf8', null],
  ];
  for (const [sql, columns] of cases) assert.deepEqual(prepared(h.engine.prepare(h.session, sql)).columns, columns, sql);
});

test('prepared: errors at prepare time', async () => {
  const h = harness();
  assert.deepEqual(h.engine.prepare(h.session, 'selec ?'), SqlErrors.syntax);
  assert.deepEqual(h.engine.prepare(h.session, 'select 1; select 2'), SqlErrors.syntax);
  assert.deepEqual(h.engine.prepare(h.session, `insert into t values (${Array(21).fill('?').join(',')})`), SqlErrors.columnsList);
  const empty = prepared(h.engine.prepare(h.session, ';'));
  assert.equal(empty.paramCount, 0);
  assert.deepEqual(await empty.execute(h.session, []), ok());
  // Semantic errors surface at execute time, like the text protocol.
  const bad = prepared(h.engine.prepare(h.session, 'select * from nope where id = ?'));
  assert.deepEqual(await bad.execute(h.session, ['1']), fail(SqlErrors.tableNotExist));
});

test('prepared: execution uses the session it is given (dev_id at execute time)', async () => {
  const h = harness();
  const p = prepared(h.engine.prepare(h.session, 'insert into users_auth (id, hash) values (?, ?)'));
  assert.deepEqual(await p.execute(session({ devId: 9 }), ['1', 'h9']), ok(1, 1));
  assert.equal(h.core.auth.hashes.get(9, 1), 'h9');
  assert.equal(h.core.auth.hashes.get(0, 1), undefined);
});

/** A sink whose durability promise rejects (the write-behind buffer is full). */
class FullSink implements StorageSink {
  write(_op: WriteOp): void {}
  durable(): Promise<void> {
    return Promise.reject(new Error('write buffer full'));
  }
}

test('durable writes that fail are reported, never a false OK (SERVER.md §2.5)', async () => {
  const h = harness({ sink: new FullSink() });
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (1, 'h')"), fail(SqlErrors.storageUnavailable));
  assert.deepEqual(await h.q("INSERT INTO users_data (id, data) VALUES (1, 'd')"), fail(SqlErrors.userDataWriteFailed));
  assert.deepEqual(await h.q("INSERT INTO revoked_tokens (token) VALUES ('t')"), fail(SqlErrors.tokenWriteFailed));
  assert.deepEqual(await h.q("INSERT INTO pipes_settings (name, length) VALUES ('abc', 3)"), fail(SqlErrors.storageUnavailable));
  assert.deepEqual(await h.q("INSERT INTO users_messages (id, event, message) VALUES (8, 'e', 'queued')"), fail(SqlErrors.storageUnavailable));
  assert.deepEqual(await h.q('DELETE FROM users_auth WHERE id = 1'), fail(SqlErrors.storageUnavailable));
  assert.deepEqual(await h.q("DELETE FROM pipes_settings WHERE name = 'abc'"), fail(SqlErrors.storageUnavailable));
  // Live delivery never depends on storage.
  const { link } = await h.connect({ pipes: ['web_chat'] });
  assert.deepEqual(await h.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'live')"), ok());
  assert.deepEqual(link.messages().map((m) => m.data), ['live']);
  // Deletes with nothing valid to delete write nothing and answer OK.
  assert.deepEqual(await h.q('DELETE FROM users_auth WHERE id = 0'), ok());
  assert.deepEqual(SqlErrors.userDataWriteFailed, { errno: 12, sqlState: 'HY000', message: 'Error in hash or user id' });
  assert.deepEqual(SqlErrors.tokenWriteFailed, { errno: 12, sqlState: 'HY000', message: 'Error in token' });
});

/** A sink that throws synchronously: a bug-like failure inside a statement. */
class ThrowingSink implements StorageSink {
  write(_op: WriteOp): void {
    throw new Error('boom');
  }
  durable(): Promise<void> {
    return Promise.resolve();
  }
}

test('an unexpected exception answers ERR 500 and the engine keeps working', async () => {
  const h = harness({ sink: new ThrowingSink() });
  assert.deepEqual(await h.q("INSERT INTO users_auth (id, hash) VALUES (1, 'h')"), fail(SqlErrors.internalError));
  assert.deepEqual(await h.q('select 1'), rows(['1'], [['1']]));
});
