// COMETQL.md §10.3 table scenarios through every real client: mysql2 query() and execute()
// (binary protocol), the mariadb CLI and PHP mysqli. One ordered script, the same answers each time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startServer, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { mariadb, php } from '../helpers/mysql-clients.js';

type Expect = { ok: [number, number] } | { err: [number, string] } | { rows: string[][] };
type Answer = { ok: [number, number] } | { err: [number, string] } | { rows: string[][] };

const A65 = 'a'.repeat(65);
const E65 = 'e'.repeat(65);

/** [scenario, statement, expected answer] in the order they run (the script leaves no state behind). */
const SCRIPT: Array<[string, string, Expect]> = [
  ['cleanup', "DELETE FROM pipes_settings WHERE name = 'p10'", { ok: [0, 0] }],
  ['cleanup', 'DELETE FROM users_auth WHERE id IN (5, 12, 70000)', { ok: [0, 0] }],
  ['cleanup', 'DELETE FROM users_messages WHERE id = 5', { ok: [0, 0] }],
  ['#34 name too short', "INSERT INTO pipes_messages (name, event, message) VALUES ('ab', 'e', 'm')", { err: [17, 'Channel name is too short'] }],
  ['#34 name too long', `INSERT INTO pipes_messages (name, event, message) VALUES ('${A65}', 'e', 'm')`, { err: [11, 'Channel name is too long'] }],
  ['#34 bad name', "INSERT INTO pipes_messages (name, event, message) VALUES ('bad name', 'e', 'm')", { err: [12, 'The channel name can contain only the characters A-Za-z0-9_-'] }],
  ['#34 bad event', "INSERT INTO pipes_messages (name, event, message) VALUES ('pp1', 'e v', 'm')", { err: [12, 'The channel name can contain only the characters A-Za-z0-9_-'] }],
  ['#34 event too long', `INSERT INTO pipes_messages (name, event, message) VALUES ('pp1', '${E65}', 'm')`, { err: [11, 'Channel event_name is too long'] }],
  ['#35 no column list', "INSERT INTO pipes_messages VALUES ('p1','e','m')", { err: [14, 'Error in columns list'] }],
  ['#35 missing message', "INSERT INTO pipes_messages (name, event) VALUES ('p1','e')", { err: [12, 'field `message` is required'] }],
  ['#36 several tuples', "INSERT INTO pipes_messages (name, event, message) VALUES ('p1','e','a'), ('p2','e','b')", { err: [3, 'Syntax error in query'] }],
  ['#33 publish', "INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'newMessage', '{\"text\":\"hi\"}')", { ok: [0, 0] }],
  ['#38 counts', "SELECT * FROM pipes WHERE name IN ('web_a', 'x', 'web_b')", { rows: [['web_a', '0'], ['web_b', '0']] }],
  ['#39 no key', 'SELECT * FROM pipes', { err: [13, 'Selection without transferring the requested values of the primary key is not supported'] }],
  ['#40 history on', "INSERT INTO pipes_settings (name, length) VALUES ('p10', 2)", { ok: [1, 0] }],
  ['#40 publish 1', "INSERT INTO pipes_messages (name, event, message) VALUES ('p10', 'e', 'm1')", { ok: [0, 0] }],
  ['#40 publish 2', "INSERT INTO pipes_messages (name, event, message) VALUES ('p10', 'e', 'm2')", { ok: [0, 0] }],
  ['#40 publish 3', "INSERT INTO pipes_messages (name, event, message) VALUES ('p10', 'e', 'm3')", { ok: [0, 0] }],
  ['#40 history', "SELECT name, `index`, event, message, user_id FROM pipes_messages WHERE name = 'p10'", { rows: [['p10', '0', 'e', 'm2', '0'], ['p10', '1', 'e', 'm3', '0']] }],
  ['#40 settings', "SELECT * FROM pipes_settings WHERE name = 'p10'", { rows: [['p10', '2']] }],
  ['#40 history off', "DELETE FROM pipes_settings WHERE name = 'p10'", { ok: [0, 0] }],
  ['#40 history gone', "SELECT message FROM pipes_messages WHERE name = 'p10'", { rows: [] }],
  ['#42 queue for offline user', "INSERT INTO users_messages (id, event, message) VALUES (5, 'ev', 'queued')", { ok: [0, 5] }],
  ['#42 queued', 'SELECT id, event, message FROM users_messages WHERE id = 5', { rows: [['5', 'ev', 'queued']] }],
  ['#42 clear queue', 'DELETE FROM users_messages WHERE id = 5', { ok: [0, 0] }],
  ['#42 queue empty', 'SELECT id FROM users_messages WHERE id = 5', { rows: [] }],
  ['#43 store hash', "INSERT INTO users_auth (id, hash) VALUES (12, 'hash1')", { ok: [1, 12] }],
  ['#43 read hashes', 'SELECT * FROM users_auth WHERE id IN (2, 3, 12)', { rows: [['12', 'hash1']] }],
  ['#43 delete hash', 'DELETE FROM users_auth WHERE id = 12', { ok: [0, 0] }],
  ['#43 hash gone', 'SELECT * FROM users_auth WHERE id = 12', { rows: [] }],
  ['#44 hash chars', "INSERT INTO users_auth (id, hash) VALUES (12, 'a-b')", { err: [12, 'Contains an invalid characters in the string hash'] }],
  ['#44 hash length', `INSERT INTO users_auth (id, hash) VALUES (12, '${'a'.repeat(33)}')`, { err: [11, 'Hash string is too long'] }],
  ['#44 id 0', "INSERT INTO users_auth (id, hash) VALUES (0, 'h')", { err: [12, 'The id field must be non-negative'] }],
  ['#45 big insert id', "INSERT INTO users_auth (id, hash) VALUES (70000, 'h')", { ok: [1, 70000] }],
  ['#46 unknown user', 'SELECT * FROM users_time WHERE id IN (99996)', { rows: [['99996', '-1']] }],
  ['#47 read-only users_time', "INSERT INTO users_time (id, time) VALUES (1, 2)", { err: [10, 'Table `users_time` is read only'] }],
  ['#47 read-only pipes', "DELETE FROM pipes WHERE name='abc'", { err: [10, 'Table `pipes` is read only'] }],
  ['#48 unknown column', 'SELECT foo FROM users_time WHERE id = 1', { err: [14, 'Not a specific column'] }],
  ['#48 OR same column', 'SELECT * FROM users_time WHERE id = 1 OR id = 2', { err: [13, 'Each column in the conditions used only once'] }],
  ['#48 OR', 'SELECT * FROM users_time WHERE id = 1 OR time = 2', { err: [2, 'Operator OR is not yet implemented'] }],
  ['#48 ORDER BY', 'SELECT * FROM users_time WHERE id = 1 ORDER BY id', { err: [2, 'Token ORDER BY is not yet implemented'] }],
  ['#49 case-sensitive table', "SELECT * FROM PIPES WHERE name='abc'", { err: [15, "Table doesn't exist"] }],
  ['#49 unknown table', 'SELECT * FROM nope WHERE id=1', { err: [15, "Table doesn't exist"] }],
  ['#51 users_data', 'INSERT INTO users_data (id, data) VALUES ("9997", \'{"rand":"1"}\')', { ok: [1, 9997] }],
  ['#51 read users_data', 'SELECT * FROM users_data WHERE id = 9997', { rows: [['9997', '{"rand":"1"}']] }],
  ['#61 store hash 5', "INSERT INTO users_auth (id, hash) VALUES (5, 'five')", { ok: [1, 5] }],
  ['#61 negative id', 'DELETE FROM users_auth WHERE id = -5', { ok: [0, 0] }],
  ['#61 user 5 untouched', 'SELECT * FROM users_auth WHERE id = 5', { rows: [['5', 'five']] }],
  ['cleanup', 'DELETE FROM users_auth WHERE id IN (5, 70000)', { ok: [0, 0] }],
];

