// MySQL-only behaviour: startup retries, an existing upstream-shaped database (no seq column,
// 3-byte utf8 TEXT columns, MEMORY users_time, no log_event), column limits, atomic batches.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { v1 as uuidv1 } from 'uuid';
import { MysqlStorage } from '../../src/storage/mysql.js';
import { StorageError } from '../../src/storage/storage.js';
import type { Logger } from '../../src/log.js';
import { CaptureLog, mysqlAdmin, mysqlTarget, type MysqlTarget } from './subjects.js';

const SECRET = 'Sup3r-secret-pw';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('MySQL store: startup', () => {
  it('tries connection_attempts times, then fails without ever printing the password', async () => {
    const log = new CaptureLog();
    const port = await closedPort();
    const s = new MysqlStorage({
      host: '127.0.0.1', port, user: 'someone', password: SECRET, database: 'comet_db',
      connectionAttempts: 3, maxStoredMessage: 65535, nodeName: 'n', log: log as unknown as Logger, retryIntervalMs: 5,
    });
    const err = await s.open().then(() => undefined, (e: Error) => e);
    assert.ok(err instanceof Error);
    assert.match(err.message, /MySQL connection not established after 3 attempt\(s\) to someone@127\.0\.0\.1/);
    assert.equal(log.count('warn', /connection attempt failed/), 3);
    assert.ok(!err.message.includes(SECRET) && !log.text().includes(SECRET));
  });
});

const target = mysqlTarget();

/** Our own description of the upstream CppComet table shapes (names and types only). */
const UPSTREAM_SHAPE = `
CREATE TABLE users_auth (dev_id INT NOT NULL, user_id INT NOT NULL, hash CHAR(32) CHARACTER SET ascii DEFAULT '', PRIMARY KEY (dev_id, user_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE users_time (dev_id INT NOT NULL, user_id INT NOT NULL, time INT DEFAULT 0, PRIMARY KEY (dev_id, user_id)) ENGINE=MEMORY DEFAULT CHARSET=utf8;
CREATE TABLE users_messages (id CHAR(36) CHARACTER SET ascii NOT NULL, time INT NOT NULL, dev_id INT NOT NULL, user_id INT NOT NULL,
  event CHAR(64) CHARACTER SET ascii DEFAULT '', message TEXT CHARACTER SET utf8 COLLATE utf8_bin, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE pipes_settings (dev_id INT NOT NULL, name CHAR(128) CHARACTER SET ascii NOT NULL, type CHAR(1) CHARACTER SET ascii DEFAULT '', length INT DEFAULT 0,
  PRIMARY KEY (dev_id, name)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE pipe_messages (id CHAR(36) CHARACTER SET ascii NOT NULL, time INT NOT NULL, dev_id INT NOT NULL, pipe_name CHAR(64) CHARACTER SET ascii NOT NULL,
  event CHAR(64) CHARACTER SET ascii NOT NULL DEFAULT '', message TEXT CHARACTER SET utf8 COLLATE utf8_bin, user_id INT NOT NULL DEFAULT 0, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE users_data (dev_id INT NOT NULL, user_id INT NOT NULL, data TEXT, PRIMARY KEY (dev_id, user_id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
CREATE TABLE revoked_tokens (dev_id INT NOT NULL, token VARBINARY(600) NOT NULL, time INT DEFAULT 0, PRIMARY KEY (dev_id, token)) ENGINE=InnoDB;
CREATE TABLE log_query (id INT NOT NULL AUTO_INCREMENT, dev_id INT DEFAULT 0, query TEXT, PRIMARY KEY (id)) ENGINE=InnoDB DEFAULT CHARSET=utf8;
`;

const DB = 'tscomet_t_upstream';

/** A version-1 UUID for a given 60-bit timestamp (100 ns ticks). */
function v1At(ticks: bigint): string {
  const hex = (v: bigint, n: number) => v.toString(16).padStart(n, '0');
  return `${hex(ticks & 0xffffffffn, 8)}-${hex((ticks >> 32n) & 0xffffn, 4)}-1${hex((ticks >> 48n) & 0xfffn, 3)}-8000-00000000002a`;
}

