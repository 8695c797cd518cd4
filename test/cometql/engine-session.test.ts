// Session and administrative statements (COMETQL.md §3, scenarios #21–#32 of §10.2) through
// engine.query() on a real CometCore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, session } from '../helpers/engine-harness.js';
import { SqlErrors } from '../../src/errors.js';
import { ok, fail, rows } from '../../src/cometql/result.js';
import { MYSQL_SERVER_VERSION, VERSION_COMMENT } from '../../src/version.js';

test('#21 select @@version_comment limit 1', async () => {
  const h = harness();
  assert.deepEqual(await h.q('select @@version_comment limit 1'), rows(['@@version_comment'], [[VERSION_COMMENT]]));
  assert.equal(VERSION_COMMENT, 'CppComet community 4.09 (AGPL license)(comet-server.com, support@comet-server.com)');
});

test('#22 SELECT DATABASE() after login with CometQL_v1; empty when none; db_<N> name after USE', async () => {
  const h = harness();
  assert.deepEqual(await h.q('SELECT DATABASE()'), rows(['DATABASE()'], [['CometQL_v1']]));
  assert.deepEqual(await h.q('select database ()', session({ database: '' })), rows(['DATABASE()'], [['']]));
  const s = session();
  assert.deepEqual(await h.q('USE db_7', s), ok());
  assert.deepEqual(await h.q('SELECT DATABASE()', s), rows(['DATABASE()'], [['db_7']]));
});

test('#23 SHOW DATABASES: one row CometQL_v1, also after db_<N>', async () => {
  const h = harness();
  assert.deepEqual(await h.q('SHOW DATABASES'), rows(['Database'], [['CometQL_v1']]));
  assert.deepEqual(await h.q('show databases', session({ devId: 7, database: 'db_7' })), rows(['Database'], [['CometQL_v1']]));
});

test('#24 #25 SET forms and transactions answer OK', async () => {
  const h = harness();
  for (const sql of [
    'SET NAMES utf8mb4', "SET NAMES 'utf8mb4'", 'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci', 'SET autocommit=1', 'SET AUTOCOMMIT = 0',
    'SET character set utf8', "SET sql_mode=''", 'SET @@session.autocommit = 1', 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
    'COMMIT', 'BEGIN', 'START TRANSACTION', 'ROLLBACK',
  ]) {
    assert.deepEqual(await h.q(sql), ok(), sql);
  }
});

test('#26 select 1 (and other literals)', async () => {
  const h = harness();
  assert.deepEqual(await h.q('select 1'), rows(['1'], [['1']]));
  assert.deepEqual(await h.q('SELECT 42 AS answer'), rows(['answer'], [['42']]));
  assert.deepEqual(await h.q("SELECT 'abc'"), rows(['abc'], [['abc']]));
  assert.deepEqual(await h.q('SELECT 1 LIMIT 0'), rows(['1'], []));
});

test('#27 SHOW VARIABLES LIKE: both the identifier-shaped and the pattern form', async () => {
  const h = harness();
  const expected = rows(['Variable_name', 'Value'], [['lower_case_table_names', '0']]);
  assert.deepEqual(await h.q("SHOW VARIABLES LIKE 'lower_case_table_names'"), expected);
  assert.deepEqual(await h.q("SHOW VARIABLES LIKE 'lower%'"), expected);
  assert.deepEqual(await h.q("SHOW SESSION VARIABLES LIKE 'LOWER\\_case%'"), expected);
  assert.deepEqual(await h.q("SHOW GLOBAL VARIABLES LIKE 'lower%'"), expected);
  assert.deepEqual(await h.q("SHOW RAM VARIABLES LIKE 'lower%'"), rows(['Variable_name', 'Value'], []));
  const all = await h.q('SHOW VARIABLES');
  assert.ok(all.kind === 'rows');
  const names = all.rows.map((r) => r[0]);
  assert.deepEqual(names, [...names].sort());
  assert.deepEqual(new Map(all.rows.map((r) => [r[0], r[1]])).get('max_allowed_packet'), '16777216');
  assert.equal(all.rows.length, 23);
  assert.deepEqual(await h.q("show variables like 'character_set_c%'"), rows(['Variable_name', 'Value'], [['character_set_client', 'utf8mb4'], ['character_set_connection', 'utf8mb4']]));
});