let server: RunningServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server.stop();
});

function check(client: string, answers: Answer[], opts: { affected: boolean }): void {
  assert.equal(answers.length, SCRIPT.length, `${client}: one answer per statement`);
  SCRIPT.forEach(([name, sql, expected], i) => {
    const got = answers[i];
    const what = `${client} ${name}: ${sql}`;
    if ('ok' in expected && 'ok' in got && !opts.affected) return;
    assert.deepEqual(got, expected, what);
  });
}

async function viaMysql2(mode: 'query' | 'execute'): Promise<Answer[]> {
  const c = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1', rowsAsArray: true });
  const out: Answer[] = [];
  try {
    for (const [, sql] of SCRIPT) {
      try {
        const [r] = mode === 'query' ? await c.query(sql) : await c.execute(sql);
        if (Array.isArray(r)) out.push({ rows: (r as unknown as unknown[][]).map((row) => row.map(String)) });
        else out.push({ ok: [(r as mysql.ResultSetHeader).affectedRows, (r as mysql.ResultSetHeader).insertId] });
      } catch (err) {
        const e = err as { errno?: number; sqlMessage?: string };
        out.push({ err: [e.errno ?? -1, e.sqlMessage ?? String(err)] });
      }
    }
  } finally {
    await c.end();
  }
  return out;
}

test('mysql2 query()', async () => check('mysql2.query', await viaMysql2('query'), { affected: true }));

test('mysql2 execute() (prepared statements, binary result sets)', async () => check('mysql2.execute', await viaMysql2('execute'), { affected: true }));

test('PHP mysqli', async () => {
  const statements = JSON.stringify(SCRIPT.map(([, sql]) => sql));
  const r = await php(server.cometqlPort, `
    mysqli_report(MYSQLI_REPORT_OFF);
    $l = mysqli_connect("127.0.0.1", "root", $password, "CometQL_v1", $port);
    foreach (json_decode(${JSON.stringify(statements)}) as $sql) {
      $res = mysqli_query($l, $sql);
      if ($res === false) $a = ["err" => [mysqli_errno($l), mysqli_error($l)]];
      elseif ($res === true) $a = ["ok" => [mysqli_affected_rows($l), mysqli_insert_id($l)]];
      else $a = ["rows" => mysqli_fetch_all($res, MYSQLI_NUM)];
      echo json_encode($a), "\\n";
    }`);
  assert.equal(r.code, 0, r.stderr);
  check('php', r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Answer), { affected: true });
});

test('mariadb CLI (batch mode)', async () => {
  const answers: Answer[] = [];
  for (const [, sql] of SCRIPT) {
    const r = await mariadb(server.cometqlPort, ['-u', 'root', '--skip-column-names', '--skip-ssl', 'CometQL_v1', '-e', sql], TEST_PASSWORD);
    const m = /^ERROR (\d+) \(HY000\) at line 1: (.*)$/m.exec(r.stderr);
    if (m) answers.push({ err: [Number(m[1]), m[2]] });
    else if (r.stdout === '') answers.push(sql.startsWith('SELECT') ? { rows: [] } : { ok: [-1, -1] });
    else answers.push({ rows: r.stdout.trimEnd().split('\n').map((line) => line.split('\t')) });
  }
  // The CLI's batch mode prints no affected-row counts: OKs are checked by kind only.
  check('mariadb', answers, { affected: false });
});
