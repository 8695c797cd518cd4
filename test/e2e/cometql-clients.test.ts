// Real MySQL clients against the real daemon (dist/server.js): COMETQL.md 10.1 connection
// scenarios, the wire-relevant parts of 10.2, and 10.4 #52-#58, #62. Each test names its scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startServer, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { RawMysqlClient, commandPacket, frame, mariadb, parseErrPayload, php, python, type RawResult } from '../helpers/mysql-clients.js';
import { MYSQL_SERVER_VERSION, VERSION_COMMENT } from '../../src/version.js';

const TABLES = ['pipes', 'pipes_messages', 'pipes_settings', 'users_auth', 'users_in_pipes', 'users_messages', 'users_time'];

let server: RunningServer;
let port: number;

before(async () => {
  server = await startServer();
  port = server.cometqlPort;
});
after(async () => {
  await server.stop();
});

const connect = (o: mysql.ConnectionOptions = {}) =>
  mysql.createConnection({ host: '127.0.0.1', port, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1', ...o });

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<{ errno?: number; sqlState?: string; sqlMessage?: string; code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { errno?: number; sqlState?: string; sqlMessage?: string; code?: string; message: string };
  }
  assert.fail('expected a rejection');
}

/** Tab-separated batch output of the mariadb CLI -> rows (header first). */
const tsv = (out: string) => out.trimEnd().split('\n').map((l) => l.split('\t'));
/** `show status` as a map. */
const statusMap = (out: string) => new Map(tsv(out).slice(1).map(([k, v]) => [k, v]));

// ---------------------------------------------------------------------------------------------
// 10.1 Connecting and authentication

test('#1/#2 mariadb CLI: show tables, with and without --skip-ssl (plain text, no SSL offered)', async () => {
  for (const extra of [['--skip-ssl'], []]) {
    const r = await mariadb(port, ['-u', 'root', ...extra, 'CometQL_v1', '-e', 'show tables']);
    assert.equal(r.code, 0, r.stderr);
    const lines = tsv(r.stdout);
    assert.deepEqual(lines[0], ['Tables']);
    assert.deepEqual(lines.slice(1).map((l) => l[0]).sort(), TABLES);
  }
});

test('#3 mysql CLI session: the statements it sends by itself are all answered; banner text', async (t) => {
  await t.test('show databases, show tables, COM_FIELD_LIST per table, version comment, COM_QUIT (raw replay)', async () => {
    const c = await RawMysqlClient.connect(port);
    assert.equal((await c.login()).payload[0], 0);
    assert.equal((await c.query('show databases')).kind, 'rows');
    const tables = await c.query('show tables');
    assert.equal(tables.kind, 'rows');
    for (const [name] of (tables as Extract<RawResult, { kind: 'rows' }>).rows) {
      const r = await c.command(commandPacket(0x04, `${name}\0`));
      assert.equal(r.kind, 'eof', `COM_FIELD_LIST ${name}`);
    }
    const vc = await c.query('select @@version_comment limit 1');
    assert.deepEqual(vc.kind === 'rows' && vc.rows, [[VERSION_COMMENT]]);
    c.send(commandPacket(0x01), 0);
    await c.closed();
  });
  await t.test('status: server version = configured version + the upstream comment; COM_STATISTICS line', async () => {
    const r = await mariadb(port, ['-u', 'root', 'CometQL_v1', '-e', 'status']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Server version:\\s+${MYSQL_SERVER_VERSION.replace(/[()]/g, '\\$&')} ${VERSION_COMMENT.replace(/[()]/g, '\\$&')}`));
    assert.match(r.stdout, /Threads: \d+ {2}Questions: \d+/);
  });
});

test('#4 mariadb CLI with a wrong password: ERROR 16 Authentication failure', async () => {
  const r = await mariadb(port, ['-u', 'root', 'CometQL_v1', '-e', 'show tables'], 'wrong');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ERROR 16 \(HY000\): Authentication failure/);
});

test('#5 mysql2 with an empty password: errno 16 authDataLen!=20', async () => {
  const e = await rejection(connect({ password: '' }));
  assert.equal(e.errno, 16);
  assert.equal(e.sqlState, 'HY000');
  assert.equal(e.sqlMessage, 'Authentication failure, authDataLen!=20');
});

test('#6 haproxy_check: OK, PING OK, COM_QUERY 403, COM_QUIT', async () => {
  const c = await RawMysqlClient.connect(port);
  const login = Buffer.concat([Buffer.from('00820000' + '00800001' + '21', 'hex'), Buffer.alloc(23), Buffer.from('haproxy_check\0\0')]);
  c.send(login, 1);
  assert.equal((await c.readPacket()).payload.toString('hex'), '00000002000000');
  assert.equal((await c.command(commandPacket(0x0e))).kind, 'ok');
  assert.deepEqual(await c.query('show tables'), { kind: 'err', errno: 403, sqlState: 'HY000', message: 'Access denied' });
  c.send(commandPacket(0x01), 0);
  await c.closed();
});

test('#7 mariadb -D nope: ERROR 15 Select database failure', async () => {
  const r = await mariadb(port, ['-u', 'root', '-D', 'nope', '-e', 'show tables']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ERROR 15 \(HY000\): Select database failure/);
});

test('#8 mysql2 without a database connects; SELECT DATABASE() is empty', async () => {
  const c = await connect({ database: undefined });
  const [rows] = await c.query('SELECT DATABASE()');
  assert.deepEqual(rows, [{ 'DATABASE()': '' }]);
  await c.end();
});

test('#9/#10 user 15 -> dev 15; COM_INIT_DB db_7 -> dev 7, db_100000 -> ERROR 15', async () => {
  const r9 = await mariadb(port, ['-u', '15', 'CometQL_v1', '-e', 'show status']);
  assert.equal(r9.code, 0, r9.stderr);
  assert.equal(statusMap(r9.stdout).get('id'), '15');
  const r10 = await mariadb(port, ['-u', 'root', 'CometQL_v1', '-e', 'use db_7; show status; use db_100000;']);
  assert.equal(statusMap(r10.stdout).get('id'), '7');
  assert.match(r10.stderr, /ERROR 15 \(HY000\).*Select database failure/);
});

test('#11 mysql2 query(USE db_7): OK and dev 7', async () => {
  const c = await connect();
  await c.query('USE db_7');
  const [rows] = await c.query('show status');
  assert.equal((rows as Array<{ Variable_name: string; Value: string }>).find((r) => r.Variable_name === 'id')?.Value, '7');
  await c.end();
});

test('#12 mysql2 changeUser: OK, session reset', async () => {
  const c = await connect();
  await c.query('USE db_7');
  // mysql2 sends the configured database again with COM_CHANGE_USER; the dev_id of USE db_7 is gone
  await c.changeUser({ user: 'root', password: TEST_PASSWORD });
  const [rows] = await c.query('SELECT DATABASE()');
  assert.deepEqual(rows, [{ 'DATABASE()': 'CometQL_v1' }]);
  const [status] = await c.query('show status');
  assert.equal((status as Array<{ Variable_name: string; Value: string }>).find((r) => r.Variable_name === 'id')?.Value, '0');
  await c.changeUser({ user: '15', password: TEST_PASSWORD, database: 'db_3' });
  const [again] = await c.query('show status');
  assert.equal((again as Array<{ Variable_name: string; Value: string }>).find((r) => r.Variable_name === 'id')?.Value, '3');
  const e = await rejection(c.changeUser({ user: 'root', password: 'wrong' }));
  assert.equal(e.errno, 16);
  c.destroy();
});

test('#13 PHP persistent connections: COM_CHANGE_USER answered, the pooled connection reused, both queries work', async () => {
  const r = await php(port, `
    mysqli_report(MYSQLI_REPORT_OFF);
    $ids = [];
    for ($i = 0; $i < 2; $i++) {
      $l = mysqli_connect("p:127.0.0.1", "root", $password, "CometQL_v1", $port);
      if (!$l) { echo "connect failed ", mysqli_connect_errno(), "\\n"; exit(1); }
      $ids[] = mysqli_thread_id($l);
      $res = mysqli_query($l, "show databases");
      echo mysqli_fetch_row($res)[0], "\\n";
      mysqli_close($l); // back to the pool: the next connect reuses it with COM_CHANGE_USER
    }
    echo $ids[0] === $ids[1] ? "reused" : "new", "\\n";
  `);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.deepEqual(r.stdout.trim().split('\n'), ['CometQL_v1', 'CometQL_v1', 'reused']);
});

test('#14 PyMySQL connects (numeric version prefix, SET AUTOCOMMIT = 0) and queries work', async () => {
  const r = await python(port, `
import pymysql
c = pymysql.connect(host='127.0.0.1', port=port, user='root', password=password, database='CometQL_v1')
cur = c.cursor()
cur.execute('show databases')
print(cur.fetchall()[0][0])
cur.execute('select * from users_time where id = %s', (2,))
print(repr(cur.fetchall()))
c.commit()
c.ping()
print(c.get_server_info())
c.close()
`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['CometQL_v1', "(('2', '-1'),)", MYSQL_SERVER_VERSION]);
});

test('#16/#17 a client starting with caching_sha2_password logs in (mariadb --default-auth)', async () => {
  const r = await mariadb(port, ['-u', 'root', '--default-auth=caching_sha2_password', 'CometQL_v1', '-e', 'show databases']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tsv(r.stdout), [['Database'], ['CometQL_v1']]);
  const c = await RawMysqlClient.connect(port);
  const fast = await c.login({ plugin: 'caching_sha2_password' });
  assert.equal(fast.payload.toString('hex'), '0103');
  assert.equal((await c.readPacket()).payload[0], 0x00);
  c.end();
});

test('#18 mariadb --compress connects uncompressed', async () => {
  const r = await mariadb(port, ['-u', 'root', '--compress', 'CometQL_v1', '-e', 'show databases']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(tsv(r.stdout), [['Database'], ['CometQL_v1']]);
});

test('#19 clients that require TLS refuse on their own', async () => {
  const e = await rejection(connect({ ssl: {} }));
  assert.equal(e.code, 'HANDSHAKE_NO_SSL_SUPPORT');
  const r = await mariadb(port, ['-u', 'root', '--ssl-verify-server-cert', 'CometQL_v1', '-e', 'show databases']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /SSL is required, but the server does not support it/);
});

test('#20 two COM_QUERY packets in one TCP write: two answers in order', async () => {
  const c = await RawMysqlClient.connect(port);
  await c.login();
  c.write(Buffer.concat([frame(commandPacket(0x03, 'show databases'), 0), frame(commandPacket(0x03, 'show tables'), 0)]));
  const a = await c.readResult();
  const b = await c.readResult();
  assert.deepEqual(a.kind === 'rows' && a.columns, ['Database']);
  assert.deepEqual(b.kind === 'rows' && b.columns, ['Tables']);
  c.end();
});

// ---------------------------------------------------------------------------------------------
// 10.2 Session statements (wire-relevant parts)

test('10.2 session statements through mysql2', async (t) => {
  const c = await connect();
  await t.test('#21 select @@version_comment limit 1', async () => {
    const [rows] = await c.query('select @@version_comment limit 1');
    assert.deepEqual(rows, [{ '@@version_comment': VERSION_COMMENT }]);
  });
  await t.test('#22 SELECT DATABASE()', async () => assert.deepEqual((await c.query('SELECT DATABASE()'))[0], [{ 'DATABASE()': 'CometQL_v1' }]));
  await t.test('#23 SHOW DATABASES', async () => assert.deepEqual((await c.query('SHOW DATABASES'))[0], [{ Database: 'CometQL_v1' }]));
  await t.test('#25 SET NAMES … COLLATE …; SET autocommit=1; COMMIT -> OK each', async () => {
    for (const q of ['SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci', 'SET autocommit=1', 'COMMIT']) {
      const [r] = await c.query(q);
      assert.equal((r as mysql.ResultSetHeader).serverStatus, 2, q);
    }
  });
  await t.test('#26 select 1', async () => assert.deepEqual((await c.query('select 1'))[0], [{ 1: '1' }]));
  await t.test('#27 SHOW VARIABLES LIKE', async () => {
    for (const q of ["SHOW VARIABLES LIKE 'lower_case_table_names'", "SHOW VARIABLES LIKE 'lower%'"]) {
      const [rows] = await c.query(q);
      assert.deepEqual((rows as Array<Record<string, string>>).map((r) => Object.values(r)), [['lower_case_table_names', '0']], q);
    }
  });
  await t.test('#28 describe users_auth / describe pipes: answers in sequence, connection usable', async () => {
    const [rows] = await c.query('describe users_auth');
    assert.deepEqual((rows as Array<Record<string, string>>).map((r) => r.Field), ['id', 'hash']);
    try {
      await c.query('describe pipes');
    } catch (err) {
      assert.equal((err as { errno: number }).errno, 15);
    }
    assert.deepEqual((await c.query('SHOW DATABASES'))[0], [{ Database: 'CometQL_v1' }]);
  });
  await t.test('#29 ;;;; -> OK, 0 rows', async () => {
    const [r] = await c.query(';;;;');
    assert.equal((r as mysql.ResultSetHeader).affectedRows, 0);
  });
  await t.test('#30 abc -> ERR 17; 9000 bytes -> ERR 11', async () => {
    const short = await rejection(c.query('abc'));
    assert.deepEqual([short.errno, short.sqlState, short.sqlMessage], [17, 'HY000', 'Data is too short']);
    const long = await rejection(c.query(`SELECT * FROM pipes WHERE name = '${'a'.repeat(9000 - 35)}'`));
    assert.deepEqual([long.errno, long.sqlMessage], [11, 'Data is too long']);
  });
  await t.test('#31 selec … -> ERR 3 HY000', async () => {
    const e = await rejection(c.query("selec * from pipes where name = 'abc'"));
    assert.deepEqual([e.errno, e.sqlState, e.sqlMessage], [3, 'HY000', 'Syntax error in query']);
  });
  await t.test('#32 two statements without multipleStatements -> ERR 3', async () => {
    const e = await rejection(c.query('show tables; show databases'));
    assert.equal(e.errno, 3);
  });
  await c.end();
});

test('#32 (SUP) with multipleStatements: one result per statement', async () => {
  const c = await connect({ multipleStatements: true });
  const [results] = await c.query('show tables; show databases');
  assert.equal((results as unknown[]).length, 2);
  assert.deepEqual((results as unknown[][])[1], [{ Database: 'CometQL_v1' }]);
  await c.end();
});

test('#24 PHP mysqli_set_charset(utf8mb4) -> SET NAMES answered OK', async () => {
  const r = await php(port, `
    $l = mysqli_connect("127.0.0.1", "root", $password, "CometQL_v1", $port);
    var_export(mysqli_set_charset($l, "utf8mb4"));
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'true');
});

// ---------------------------------------------------------------------------------------------
// 10.4 Driver features and robustness

test('#52 mysql2 execute() returns the same rows as query()', async () => {
  const c = await connect();
  const [queried] = await c.query('select * from users_time where id = 2');
  const [executed] = await c.execute('select * from users_time where id = ?', [2]);
  assert.deepEqual(executed, [{ id: '2', time: '-1' }]);
  assert.deepEqual(executed, queried);
  const [again] = await c.execute('select * from users_time where id = ?', ['3']);
  assert.deepEqual(again, [{ id: '3', time: '-1' }], 'second execution of the cached statement');
  await c.end();
});

test('#53 mysql2 execute(INSERT), unprepare (COM_STMT_CLOSE, no answer), next query works', async () => {
  const c = await connect();
  const sql = 'insert into pipes_messages (name, event, message) values (?, ?, ?)';
  const [r] = await c.execute(sql, ['web_p1', 'e', 'm']);
  assert.equal((r as mysql.ResultSetHeader).affectedRows, 0);
  c.unprepare(sql);
  assert.deepEqual((await c.query('SHOW DATABASES'))[0], [{ Database: 'CometQL_v1' }]);
  const [again] = await c.execute(sql, ['web_p1', 'e', 'm2']);
  assert.equal((again as mysql.ResultSetHeader).affectedRows, 0);
  await c.end();
});

test('#54/#55/#57 PHP mysqli: prepared statements, escaping after an INSERT, field metadata', async () => {
  const r = await php(port, `
    $l = mysqli_connect("127.0.0.1", "root", $password, "CometQL_v1", $port);
    $s = mysqli_prepare($l, "select * from users_time where id = ?");
    $id = 2;
    mysqli_stmt_bind_param($s, "i", $id);
    mysqli_stmt_execute($s);
    mysqli_stmt_bind_result($s, $a, $b);
    mysqli_stmt_fetch($s);
    echo json_encode([$a, $b]), "\\n";
    mysqli_stmt_close($s);
    $text = mysqli_fetch_row(mysqli_query($l, "select * from users_time where id = 2"));
    echo json_encode($text), "\\n";
    mysqli_query($l, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'e', 'm')");
    echo mysqli_real_escape_string($l, "it's"), "\\n";
    var_export(mysqli_info($l)); echo "\\n";
    $f = mysqli_fetch_field(mysqli_query($l, "show databases"));
    echo json_encode([$f->name, $f->type, $f->flags, $f->charsetnr, $f->table]), "\\n";
  `);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['["2","-1"]', '["2","-1"]', "it\\'s", 'NULL', '["Database",253,1,45,""]']);
});

test('#56/#45 mysql2 INSERT: serverStatus 2, empty info, proper insert id for 70000', async () => {
  const c = await connect();
  const [r] = await c.query("INSERT INTO users_auth (id, hash) VALUES (70000, 'h')");
  const h = r as mysql.ResultSetHeader;
  assert.equal(h.serverStatus, 2);
  assert.equal(h.info, '');
  assert.equal(h.warningStatus, 0);
  assert.equal(h.affectedRows, 1);
  assert.equal(h.insertId, 70000);
  await c.end();
});

test('#57 mysql2 SELECT: every value a string; type 253, flags 1, charset 45 (utf8mb4, deviation)', async () => {
  const c = await connect();
  const [rows, fields] = await c.query('select * from users_time where id in (2, 3)');
  for (const row of rows as Array<Record<string, unknown>>) for (const v of Object.values(row)) assert.equal(typeof v, 'string');
  for (const f of fields) {
    assert.equal(f.columnType, 253);
    assert.equal(f.flags, 1);
    assert.equal(f.characterSet, 45);
  }
  await c.end();
});

test('4-byte UTF-8 (emoji) round-trips through users_data with mysql2', async () => {
  const c = await connect();
  await c.query("INSERT INTO users_data (id, data) VALUES (4242, 'a\u{1F44B}b')");
  const [rows] = await c.query('SELECT data FROM users_data WHERE id = 4242');
  assert.deepEqual(rows, [{ data: 'a\u{1F44B}b' }]);
  await c.end();
});

test('#58 raw: COM_STATISTICS text line; COM_STMT_CLOSE no answer; unknown command ERR 1047', async () => {
  const c = await RawMysqlClient.connect(port);
  await c.login();
  c.send(commandPacket(0x09), 0);
  assert.match((await c.readPacket()).payload.toString(), /^Uptime: \d+ {2}Threads: \d+ {2}Questions: \d+/);
  c.send(commandPacket(0x19, Buffer.from([1, 0, 0, 0])), 0);
  assert.ok(await c.nothingPendingBeforePing());
  assert.deepEqual(await c.command(commandPacket(0x42)), { kind: 'err', errno: 1047, sqlState: '08S01', message: 'Unknown command' });
  c.end();
});

test('#62 fuzz: random bytes as login packet and as COM_QUERY give ERR or a close; the daemon keeps serving', async () => {
  let seed = 62;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  for (let i = 0; i < 30; i++) {
    const c = await RawMysqlClient.connect(port);
    c.send(bytes(1 + Math.floor(rnd() * 120)), 1);
    const p = await c.readPacket();
    assert.equal(p.payload[0], 0xff);
    assert.equal(parseErrPayload(p.payload).errno, 16);
    await c.closed();
  }
  const c = await RawMysqlClient.connect(port);
  await c.login();
  for (let i = 0; i < 300; i++) {
    const r = await c.command(Buffer.concat([Buffer.from([0x03]), bytes(Math.floor(rnd() * 200))]));
    assert.ok(['err', 'ok', 'rows'].includes(r.kind));
  }
  c.end();
  const check = await connect();
  assert.deepEqual((await check.query('SHOW DATABASES'))[0], [{ Database: 'CometQL_v1' }]);
  await check.end();
  assert.equal(server.proc.exitCode, null, 'the daemon is still running');
});