test('#28 describe users_auth exactly as upstream; describe pipes lists its columns', async () => {
  const h = harness();
  const cols = ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'];
  const usersAuth = rows(cols, [['id', 'int(11)', 'NO', 'PRI', '', ''], ['hash', 'varchar(32)', 'NO', '', '', '']]);
  assert.deepEqual(await h.q('describe users_auth'), usersAuth);
  assert.deepEqual(await h.q('show full columns from users_auth'), usersAuth);
  assert.deepEqual(await h.q('SHOW COLUMNS IN users_auth'), usersAuth);
  assert.deepEqual(await h.q('DESC users_auth'), usersAuth);
  assert.deepEqual(await h.q('describe pipes'), rows(cols, [['name', 'varchar(255)', 'NO', 'PRI', '', ''], ['users', 'int(11)', 'NO', '', '', '']]));
  assert.deepEqual(await h.q('describe nope'), fail(SqlErrors.tableNotExist));
  assert.deepEqual(await h.q('describe dialogs'), fail(SqlErrors.tableNotExist));
});

test('SHOW COLUMNS describes every table with its real column list', async () => {
  const h = harness();
  const expected: Record<string, string[]> = {
    pipes_messages: ['id', 'time', 'name', 'index', 'event', 'message', 'user_id'],
    pipes: ['name', 'users'],
    users_in_pipes: ['name', 'user_id', 'user_uuid', 'user_agent', 'ip', 'origin', 'language'],
    pipes_settings: ['name', 'length'],
    users_messages: ['id', 'index', 'event', 'message'],
    users_auth: ['id', 'hash'],
    users_time: ['id', 'time'],
    users_data: ['id', 'data'],
    revoked_tokens: ['token'],
    conference: ['name', 'user_id', 'caller_id', 'message', 'profile', 'stream', 'node'],
    conference_members: ['name', 'user_id', 'join_time', 'last_talking'],
    profiler: ['tag', 'time', 'calls'],
  };
  for (const [table, names] of Object.entries(expected)) {
    const r = await h.q(`show columns from ${table}`);
    assert.ok(r.kind === 'rows', table);
    assert.deepEqual(r.rows.map((row) => row[0]), names, table);
    for (const row of r.rows) assert.ok(row[1] === 'int(11)' || /^varchar\(\d+\)$/.test(row[1]), `${table}.${row[0]}`);
  }
});

test('#29 ;;;; is a statement-less query: OK', async () => {
  const h = harness();
  assert.deepEqual(await h.engine.query(h.session, ';;;;'), [ok()]);
  assert.deepEqual(await h.engine.query(h.session, '-- nothing here'), [ok()]);
});

test('#31 selec … is ERR 3 Syntax error in query, SQLSTATE HY000', async () => {
  const h = harness();
  const r = await h.q("selec * from pipes where name = 'abc'");
  assert.deepEqual(r, fail(SqlErrors.syntax));
  assert.ok(r.kind === 'error');
  assert.deepEqual([r.error.errno, r.error.sqlState, r.error.message], [3, 'HY000', 'Syntax error in query']);
});

test('#32 several statements: ERR 3 without multi-statements; one result each with it (2.13)', async () => {
  const h = harness();
  assert.deepEqual(await h.engine.query(session(), 'show tables; show databases'), [fail(SqlErrors.syntax)]);
  assert.deepEqual(await h.engine.query(session(), 'show tables;'), [await h.q('show tables')]);
  const multi = session({ multiStatements: true });
  const both = await h.engine.query(multi, 'show tables; show databases');
  assert.equal(both.length, 2);
  assert.deepEqual(both[1], rows(['Database'], [['CometQL_v1']]));
  // Execution stops at the first error, which is the last result.
  const stopped = await h.engine.query(multi, "select 1; select * from nope where id = 1; insert into users_auth (id, hash) values (3, 'h')");
  assert.deepEqual(stopped, [rows(['1'], [['1']]), fail(SqlErrors.tableNotExist)]);
  assert.equal(h.core.auth.hashes.get(0, 3), undefined);
  // Inserts into the same table work one after the other (upstream: ERR 13).
  const inserts = await h.engine.query(multi, "insert into users_auth (id, hash) values (1, 'a'); insert into users_auth (id, hash) values (2, 'b')");
  assert.deepEqual(inserts, [ok(1, 1), ok(1, 2)]);
});

