// One suite for the Storage contract, run against every implementation (SQLite always, MySQL
// when TSCOMET_TEST_MYSQL is set): each WriteOp kind round-trips through apply() + load().
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { v1 as uuidv1 } from 'uuid';
import type { HistoryRow, QueuedRow, Snapshot, Storage, WriteOp } from '../../src/storage/storage.js';
import { subjects } from './subjects.js';

const T = 1_700_000_000;

function hist(pipe: string, message: string, extra: Partial<HistoryRow> = {}): HistoryRow {
  return { id: uuidv1(), time: T, pipe, event: 'ev', message, userId: 0, ...extra };
}

function queued(userId: number, message: string, extra: Partial<QueuedRow> = {}): QueuedRow {
  return { id: uuidv1(), time: T, userId, event: 'msg', message, ...extra };
}

const messages = (s: Snapshot, dev: number, pipe: string) => s.history.filter((h) => h.dev === dev && h.row.pipe === pipe).map((h) => h.row.message);
const queuedFor = (s: Snapshot, dev: number, user: number) => s.queue.filter((q) => q.dev === dev && q.row.userId === user).map((q) => q.row.message);
const sortBy = <T>(rows: readonly T[], key: (r: T) => string) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

for (const subject of subjects()) {
  describe(`Storage conformance: ${subject.name}`, () => {
    let store: Storage;

    before(async () => subject.reset());
    beforeEach(async () => {
      await subject.reset();
      store = await subject.open();
    });
    afterEach(async () => store.close());
    after(async () => subject.cleanup());

    it('opens an empty store and loads an empty snapshot', async () => {
      assert.equal(store.kind, subject.name);
      assert.equal(await store.ping(), true);
      assert.deepEqual(await store.load(), { auth: [], userData: [], revoked: [], pipeSettings: [], history: [], queue: [], userTime: [] });
    });

    it('auth.put replaces and auth.delete removes, per dev_id', async () => {
      await store.apply([
        { op: 'auth.put', dev: 0, user: 1, hash: 'first' },
        { op: 'auth.put', dev: 0, user: 1, hash: 'second' },
        { op: 'auth.put', dev: 0, user: 2, hash: 'two' },
        { op: 'auth.put', dev: 7, user: 1, hash: 'otherdev' },
      ]);
      await store.apply([{ op: 'auth.delete', dev: 0, user: 2 }]);
      const s = await store.load();
      assert.deepEqual(sortBy(s.auth, (a) => `${a.dev}:${a.user}`), [
        { dev: 0, user: 1, hash: 'second' },
        { dev: 7, user: 1, hash: 'otherdev' },
      ]);
    });

    it('userData keeps any text byte-exact (quotes, backslashes, emoji)', async () => {
      const data = `{"name":"O'Brien \\"q\\"","path":"C:\\\\x","emoji":"😀","ru":"Привет"}`;
      await store.apply([
        { op: 'userData.put', dev: 0, user: 5, data: 'old' },
        { op: 'userData.put', dev: 0, user: 5, data },
        { op: 'userData.put', dev: 0, user: 6, data: 'gone' },
        { op: 'userData.delete', dev: 0, user: 6 },
      ]);
      assert.deepEqual((await store.load()).userData, [{ dev: 0, user: 5, data }]);
    });

    it('revoked tokens are stored and deleted', async () => {
      const token = 'eyJhbGciOiJIUzI1NiJ9.' + 'x'.repeat(700) + '.sig';
      await store.apply([
        { op: 'revoked.put', dev: 0, token },
        { op: 'revoked.put', dev: 0, token },
        { op: 'revoked.put', dev: 1, token: 'short' },
        { op: 'revoked.put', dev: 0, token: 'gone' },
        { op: 'revoked.delete', dev: 0, token: 'gone' },
      ]);
      const s = await store.load();
      assert.deepEqual(sortBy(s.revoked, (r) => `${r.dev}:${r.token}`), [
        { dev: 0, token },
        { dev: 1, token: 'short' },
      ]);
    });

    it('pipeSettings.put replaces; pipeSettings.delete removes the settings and that pipe history only', async () => {
      await store.apply([
        { op: 'pipeSettings.put', dev: 0, pipe: 'news', length: 5 },
        { op: 'pipeSettings.put', dev: 0, pipe: 'news', length: 10 },
        { op: 'pipeSettings.put', dev: 0, pipe: 'chat', length: 3 },
        { op: 'history.append', dev: 0, row: hist('news', 'n1') },
        { op: 'history.append', dev: 0, row: hist('chat', 'c1') },
        { op: 'history.append', dev: 1, row: hist('news', 'other dev') },
      ]);
      let s = await store.load();
      assert.deepEqual(sortBy(s.pipeSettings, (p) => p.pipe), [
        { dev: 0, pipe: 'chat', length: 3 },
        { dev: 0, pipe: 'news', length: 10 },
      ]);
      await store.apply([{ op: 'pipeSettings.delete', dev: 0, pipe: 'news' }]);
      s = await store.load();
      assert.deepEqual(s.pipeSettings, [{ dev: 0, pipe: 'chat', length: 3 }]);
      assert.deepEqual(messages(s, 0, 'news'), []);
      assert.deepEqual(messages(s, 0, 'chat'), ['c1']);
      assert.deepEqual(messages(s, 1, 'news'), ['other dev']);
    });

    it('history keeps insertion order within one second, within and across batches', async () => {
      const rows = Array.from({ length: 30 }, (_, i) => hist('order_pipe', `m${i}`, { time: T + (i < 15 ? 0 : 1) }));
      await store.apply(rows.slice(0, 12).map((row) => ({ op: 'history.append', dev: 0, row }) as WriteOp));
      await store.apply(rows.slice(12).map((row) => ({ op: 'history.append', dev: 0, row }) as WriteOp));
      const s = await store.load();
      assert.deepEqual(messages(s, 0, 'order_pipe'), rows.map((r) => r.message));
      assert.deepEqual(s.history[0], { dev: 0, row: rows[0] });
    });

    it('a batch of 1234 appends (multi-row statements) keeps every row in order', async () => {
      const rows = Array.from({ length: 1234 }, (_, i) => hist('bulk', `b${i}`, { userId: i % 7 }));
      await store.apply(rows.map((row) => ({ op: 'history.append', dev: 3, row }) as WriteOp));
      const s = await store.load();
      assert.deepEqual(s.history.map((h) => h.row), rows);
    });

    it('history.trim removes exactly the listed ids; deleteMessage and deletePipe remove rows', async () => {
      const rows = Array.from({ length: 6 }, (_, i) => hist('trimmed', `t${i}`));
      const other = hist('kept', 'k0');
      await store.apply([...rows.map((row) => ({ op: 'history.append', dev: 0, row }) as WriteOp), { op: 'history.append', dev: 0, row: other }]);
      await store.apply([{ op: 'history.trim', dev: 0, pipe: 'trimmed', removeIds: [rows[0].id, rows[1].id] }]);
      await store.apply([{ op: 'history.deleteMessage', dev: 0, id: rows[3].id }]);
      let s = await store.load();
      assert.deepEqual(messages(s, 0, 'trimmed'), ['t2', 't4', 't5']);
      await store.apply([{ op: 'history.deletePipe', dev: 0, pipe: 'trimmed' }]);
      s = await store.load();
      assert.deepEqual(messages(s, 0, 'trimmed'), []);
      assert.deepEqual(messages(s, 0, 'kept'), ['k0']);
    });

    it('history.deleteMessage only touches its own dev_id', async () => {
      const row = hist('devs', 'x');
      await store.apply([{ op: 'history.append', dev: 4, row }]);
      await store.apply([{ op: 'history.deleteMessage', dev: 5, id: row.id }]);
      assert.deepEqual(messages(await store.load(), 4, 'devs'), ['x']);
    });

    it('queue rows keep order, and queue.delete removes exactly the given ids', async () => {
      const a = Array.from({ length: 5 }, (_, i) => queued(10, `a${i}`));
      const b = queued(11, 'b0', { event: 'other' });
      await store.apply([...a.map((row) => ({ op: 'queue.append', dev: 0, row }) as WriteOp), { op: 'queue.append', dev: 0, row: b }]);
      await store.apply([{ op: 'queue.delete', dev: 0, ids: [a[1].id, a[3].id] }]);
      const s = await store.load();
      assert.deepEqual(queuedFor(s, 0, 10), ['a0', 'a2', 'a4']);
      assert.deepEqual(s.queue.find((q) => q.row.userId === 11), { dev: 0, row: b });
    });

    it('a queue.delete with many ids removes them all', async () => {
      const rows = Array.from({ length: 137 }, (_, i) => queued(12, `q${i}`));
      await store.apply(rows.map((row) => ({ op: 'queue.append', dev: 0, row }) as WriteOp));
      await store.apply([{ op: 'queue.delete', dev: 0, ids: rows.slice(0, 136).map((r) => r.id) }]);
      assert.deepEqual(queuedFor(await store.load(), 0, 12), ['q136']);
    });

    it('userTime.put keeps the latest value per user', async () => {
      await store.apply([
        { op: 'userTime.put', dev: 0, user: 1, time: 0 },
        { op: 'userTime.put', dev: 0, user: 1, time: T },
        { op: 'userTime.put', dev: 2, user: 1, time: 0 },
      ]);
      const s = await store.load();
      assert.deepEqual(sortBy(s.userTime, (u) => `${u.dev}:${u.user}`), [
        { dev: 0, user: 1, time: T },
        { dev: 2, user: 1, time: 0 },
      ]);
    });

    it('log ops are accepted and an empty batch is a no-op', async () => {
      await store.apply([]);
      await store.apply([
        { op: 'queryLog.append', dev: 0, query: "INSERT INTO pipes_messages (name, event, message) VALUES ('p', 'e', 'it''s')" },
        { op: 'event.append', text: 'start-test' },
      ]);
      assert.deepEqual((await store.load()).auth, []);
    });

    it('replaying an applied batch leaves the same data (and the same order)', async () => {
      const h = [hist('replay', 'r0'), hist('replay', 'r1'), hist('replay', 'r2')];
      const q = [queued(20, 'q0'), queued(20, 'q1')];
      const batch: WriteOp[] = [
        { op: 'auth.put', dev: 0, user: 20, hash: 'h' },
        { op: 'userData.put', dev: 0, user: 20, data: 'd' },
        { op: 'revoked.put', dev: 0, token: 'tok' },
        { op: 'pipeSettings.put', dev: 0, pipe: 'replay', length: 2 },
        ...h.map((row) => ({ op: 'history.append', dev: 0, row }) as WriteOp),
        { op: 'history.trim', dev: 0, pipe: 'replay', removeIds: [h[0].id] },
        ...q.map((row) => ({ op: 'queue.append', dev: 0, row }) as WriteOp),
        { op: 'queue.delete', dev: 0, ids: [q[0].id] },
        { op: 'userTime.put', dev: 0, user: 20, time: T },
      ];
      await store.apply(batch);
      await store.apply([{ op: 'history.append', dev: 0, row: hist('replay', 'after') }]);
      const first = await store.load();
      await store.apply(batch);
      const second = await store.load();
      assert.deepEqual(second, first);
      assert.deepEqual(messages(second, 0, 'replay'), ['r1', 'r2', 'after']);
      assert.deepEqual(queuedFor(second, 0, 20), ['q1']);
    });

    it('a fresh instance sees everything the previous one stored', async () => {
      const row = hist('persist', 'kept across restarts');
      const q = queued(30, 'waiting');
      await store.apply([
        { op: 'auth.put', dev: 0, user: 30, hash: 'hash30' },
        { op: 'userData.put', dev: 0, user: 30, data: '{"a":1}' },
        { op: 'revoked.put', dev: 0, token: 'revoked30' },
        { op: 'pipeSettings.put', dev: 0, pipe: 'persist', length: 10 },
        { op: 'history.append', dev: 0, row },
        { op: 'queue.append', dev: 0, row: q },
        { op: 'userTime.put', dev: 0, user: 30, time: T + 5 },
      ]);
      const before = await store.load();
      await store.close();
      store = await subject.open();
      const after = await store.load();
      assert.deepEqual(after, before);
      assert.deepEqual(after.history, [{ dev: 0, row }]);
      assert.deepEqual(after.queue, [{ dev: 0, row: q }]);
      assert.deepEqual(after.userTime, [{ dev: 0, user: 30, time: T + 5 }]);
    });
  });
}
