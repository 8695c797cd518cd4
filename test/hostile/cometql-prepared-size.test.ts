// One size limit on the CometQL port for both statement paths: a 200 KB value is refused with
// ERR 11 `Data is too long` through COM_QUERY and through COM_STMT_EXECUTE (mysql2 `execute`),
// and through accumulated COM_STMT_SEND_LONG_DATA; nothing of it is stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { startServer, TEST_PASSWORD, type RunningServer } from '../helpers/server.js';
import { RawMysqlClient, commandPacket } from '../helpers/mysql-clients.js';

let server: RunningServer;
let db: mysql.Connection;
const BIG = 'x'.repeat(200 * 1024);

before(async () => {
  server = await startServer();
  db = await mysql.createConnection({ host: '127.0.0.1', port: server.cometqlPort, user: 'root', password: TEST_PASSWORD, database: 'CometQL_v1' });
  // Keep history for the test pipes, so "not stored" is observable.
  for (const name of ['p_big', 'p_lng']) await db.query(`INSERT INTO pipes_settings (name, length) VALUES ('${name}', 10)`);
});
after(async () => {
  await db.end();
  await server.stop();
});

async function errnoOf(p: Promise<unknown>): Promise<{ errno?: number; sqlMessage?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { errno?: number; sqlMessage?: string };
  }
  assert.fail('expected an error');
}

async function storedMessages(name: string): Promise<number> {
  const [rows] = await db.query(`SELECT * FROM pipes_messages WHERE name = '${name}'`);
  return (rows as unknown[]).length;
}

test('mysql2: a 200 KB message gets the same ERR 11 through query and execute, and is not stored', async () => {
  const viaQuery = await errnoOf(db.query(`INSERT INTO pipes_messages (name, event, message) VALUES ('p_big', 'e', '${BIG}')`));
  const viaExecute = await errnoOf(db.execute('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['p_big', 'e', BIG]));
  assert.deepEqual([viaQuery.errno, viaQuery.sqlMessage], [11, 'Data is too long']);
  assert.deepEqual([viaExecute.errno, viaExecute.sqlMessage], [viaQuery.errno, viaQuery.sqlMessage]);
  assert.equal(await storedMessages('p_big'), 0);
  // The connection is still usable and a small execute passes.
  await db.execute('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['p_big', 'e', 'small']);
  assert.equal(await storedMessages('p_big'), 1);
});

test('mysql2: a 200 KB prepared text is refused at COM_STMT_PREPARE with ERR 11', async () => {
  const r = await errnoOf(db.execute(`SELECT * FROM users_time WHERE id IN (${'1,'.repeat(100 * 1024)}?)`, [1]));
  assert.equal(r.errno, 11);
});

test('raw client: long data accumulated past max_query_size gets ERR 11 at execute, nothing stored', async () => {
  const c = await RawMysqlClient.connect(server.cometqlPort);
  try {
    assert.equal((await c.login()).payload[0], 0x00);
    c.send(commandPacket(0x16, 'INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)'), 0);
    const head = (await c.readPacket()).payload;
    assert.equal(head[0], 0x00);
    const id = head.readUInt32LE(1);
    for (let i = 0; i < 4; i++) await c.readPacket(); // three parameter definitions and their EOF
    const idBytes = Buffer.alloc(4);
    idBytes.writeUInt32LE(id);
    for (let i = 0; i < 50; i++) c.send(Buffer.concat([Buffer.from([0x18]), idBytes, Buffer.from([2, 0]), Buffer.alloc(4096, 0x79)]), 0);
    const execute = Buffer.concat([Buffer.from([0x17]), idBytes, Buffer.from('0001000000' + '00' + '01' + 'fd00fd00fd00', 'hex'), Buffer.from([5]), Buffer.from('p_lng'), Buffer.from([1]), Buffer.from('e')]);
    const r = await c.command(execute);
    assert.equal(r.kind, 'err');
    assert.equal(r.kind === 'err' && r.errno, 11);
    assert.equal(await storedMessages('p_lng'), 0);
  } finally {
    c.end();
  }
});