test('SHOW TABLES: exactly the seven upstream rows', async () => {
  const h = harness();
  assert.deepEqual(await h.q('show tables'), rows(['Tables'], [['users_auth'], ['users_time'], ['users_messages'], ['pipes_messages'], ['users_in_pipes'], ['pipes'], ['pipes_settings']]));
});

test('SHOW TABLE STATUS: upstream fixed row of 18 columns', async () => {
  const h = harness();
  const r = await h.q('SHOW TABLE STATUS');
  assert.ok(r.kind === 'rows');
  assert.equal(r.columns.length, 18);
  assert.deepEqual(r.columns.slice(0, 4), ['Name', 'Engine', 'Version', 'Row_format']);
  assert.deepEqual(r.rows, [['users', 'StarComet', '1', 'Compact', '0', '0', '0', '0', '0', '0', '0', '0', '', '', 'utf8_general_ci', '', '', 'Table with authorization data for users']]);
});

test('SHOW STATUS (session form): id = dev_id, WebSocket connections of the dev', async () => {
  const h = harness();
  await h.connect({ dev: 15 });
  await h.connect({ dev: 15 });
  await h.connect({ dev: 0 });
  h.stats.backend.online = 3;
  const s = session({ devId: 15 });
  await h.q("insert into pipes_messages (name, event, message) values ('abc', 'e', 'm')", s);
  const r = await h.q('show status', s);
  assert.deepEqual(r, rows(['Variable_name', 'Value'], [['flag', 'session'], ['id', '15'], ['user_online', '2'], ['server_online', '3'], ['messages', '2']]));
  // Every statement counts as activity of its dev_id.
  assert.deepEqual(await h.q('SHOW SESSION STATUS', s), rows(['Variable_name', 'Value'], [['flag', 'session'], ['id', '15'], ['user_online', '2'], ['server_online', '3'], ['messages', '3']]));
});

test('#10/#11 USE db_7 as a query switches the dev_id; out of range is ERR 15', async () => {
  const h = harness();
  const s = session();
  assert.deepEqual(await h.q('USE db_7', s), ok());
  const r = await h.q('show status', s);
  assert.ok(r.kind === 'rows');
  assert.deepEqual(r.rows[1], ['id', '7']);
  assert.deepEqual(await h.q('USE db_100000', s), fail(SqlErrors.selectDatabase));
  assert.deepEqual(await h.q('use `CometQL_v1`', s), ok());
  assert.equal(s.devId, 7);
  assert.equal(s.database, 'CometQL_v1');
});

test('SHOW GLOBAL STATUS: upstream rows in order, then storage health', async () => {
  let health = { pending: 4, failures: 2, healthy: false };
  const h = harness({ storageHealth: () => health });
  h.stats.frontend.online = 5;
  h.stats.frontend.accepted = 9;
  h.stats.backend.messages = 11;
  const r = await h.q('SHOW GLOBAL STATUS');
  assert.ok(r.kind === 'rows');
  const names = r.rows.map((x) => x[0]);
  assert.deepEqual(names, [
    'flag', 'uptime', 'uptime_in_hours', 'uptime_in_days', 'frontend_name', 'backend_name', 'frontend_stat_interval', 'backend_stat_interval',
    'frontend_online', 'backend_online', 'frontend_messages', 'backend_messages', 'frontend_add_client', 'backend_add_client',
    'frontend_delete_client', 'backend_delete_client', 'frontend_messages_ps', 'backend_messages_ps', 'frontend_add_client_ps',
    'backend_add_client_ps', 'frontend_delete_client_ps', 'backend_delete_client_ps', 'network_events',
    'storage_pending_writes', 'storage_write_failures', 'storage_healthy',
  ]);
  const v = new Map(r.rows.map((x) => [x[0], x[1]]));
  assert.equal(v.get('flag'), 'global');
  assert.match(v.get('uptime')!, /^\d+$/);
  assert.match(v.get('uptime_in_hours')!, /^\d+\.\d\d$/);
  assert.match(v.get('backend_messages_ps')!, /^\d+\.\d\d$/);
  assert.equal(v.get('frontend_name'), 'ws');
  assert.equal(v.get('backend_name'), 'cometql');
  assert.equal(v.get('frontend_online'), '5');
  assert.equal(v.get('frontend_add_client'), '9');
  assert.equal(v.get('backend_messages'), '11');
  assert.equal(v.get('network_events'), '0.000000');
  assert.deepEqual([v.get('storage_pending_writes'), v.get('storage_write_failures'), v.get('storage_healthy')], ['4', '2', '0']);
  health = { pending: 0, failures: 0, healthy: true };
  assert.deepEqual(await h.q("show global status like 'storage%'"), rows(['Variable_name', 'Value'], [['storage_pending_writes', '0'], ['storage_write_failures', '0'], ['storage_healthy', '1']]));
});