describe('MySQL store on an upstream-shaped database', { skip: target ? false : 'TSCOMET_TEST_MYSQL is not set' }, () => {
  const t = target as MysqlTarget;
  const on = { ...t, database: DB };
  const admin = <T>(fn: Parameters<typeof mysqlAdmin<T>>[1]) => mysqlAdmin(on, fn);
  let log: CaptureLog;
  const open = async (): Promise<MysqlStorage> => {
    log = new CaptureLog();
    const s = new MysqlStorage({ ...on, connectionAttempts: 1, maxStoredMessage: 65535, nodeName: 'up', log: log as unknown as Logger, retryIntervalMs: 5 });
    await s.open();
    return s;
  };

  before(async () => {
    await mysqlAdmin(t, (c) => c.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB} CHARACTER SET utf8`), null);
    await admin((c) => c.query(UPSTREAM_SHAPE));
  });
  after(async () => {
    if (target) await mysqlAdmin(t, (c) => c.query(`DROP DATABASE IF EXISTS ${DB}`), null);
  });

  it('opens without log_event and says how this schema differs', async () => {
    const s = await open();
    try {
      assert.equal(await s.ping(), true);
      assert.equal(log.count('warn', /log_event is missing/), 1);
      assert.equal(log.count('warn', /has no seq column/), 2);
      assert.equal(log.count('info', /MEMORY table/), 1);
      assert.equal(log.count('warn', /3-byte utf8/), 1);
    } finally {
      await s.close();
    }
  });

  it('reads rows written out of order in creation order (second, then UUID time)', async () => {
    // v1 ids whose 32-bit time_low wraps half-way, so their text order is not their creation order.
    const ids = Array.from({ length: 40 }, (_, i) => v1At(0x1ee00a0fffffff80n + BigInt(i) * 13n));
    assert.ok(ids[39] < ids[0]);
    const rows = ids.map((id, i) => [id, 1_700_000_000 + Math.floor(i / 20), 0, 'legacy', 'ev', `m${i}`, 0]);
    const shuffled = [...rows].reverse();
    await admin((c) => c.query('INSERT INTO pipe_messages (id, time, dev_id, pipe_name, event, message, user_id) VALUES ?', [shuffled]));
    await admin((c) => c.query('INSERT INTO users_messages (id, time, dev_id, user_id, event, message) VALUES ?', [shuffled.map((r) => [r[0], r[1], 0, 9, 'msg', r[5]])]));
    const s = await open();
    try {
      const snap = await s.load();
      assert.deepEqual(snap.history.filter((h) => h.row.pipe === 'legacy').map((h) => h.row.message), rows.map((r) => r[5]));
      assert.deepEqual(snap.queue.filter((q) => q.row.userId === 9).map((q) => q.row.message), rows.map((r) => r[5]));
    } finally {
      await s.close();
    }
  });

  it('writes every op kind into the upstream tables and reads them back', async () => {
    const s = await open();
    try {
      const row = { id: uuidv1(), time: 1_700_000_100, pipe: 'up_pipe', event: 'e', message: "it's \"fine\" \\ ok", userId: 3 };
      await s.apply([
        { op: 'auth.put', dev: 1, user: 3, hash: 'abcdefghijklmnopqrstuvwxyz012345' },
        { op: 'userData.put', dev: 1, user: 3, data: 'Привет' },
        { op: 'revoked.put', dev: 1, token: 'a.b.c' },
        { op: 'pipeSettings.put', dev: 1, pipe: 'up_pipe', length: 10 },
        { op: 'history.append', dev: 1, row },
        { op: 'userTime.put', dev: 1, user: 3, time: 0 },
        { op: 'event.append', text: 'skipped: no log_event table' },
        { op: 'queryLog.append', dev: 1, query: 'SELECT 1' },
      ]);
      const snap = await s.load();
      assert.deepEqual(snap.auth.filter((a) => a.dev === 1), [{ dev: 1, user: 3, hash: 'abcdefghijklmnopqrstuvwxyz012345' }]);
      assert.deepEqual(snap.userData.filter((a) => a.dev === 1), [{ dev: 1, user: 3, data: 'Привет' }]);
      assert.deepEqual(snap.revoked.filter((a) => a.dev === 1), [{ dev: 1, token: 'a.b.c' }]);
      assert.deepEqual(snap.pipeSettings.filter((a) => a.dev === 1), [{ dev: 1, pipe: 'up_pipe', length: 10 }]);
      assert.deepEqual(snap.history.filter((h) => h.dev === 1), [{ dev: 1, row }]);
      assert.deepEqual(snap.userTime.filter((u) => u.dev === 1), [{ dev: 1, user: 3, time: 0 }]);
    } finally {
      await s.close();
    }
  });

  it('a body longer than TEXT is stored cut at a character boundary, with an error logged', async () => {
    const s = await open();
    try {
      const row = { id: uuidv1(), time: 1_700_000_200, pipe: 'long_pipe', event: 'e', message: 'ж'.repeat(40_000), userId: 0 };
      await s.apply([{ op: 'history.append', dev: 2, row }]);
      const stored = (await s.load()).history.find((h) => h.row.id === row.id)!.row.message;
      assert.equal(Buffer.byteLength(stored), 65534);
      assert.equal(stored, 'ж'.repeat(32767));
      assert.equal(log.count('error', /stored truncated/), 1);
    } finally {
      await s.close();
    }
  });

  it('refuses, for good, what the columns cannot hold: emoji in utf8, a 601-byte token', async () => {
    const s = await open();
    try {
      const emoji = { id: uuidv1(), time: 1, pipe: 'emoji_pipe', event: 'e', message: 'hi 😀', userId: 0 };
      for (const ops of [
        [{ op: 'auth.put', dev: 3, user: 1, hash: 'h' }, { op: 'history.append', dev: 3, row: emoji }],
        [{ op: 'revoked.put', dev: 3, token: 'x'.repeat(601) }],
      ] as const) {
        await assert.rejects(s.apply(ops), (e: unknown) => e instanceof StorageError && e.transient === false);
      }
      const snap = await s.load();
      assert.equal(snap.auth.filter((a) => a.dev === 3).length, 0, 'nothing of a refused batch is stored');
      assert.equal(snap.revoked.filter((a) => a.dev === 3).length, 0);
    } finally {
      await s.close();
    }
  });

  it('a batch the server fails half-way is rolled back as a whole', async () => {
    await admin((c) =>
      c.query("CREATE TRIGGER refuse_boom BEFORE INSERT ON users_data FOR EACH ROW BEGIN IF NEW.data = 'boom' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom refused'; END IF; END"),
    );
    const s = await open();
    try {
      await assert.rejects(
        s.apply([
          { op: 'auth.put', dev: 4, user: 1, hash: 'before' },
          { op: 'userData.put', dev: 4, user: 1, data: 'boom' },
        ]),
        /boom refused/,
      );
      assert.equal((await s.load()).auth.filter((a) => a.dev === 4).length, 0);
      await s.apply([{ op: 'auth.put', dev: 4, user: 1, hash: 'after' }]);
      assert.deepEqual((await s.load()).auth.filter((a) => a.dev === 4), [{ dev: 4, user: 1, hash: 'after' }]);
    } finally {
      await s.close();
      await admin((c) => c.query('DROP TRIGGER refuse_boom'));
    }
  });

  it('refuses to start, at once, on a database without the TsComet tables', async () => {
    await admin((c) => c.query('DROP TABLE users_data'));
    log = new CaptureLog();
    const s = new MysqlStorage({ ...on, connectionAttempts: 5, maxStoredMessage: 65535, nodeName: 'up', log: log as unknown as Logger, retryIntervalMs: 60_000 });
    await assert.rejects(s.open(), /lacks users_data: import db.sql first/);
    assert.equal(log.count('warn', /connection attempt failed/), 0);
  });
});
