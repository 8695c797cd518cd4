// A minus sign is never lost on the CometQL port: `- 5`, `-/**/5` and `-'5'` are syntax errors
// (ERR 3), `-5` is the invalid id −5; none of them deletes user 5 (docs/COMPATIBILITY.md Q1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startServer, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { mariadb } from '../helpers/mysql-clients.js';

let server: RunningServer;
let db: mysql.Connection;

before(async () => {
  server = await startServer();
  db = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
});
after(async () => {
  await db.end();
  await server.stop();
});

async function hashOf5(): Promise<string[]> {
  const [rows] = await db.query('SELECT * FROM users_auth WHERE id = 5');
  return (rows as Array<{ hash: string }>).map((r) => r.hash);
}

test('mysql2: DELETE with a detached minus is ERR 3 and user 5 keeps its hash', async () => {
  await db.query("INSERT INTO users_auth (id, hash) VALUES (5, 'hash_of_5')");
  assert.deepEqual(await hashOf5(), ['hash_of_5']);
  for (const sql of ['DELETE FROM users_auth WHERE id = - 5', 'DELETE FROM users_auth WHERE id = -/**/5', "DELETE FROM users_auth WHERE id = -'5'", 'DELETE FROM users_auth WHERE id IN (7, -\t5)']) {
    await assert.rejects(db.query(sql), (err: { errno?: number; sqlMessage?: string }) => {
      assert.equal(err.errno, 3, sql);
      assert.equal(err.sqlMessage, 'Syntax error in query');
      return true;
    });
    assert.deepEqual(await hashOf5(), ['hash_of_5'], `${sql} must not delete user 5`);
  }
  // The attached sign is the id −5: invalid, skipped, nothing deleted.
  await db.query('DELETE FROM users_auth WHERE id = -5');
  assert.deepEqual(await hashOf5(), ['hash_of_5']);
});

test('mariadb CLI: `- 5` is ERR 3 and user 5 keeps its hash', async () => {
  await db.query("INSERT INTO users_auth (id, hash) VALUES (5, 'hash_of_5')");
  const r = await mariadb(server.cometqlPort, ['-u', 'root', 'CometQL_v1', '-e', 'DELETE FROM users_auth WHERE id = - 5']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /ERROR 3 .*Syntax error in query/);
  assert.deepEqual(await hashOf5(), ['hash_of_5']);
});