test('SHOW FILESYSTEM / RAM / AVG / UPTIME STATUS use the upstream row names', async () => {
  const h = harness();
  const fsr = await h.q('show filesystem status');
  assert.ok(fsr.kind === 'rows');
  assert.deepEqual(fsr.rows.map((r) => r[0]), ['flag', 'filesystem', 'size', 'used', 'available', 'use']);
  assert.equal(fsr.rows[0][1], 'filesystem');
  assert.match(fsr.rows[5][1], /^\d+%$/);
  const ram = await h.q('show ram status');
  assert.ok(ram.kind === 'rows' && ram.rows.length > 0 && ram.rows.length <= 34);
  assert.equal(ram.rows[0][0], 'MemTotal');
  for (const r of ram.rows) assert.match(r[1], /^\d+$/);
  const avg = await h.q('show avg status');
  assert.ok(avg.kind === 'rows');
  assert.deepEqual(avg.rows.map((r) => r[0]), ['load_avg_1', 'load_avg_2', 'load_avg_3', 'running_processes', 'total_processes']);
  assert.match(avg.rows[0][1], /^\d+\.\d\d$/);
  const up = await h.q('show uptime status');
  assert.ok(up.kind === 'rows');
  assert.deepEqual(up.rows.map((r) => r[0]), ['os_uptime', 'os_idle']);
  assert.match(up.rows[0][1], /^\d+\.\d{6}$/);
});

test('SHOW PROCESSLIST: one row per listener', async () => {
  const h = harness();
  h.stats.backend.messages = 3;
  assert.deepEqual(await h.q('SHOW PROCESSLIST'), rows(['ServiceName', 'id', 'status', 'count'], [['ws', '0', 'R', '0'], ['cometql', '0', 'R', '3']]));
});

