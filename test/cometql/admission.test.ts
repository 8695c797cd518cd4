import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission, ENDING_GRACE_SECONDS, preauthCap, type AdmittedPeer } from '../../src/cometql/admission.js';
import type { SqlError } from '../../src/errors.js';

class Peer implements AdmittedPeer {
  dropped: number | null = null;
  destroyed = false;
  constructor(readonly name: string) {}
  drop(error: SqlError): void {
    this.dropped = error.errno;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function setup(maxConnections: number, maxPreauth: number, loginTimeout = 5) {
  const events = { evicted: 0, timedOut: 0 };
  const a = new Admission<Peer>({ maxConnections, maxPreauth, loginTimeout }, { evicted: () => events.evicted++, timedOut: () => events.timedOut++ });
  const join = (name: string, now = 0): Peer | null => {
    if (!a.makeRoom()) return null;
    const p = new Peer(name);
    a.admit(p, now);
    return p;
  };
  return { a, events, join };
}

test('preauthCap: the configured value, at most half of all connections, at least 1', () => {
  for (const [configured, max, want] of [[128, 1000, 128], [128, 40, 20], [5, 40, 5], [128, 1, 1], [1, 8, 1]]) {
    assert.equal(preauthCap(configured, max), want, `${configured}/${max}`);
  }
});

test('unauthenticated connections beyond the pre-auth cap: the oldest gets ERR 1040, the newcomer is admitted', () => {
  const { a, events, join } = setup(10, 3);
  const silent = ['s1', 's2', 's3', 's4', 's5'].map((n) => join(n)!);
  assert.deepEqual(silent.map((p) => p.dropped), [1040, 1040, null, null, null]);
  assert.equal(a.unauthenticated, 3);
  assert.equal(a.connections, 3);
  assert.equal(events.evicted, 2);
});

test('silent sockets cannot take the slots of authenticated connections; over the cap of authenticated ones ERR 1040 to the newcomer', () => {
  const { a, join } = setup(4, 2);
  const backEnds: Peer[] = [];
  for (let i = 0; i < 4; i++) {
    join(`silent${i}`);
    join(`silent${i}b`);
    const b = join(`backend${i}`)!; // the newest: never the one evicted
    a.authenticated(b);
    backEnds.push(b);
  }
  assert.deepEqual(backEnds.map((b) => b.dropped), [null, null, null, null]);
  assert.equal(a.connections, 4);
  assert.equal(a.unauthenticated, 0);
  assert.equal(join('one too many'), null, 'all authenticated and at the cap: refuse');
  a.released(backEnds[0]);
  assert.ok(join('after a close'));
});

test('login timeout: the sweep closes exactly the connections older than the timeout with ERR 1159', () => {
  const { a, events, join } = setup(100, 50, 5);
  const early = join('early', 100)!;
  const authed = join('authed', 100)!;
  a.authenticated(authed);
  const late = join('late', 103)!;
  a.sweep(104);
  assert.equal(early.dropped, null, 'at 4 s nothing happens');
  a.sweep(105);
  assert.deepEqual([early.dropped, authed.dropped, late.dropped], [1159, null, null]);
  a.sweep(108);
  assert.equal(late.dropped, 1159);
  assert.equal(authed.dropped, null, 'authenticated connections have no login timeout');
  assert.equal(events.timedOut, 2);
  assert.equal(a.connections, 1);
});

test('ended connections still open after the grace are destroyed', () => {
  const { a, join } = setup(10, 5);
  const p = join('quit', 0)!;
  a.authenticated(p);
  a.ended(p, 50);
  a.sweep(50 + ENDING_GRACE_SECONDS - 1);
  assert.equal(p.destroyed, false);
  a.sweep(50 + ENDING_GRACE_SECONDS);
  assert.equal(p.destroyed, true);
  assert.equal(a.connections, 0);
});
