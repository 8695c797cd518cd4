// WriteBehind: group commit, ordering across outages, buffered acknowledgements, the buffer
// bound, refused ops, coalescing and close(). The Storage is real SQLite or a controllable double.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v1 as uuidv1 } from 'uuid';
import { WriteBehind, type WriteBehindOptions } from '../../src/storage/write-behind.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';
import { StorageError, EMPTY_SNAPSHOT, type Snapshot, type Storage, type WriteOp } from '../../src/storage/storage.js';
import { CaptureLog, silentLog } from './subjects.js';

/** A store that can be taken down, and that refuses chosen ops for good. */
class ControlledStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly applied: WriteOp[] = [];
  calls = 0;
  down = false;
  readonly poison = new Set<WriteOp>();
  private held: Promise<void> | undefined;
  constructor(private readonly inner?: Storage) {}
  async open(): Promise<void> {}
  async load(): Promise<Snapshot> {
    return this.inner ? this.inner.load() : EMPTY_SNAPSHOT;
  }
  async apply(ops: readonly WriteOp[]): Promise<void> {
    this.calls++;
    await new Promise((r) => setImmediate(r)); // like a network round trip
    await this.held;
    if (this.down) throw new StorageError('connect ECONNREFUSED 127.0.0.1:3306', true);
    if (ops.some((o) => this.poison.has(o))) throw new StorageError('value does not fit', false);
    await this.inner?.apply(ops);
    this.applied.push(...ops);
  }
  /** Make apply() hang (like a black-holed connection) until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((r) => (release = r));
    return () => {
      this.held = undefined;
      release();
    };
  }
  async ping(): Promise<boolean> {
    return !this.down;
  }
  async close(): Promise<void> {}
}

/** Wait (bounded) for a condition; a timeout is a failure, never a timing assertion. */
async function until(what: string, cond: () => boolean, limitMs = 10_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function settled<T>(p: Promise<T>): { readonly state: 'pending' | 'resolved' | 'rejected'; readonly error?: unknown } {
  const s: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  p.then(
    () => (s.state = 'resolved'),
    (e: unknown) => {
      s.state = 'rejected';
      s.error = e;
    },
  );
  return s;
}

const msg = (i: number, pipe = 'p'): WriteOp => ({ op: 'history.append', dev: 0, row: { id: uuidv1(), time: 1, pipe, event: 'e', message: `m${i}`, userId: 0 } });
const auth = (user: number, hash = `h${user}`): WriteOp => ({ op: 'auth.put', dev: 0, user, hash });

const sinks: WriteBehind[] = [];
function sink(storage: Storage, opts: Partial<WriteBehindOptions> = {}): WriteBehind {
  const s = new WriteBehind(storage, { log: silentLog, retryMinMs: 1, retryMaxMs: 5, ...opts });
  sinks.push(s);
  s.start();
  return s;
}
afterEach(async () => {
  for (const s of sinks.splice(0)) await s.close();
});

describe('WriteBehind with a real SQLite store', () => {
  it('durable() resolves once the write is committed: a second reader of the file sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tscomet-wb-'));
    const path = join(dir, 's.sqlite');
    const store = new SqliteStorage({ path, nodeName: 't', log: silentLog });
    await store.open();
    const wb = sink(store);
    wb.write(auth(1, 'abc'));
    wb.write({ op: 'userData.put', dev: 0, user: 1, data: 'd' });
    await wb.durable();
    const reader = new SqliteStorage({ path, nodeName: 'reader', log: silentLog });
    await reader.open();
    const snap = await reader.load();
    assert.deepEqual(snap.auth, [{ dev: 0, user: 1, hash: 'abc' }]);
    assert.deepEqual(snap.userData, [{ dev: 0, user: 1, data: 'd' }]);
    assert.deepEqual(wb.stats(), { pending: 0, failures: 0, healthy: true, lastError: undefined, applied: 2, dropped: 0, rejected: 0 });
    await wb.close();
    await reader.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('WriteBehind batching and ordering', () => {
  it('group commit: writes and durable() calls of one turn share one storage batch', async () => {
    const store = new ControlledStorage();
    const wb = sink(store);
    const acks = Array.from({ length: 200 }, (_, i) => {
      wb.write(msg(i));
      return wb.durable();
    });
    await Promise.all(acks);
    assert.equal(store.calls, 1);
    assert.equal(store.applied.length, 200);
  });

  it('batches are at most maxBatch ops and keep write order', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { maxBatch: 500 });
    const ops = Array.from({ length: 1200 }, (_, i) => msg(i));
    for (const op of ops) wb.write(op);
    await wb.flush();
    assert.equal(store.calls, 3);
    assert.deepEqual(store.applied, ops);
  });

  it('writes made before start() are kept and applied after it', async () => {
    const store = new ControlledStorage();
    const wb = new WriteBehind(store, { log: silentLog });
    sinks.push(wb);
    wb.write(auth(1));
    const ack = wb.durable();
    assert.equal(store.calls, 0);
    wb.start();
    await ack;
    assert.deepEqual(store.applied, [auth(1)].map((o) => ({ ...o })));
  });

  it('keeps order across an outage, retries with backoff, logs once per state change', async () => {
    const log = new CaptureLog();
    const store = new ControlledStorage();
    const wb = sink(store, { log });
    const ops: WriteOp[] = [];
    const put = (op: WriteOp) => (ops.push(op), wb.write(op));
    for (let i = 0; i < 10; i++) put(msg(i));
    await wb.flush();
    store.down = true;
    for (let i = 10; i < 20; i++) put(i % 3 === 0 ? auth(i) : msg(i));
    await until('several failed retries', () => wb.stats().failures >= 5);
    for (let i = 20; i < 30; i++) put(msg(i));
    assert.equal(wb.stats().healthy, false);
    assert.match(wb.stats().lastError ?? '', /ECONNREFUSED/);
    store.down = false;
    await wb.flush();
    assert.deepEqual(store.applied, ops);
    assert.equal(wb.stats().healthy, true);
    assert.equal(log.count('error', /storage unavailable/), 1);
    assert.equal(log.count('warn', /available again/), 1);
  });
});