test('3.13: @@variables, functions and aliases', async () => {
  const h = harness();
  const s = session({ user: 'root', clientAddress: '10.1.2.3', connectionId: 99, database: 'CometQL_v1' });
  assert.deepEqual(await h.q('SELECT @@version', s), rows(['@@version'], [[MYSQL_SERVER_VERSION]]));
  assert.deepEqual(await h.q('SELECT VERSION()', s), rows(['VERSION()'], [[MYSQL_SERVER_VERSION]]));
  assert.deepEqual(await h.q('select @@tx_isolation', s), rows(['@@tx_isolation'], [['REPEATABLE-READ']]));
  assert.deepEqual(await h.q('select @@no_such_thing', s), rows(['@@no_such_thing'], [[VERSION_COMMENT]]));
  assert.deepEqual(await h.q('SELECT DATABASE(), USER() LIMIT 1', s), rows(['DATABASE()', 'USER()'], [['CometQL_v1', 'root@10.1.2.3']]));
  assert.deepEqual(await h.q('select connection_id()', s), rows(['connection_id()'], [['99']]));
  assert.deepEqual(await h.q('SELECT CURRENT_USER()', s), rows(['CURRENT_USER()'], [['root@%']]));
  assert.deepEqual(
    await h.q('SELECT @@session.auto_increment_increment AS auto_increment_increment, @@character_set_client AS character_set_client, @@GLOBAL.max_allowed_packet', s),
    rows(['auto_increment_increment', 'character_set_client', '@@GLOBAL.max_allowed_packet'], [['1', 'utf8mb4', '16777216']]),
  );
  const now = await h.q('SELECT NOW()', s);
  assert.ok(now.kind === 'rows');
  assert.match(now.rows[0][0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test('3.13: SHOW WARNINGS / ERRORS / COUNT(*) / COLLATION / CHARACTER SET / ENGINES / CREATE TABLE', async () => {
  const h = harness();
  assert.deepEqual(await h.q('SHOW WARNINGS'), rows(['Level', 'Code', 'Message'], []));
  assert.deepEqual(await h.q('SHOW ERRORS'), rows(['Level', 'Code', 'Message'], []));
  assert.deepEqual(await h.q('SHOW COUNT(*) WARNINGS'), rows(['@@session.warning_count'], [['0']]));
  assert.deepEqual(await h.q('SHOW COUNT(*) ERRORS'), rows(['@@session.error_count'], [['0']]));
  const coll = await h.q("SHOW COLLATION LIKE 'utf8mb4%'");
  assert.ok(coll.kind === 'rows');
  assert.deepEqual(coll.rows, [['utf8mb4_general_ci', 'utf8mb4', '45', 'Yes', 'Yes', '1']]);
  const cs = await h.q('SHOW CHARACTER SET');
  assert.ok(cs.kind === 'rows' && cs.rows.some((r) => r[0] === 'utf8mb4'));
  const eng = await h.q('SHOW ENGINES');
  assert.ok(eng.kind === 'rows' && eng.rows.length === 1);
  const ct = await h.q('SHOW CREATE TABLE users_auth');
  assert.ok(ct.kind === 'rows');
  assert.deepEqual(ct.columns, ['Table', 'Create Table']);
  assert.match(ct.rows[0][1], /^CREATE TABLE `users_auth` \(\n  `id` int\(11\) NOT NULL,\n  `hash` varchar\(32\) NOT NULL,\n  PRIMARY KEY \(`id`\)\n\)/);
  assert.deepEqual(await h.q('SHOW CREATE TABLE nope'), fail(SqlErrors.tableNotExist));
});

test('selectDatabase (COM_INIT_DB): CometQL_v1 case-sensitive, db_<N> with atoi, else ERR 15', () => {
  const h = harness();
  const cases: ReadonlyArray<readonly [string, boolean, number]> = [
    ['CometQL_v1', true, 0],
    ['cometql_v1', false, 0],
    ['db_7', true, 7],
    ['db_7abc', true, 7],
    ['db_abc', true, 0],
    ['db_ 12', true, 12],
    ['db_99999', true, 99999],
    ['db_100000', false, 0],
    ['db_-1', false, 0],
    ['db_', false, 0],
    ['', false, 0],
    ['nope', false, 0],
    ['db_99999999999999999999', false, 0],
  ];
  for (const [name, accepted, dev] of cases) {
    const s = session({ devId: 0, database: '' });
    const err = h.engine.selectDatabase(s, name);
    assert.deepEqual(err, accepted ? null : SqlErrors.selectDatabase, name);
    assert.equal(s.devId, dev, name);
    assert.equal(s.database, accepted ? name : '', name);
  }
});

test('query log: written for queries not starting with set/show when useQueryLoger is on', async () => {
  const h = harness({ ini: 'useQueryLoger = true\n' });
  const s = session({ devId: 3 });
  await h.q("insert into pipes_messages (name, event, message) values ('abc', 'e', 'm')", s);
  await h.q('show tables', s);
  await h.q('SET NAMES utf8', s);
  await h.q('selec broken', s);
  const logged = h.sink.ops.filter((o) => o.op === 'queryLog.append');
  assert.deepEqual(logged, [
    { op: 'queryLog.append', dev: 3, query: "insert into pipes_messages (name, event, message) values ('abc', 'e', 'm')" },
    { op: 'queryLog.append', dev: 3, query: 'selec broken' },
  ]);
  const off = harness();
  await off.q('select 1');
  assert.equal(off.sink.ops.filter((o) => o.op === 'queryLog.append').length, 0);
});