describe('WriteBehind acknowledgements during an outage', () => {
  it('durable() resolves after bufferedAckMs while the store is down; the write is replayed later', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { bufferedAckMs: 20 });
    store.down = true;
    wb.write(auth(1));
    await wb.durable();
    assert.deepEqual({ applied: wb.stats().applied, pending: wb.stats().pending }, { applied: 0, pending: 1 });
    await until('outage noticed', () => !wb.stats().healthy);
    wb.write(auth(2));
    await wb.durable(); // the outage is older than bufferedAckMs: acknowledged as buffered at once
    assert.equal(store.applied.length, 0);
    store.down = false;
    await wb.flush();
    assert.deepEqual(store.applied, [auth(1), auth(2)]);
  });

  it('a store that hangs: durable() resolves after bufferedAckMs while the batch is still in flight', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { bufferedAckMs: 20 });
    const release = store.hold();
    wb.write(auth(1));
    await wb.durable();
    assert.deepEqual({ applied: store.applied.length, pending: wb.stats().pending, calls: store.calls }, { applied: 0, pending: 1, calls: 1 });
    release();
    await wb.flush();
    assert.deepEqual(store.applied, [auth(1)]);
  });

  it('with bufferedAckMs = Infinity, durable() waits for the real commit', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { bufferedAckMs: Number.POSITIVE_INFINITY });
    store.down = true;
    wb.write(auth(1));
    const ack = settled(wb.durable());
    await until('several failed retries', () => wb.stats().failures >= 5);
    assert.equal(ack.state, 'pending');
    store.down = false;
    await until('ack', () => ack.state !== 'pending');
    assert.equal(ack.state, 'resolved');
    assert.deepEqual(store.applied, [auth(1)]);
  });

  it('when the buffer bound is hit, new writes are refused and their durable() rejects', async () => {
    const log = new CaptureLog();
    const store = new ControlledStorage();
    const wb = sink(store, { log, maxPending: 3, bufferedAckMs: 10 });
    store.down = true;
    const kept = [auth(1), auth(2), auth(3)];
    for (const op of kept) wb.write(op);
    await wb.durable();
    wb.write(auth(4));
    await assert.rejects(wb.durable(), (e: unknown) => e instanceof StorageError && /buffer is full/.test(e.message));
    wb.write(auth(5));
    await assert.rejects(wb.durable(), StorageError);
    assert.deepEqual({ pending: wb.stats().pending, rejected: wb.stats().rejected }, { pending: 3, rejected: 2 });
    assert.equal(log.count('error', /buffer is full/), 1);
    store.down = false;
    await wb.flush();
    assert.deepEqual(store.applied, kept);
    assert.equal(log.count('warn', /has room again/), 1);
    wb.write(auth(6));
    await wb.durable();
    assert.deepEqual(store.applied.at(-1), auth(6));
  });
});

describe('WriteBehind refused ops, coalescing and close', () => {
  it('an op the store refuses for good is dropped alone, logged, and its durable() rejects', async () => {
    const log = new CaptureLog();
    const store = new ControlledStorage();
    const wb = sink(store, { log });
    const before = [msg(0), msg(1)];
    const bad = msg(2);
    const after = [msg(3), msg(4)];
    store.poison.add(bad);
    for (const op of before) wb.write(op);
    const ackBefore = wb.durable();
    wb.write(bad);
    const ackBad = wb.durable();
    for (const op of after) wb.write(op);
    const ackAfter = wb.durable();
    await ackBefore;
    await assert.rejects(ackBad, /refused the write/);
    await ackAfter;
    assert.deepEqual(store.applied, [...before, ...after]);
    assert.equal(wb.stats().dropped, 1);
    const line = log.lines.find((l) => /refused a write/.test(l.msg))!;
    assert.equal(line.details.op, 'history.append');
    assert.ok(!JSON.stringify(line.details).includes('m2'), 'message bodies are not logged');
  });

  it('queued userTime.put writes for one user collapse into the latest value', async () => {
    const store = new ControlledStorage();
    const wb = sink(store);
    store.down = true;
    wb.write({ op: 'userTime.put', dev: 0, user: 1, time: 0 });
    wb.write({ op: 'userTime.put', dev: 0, user: 2, time: 0 });
    wb.write(auth(9));
    wb.write({ op: 'userTime.put', dev: 0, user: 1, time: 50 });
    wb.write({ op: 'userTime.put', dev: 0, user: 1, time: 100 });
    assert.equal(wb.stats().pending, 3);
    store.down = false;
    await wb.flush();
    assert.deepEqual(store.applied, [
      { op: 'userTime.put', dev: 0, user: 1, time: 100 },
      { op: 'userTime.put', dev: 0, user: 2, time: 0 },
      auth(9),
    ]);
  });

  it('close() keeps retrying until the store returns, then everything is applied', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { bufferedAckMs: Number.POSITIVE_INFINITY, closeTimeoutMs: 10_000 });
    store.down = true;
    const ops = [auth(1), msg(1), auth(2)];
    for (const op of ops) wb.write(op);
    const ack = settled(wb.durable());
    await until('outage noticed', () => wb.stats().failures >= 2);
    const closing = wb.close();
    await until('close retries', () => wb.stats().failures >= 4);
    store.down = false;
    await closing;
    assert.deepEqual(store.applied, ops);
    await until('ack', () => ack.state !== 'pending');
    assert.equal(ack.state, 'resolved');
  });

  it('close() gives up at its deadline: logs what is lost, rejects waiters and later writes', async () => {
    const log = new CaptureLog();
    const store = new ControlledStorage();
    const wb = sink(store, { log, bufferedAckMs: Number.POSITIVE_INFINITY, closeTimeoutMs: 30 });
    store.down = true;
    wb.write(auth(1));
    wb.write(auth(2));
    const ack = settled(wb.durable());
    await wb.close();
    await until('ack', () => ack.state !== 'pending');
    assert.equal(ack.state, 'rejected');
    const lost = log.lines.find((l) => /they are lost/.test(l.msg));
    assert.equal(lost?.details.lost, 2);
    wb.write(auth(3));
    await assert.rejects(wb.durable(), /shutting down/);
    assert.equal(store.applied.length, 0);
  });

  it('flush() applies at once, without waiting for the flush interval', async () => {
    const store = new ControlledStorage();
    const wb = sink(store, { flushIntervalMs: 60_000 });
    wb.write(auth(1));
    await wb.flush();
    assert.deepEqual(store.applied, [auth(1)]);
  });
});
