import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, PASSWORD } from '../helpers/core-fixture.js';

const T = 1700000000;

test('anonymous connect gets serverInfo authorized:false and no user', async () => {
  const f = fixture();
  const { conn, link } = await f.connect({ user: 3, session: 'wrong' });
  assert.equal(conn.userId, 0);
  assert.deepEqual(link.frames, [
    `{"authorized":false,"data":"","event":"serverInfo","message_send_time":${T},"pipe":"sys","server":"CppComet community 4.09 (AGPL license)"}`,
  ]);
});

test('hash auth: authorized, serverInfo carries the hash; v3 gets the string "true"', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 3, 'valid00000userHash');
  const v4 = await f.connect({ user: 3, session: 'valid00000userHash' });
  assert.equal(v4.conn.userId, 3);
  assert.equal(v4.link.parsed()[0].authorized, true);
  assert.equal(v4.link.parsed()[0].data, 'valid00000userHash');
  const v3 = await f.connect({ user: 3, session: 'valid00000userHash', legacy: true });
  assert.equal(v3.link.frames[0], `{"api_data":"for major_version < 4","authorized":"true","data":"valid00000userHash","event":"serverInfo","event_name":"serverInfo","message_send_time":${T},"pipe":"sys","server":"CppComet community 4.09 (AGPL license)"}`);
});

test('JWT vectors of PROTOCOL.md 4.3', async (t) => {
  const valid5 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo1LCJleHAiOjk5ODMzMTEyMDB9.jXeCiNOA1eKLiLwcA2bkyaFZOhewvt81FCIfF278aO8';
  const second5 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo1LCJleHAiOjk5ODM0ODQwMDB9.8VU1bBHa0sFVOqH19tnV3YOy7Y23aOCaCpMDzqAB64g';
  const user2 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoyLCJleHAiOjk5ODMzMTEyMDB9.aIh8RCsv1W5dHmTNVDKfHxVaerpuLBz0l-5IBLIhro0';
  const cases: Array<[string, number, number, string, boolean]> = [
    ['valid token for user 5, dev 1', 1, 5, valid5, true],
    ['same token on dev 0 (other secret)', 0, 5, valid5, false],
    ['user mismatch (token for 2, myid 12)', 1, 12, user2, false],
    ['tampered signature', 1, 5, valid5.slice(0, -2) + 'AA', false],
  ];
  for (const [name, dev, user, token, expected] of cases) {
    await t.test(name, async () => {
      const f = fixture();
      const { conn } = await f.connect({ dev, user, session: token });
      assert.equal(conn.authorized, expected);
    });
  }
  await t.test('revoked token is refused; revoking disconnects the user', async () => {
    const f = fixture();
    const a = await f.connect({ dev: 1, user: 5, session: second5 });
    assert.equal(a.conn.authorized, true);
    await f.core.revokeToken(1, second5);
    assert.equal(a.link.closedReason, 'token revoked');
    assert.equal(a.conn.closed, true);
    const b = await f.connect({ dev: 1, user: 5, session: second5 });
    assert.equal(b.conn.authorized, false);
  });
  await t.test('password password, dev 0 vector', async () => {
    const f = fixture({ password: 'password' });
    const { conn } = await f.connect({ dev: 0, user: 7, session: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo3LCJleHAiOjQxMDI0NDQ4MDB9.ClkJBwpqDsOvFFTyD5K7YcG-bD8ALlljhp_N4UIrs9A' });
    assert.equal(conn.authorized, true);
  });
  assert.equal(PASSWORD, 'CometQLPassword');
});

test('subscriptions: replace semantics, set semantics, anonymous private_ skipped', async () => {
  const f = fixture();
  const { conn } = await f.connect();
  f.core.replaceSubscriptions(conn, ['web_a', 'private_x', 'web_b', 'web_a']);
  assert.deepEqual([...conn.subscriptions], ['web_a', 'web_b']);
  f.core.replaceSubscriptions(conn, ['web_b']);
  assert.deepEqual([...conn.subscriptions], ['web_b']);
  assert.equal(f.core.hub.count(0, 'web_a'), 0);
  assert.equal(f.core.hub.count(0, 'web_b'), 1);
});

test('publish: fan-out once-serialized per class, sender excluded, dev isolation', async () => {
  const f = fixture();
  const a = await f.connect();
  const b = await f.connect({ legacy: true });
  const other = await f.connect({ dev: 1 });
  for (const c of [a, b, other]) f.core.replaceSubscriptions(c.conn, ['web_chat']);
  const n = f.core.publish(0, 'web_chat', 'newMessage', '{"text":"it\'s"}', { conn: a.conn, userId: 0 });
  assert.equal(n, 1);
  assert.equal(a.link.frames.length, 1); // serverInfo only
  assert.equal(other.link.frames.length, 1);
  assert.equal(b.link.frames[1], `{"api_data":"for major_version < 4","data":"{\\"text\\":\\"it\\u0027s\\"}","event":"newMessage","event_name":"newMessage","message_send_time":${T},"pipe":"web_chat","user_id":0}`);
  const m = f.core.publish(0, 'web_chat', 'e', 'hello');
  assert.equal(m, 2);
  assert.equal(a.link.frames[1], `{"data":"hello","event":"e","message_send_time":${T},"pipe":"web_chat"}`);
});

test('track_ pipes announce subscription and unsubscription to the other members', async () => {
  const f = fixture();
  const b = await f.connect({ uuid: 'B'.repeat(32) });
  f.core.replaceSubscriptions(b.conn, ['track_t']);
  const a = await f.connect({ uuid: 'A'.repeat(32) });
  f.core.replaceSubscriptions(a.conn, ['track_t']);
  f.core.replaceSubscriptions(a.conn, ['track_t', 'web_y']); // re-subscription noise is kept
  f.core.close(a.conn);
  const events = b.link.parsed().slice(1).map((m) => m.event);
  assert.deepEqual(events, ['subscription', 'unsubscription', 'subscription', 'unsubscription']);
  assert.deepEqual(b.link.parsed()[1].data, { user_id: 0, uuid: 'A'.repeat(32) });
  assert.equal(a.link.parsed().filter((m) => m.pipe === 'track_t').length, 0);
});

test('presence: online once, offline after the last connection, users_time', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 3, 'h3');
  const watcher = await f.connect();
  f.core.replaceSubscriptions(watcher.conn, ['user_status_3']);
  assert.equal(f.core.userTime(0, 3), -1);
  const c1 = await f.connect({ user: 3, session: 'h3' });
  const c2 = await f.connect({ user: 3, session: 'h3' });
  assert.equal(f.core.userTime(0, 3), 0);
  f.core.close(c1.conn);
  f.clock.now = T + 10;
  f.core.close(c2.conn);
  assert.equal(f.core.userTime(0, 3), T + 10);
  assert.deepEqual(watcher.link.frames.slice(1), ['{"data":"online","event":"online","pipe":"user_status_3"}', '{"data":"offline","event":"offline","pipe":"user_status_3"}']);
  assert.ok(f.sink.ops.some((o) => o.op === 'userTime.put' && o.time === 0));
  assert.ok(f.sink.ops.some((o) => o.op === 'userTime.put' && o.time === T + 10));
});

test('the 17th connection of a user is authorized but gets no private messages', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 3, 'h3');
  const conns = [];
  for (let i = 0; i < 17; i++) conns.push(await f.connect({ user: 3, session: 'h3' }));
  assert.equal(conns[16].conn.authorized, true);
  const r = await f.core.sendToUser(0, 3, 'ev', 'x');
  assert.deepEqual(r, { delivered: 16, queued: false });
  assert.equal(conns[16].link.frames.length, 1);
  assert.equal(conns[0].link.frames[1], '{"data":"x","event":"ev","pipe":"msg"}');
});

test('offline queue: every message delivered in order on connect, then removed', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 5, 'h5');
  for (let i = 0; i < 60; i++) {
    f.clock.now = T + Math.floor(i / 7); // several per second: order must still hold
    const r = await f.core.sendToUser(0, 5, 'ev', `m${i}`);
    assert.equal(r.queued, true);
  }
  assert.equal(f.core.queued(0, 5).length, 60);
  const { link } = await f.connect({ user: 5, session: 'h5' });
  const msgs = link.parsed().slice(1);
  assert.equal(msgs.length, 60);
  assert.deepEqual(msgs.map((m) => m.data), Array.from({ length: 60 }, (_, i) => `m${i}`));
  assert.ok(msgs.every((m) => m.fromQueue === true && m.pipe === 'msg'));
  assert.equal(f.core.queued(0, 5).length, 0);
});

test('offline queue: a message not written stays queued', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 5, 'h5');
  await f.core.sendToUser(0, 5, 'ev', 'kept');
  const { link } = await f.connect({ user: 5, session: 'wrong' });
  assert.equal(link.frames.length, 1);
  assert.equal(f.core.queued(0, 5).length, 1);
});

test('offline queue bounds are enforced and reported', async () => {
  const f = fixture({ queue: { maxPerUser: 3, ttlSeconds: 100 } });
  for (let i = 0; i < 5; i++) await f.core.sendToUser(0, 9, 'e', `m${i}`);
  assert.deepEqual(f.core.queued(0, 9).map((r) => r.message), ['m2', 'm3', 'm4']);
  assert.equal(f.warnings.filter((w) => w.includes('cap reached')).length, 2);
  f.clock.now = T + 101;
  assert.equal(f.core.queued(0, 9).length, 0);
  assert.ok(f.warnings.some((w) => w.includes('expired')));
});

test('history: newest min(length,99) kept, oldest first; trust_ always kept; delete', async () => {
  const f = fixture();
  await f.core.setPipeHistoryLength(0, 'p10', 2);
  for (const m of ['a', 'b', 'c']) f.core.publish(0, 'p10', 'e', m);
  assert.deepEqual(f.core.pipeHistory(0, 'p10').map((r) => r.message), ['b', 'c']);
  for (let i = 0; i < 120; i++) f.core.publish(0, 'trust_x', '', `t${i}`);
  const trust = f.core.pipeHistory(0, 'trust_x');
  assert.equal(trust.length, 99);
  assert.equal(trust[0].message, 't21');
  assert.equal(trust[0].event, 'undefined');
  f.core.publish(0, 'nohistory', 'e', 'x');
  assert.equal(f.core.pipeHistory(0, 'nohistory').length, 0);
  await f.core.deletePipeSettings(0, 'p10');
  assert.equal(f.core.pipeHistory(0, 'p10').length, 0);
  assert.equal(f.core.history.settings.get(0, 'p10'), undefined);
});

test('history length clamp: >1000 and negative become 1000', async () => {
  const f = fixture();
  await f.core.setPipeHistoryLength(0, 'aaa', 5000);
  await f.core.setPipeHistoryLength(0, 'bbb', -1);
  assert.equal(f.core.history.settings.get(0, 'aaa'), 1000);
  assert.equal(f.core.history.settings.get(0, 'bbb'), 1000);
});

test('deleting an auth hash closes every connection of that user', async () => {
  const f = fixture();
  await f.core.setAuthHash(0, 4, 'h4');
  const a = await f.connect({ user: 4, session: 'h4' });
  const other = await f.connect();
  await f.core.deleteAuthHash(0, 4);
  assert.equal(a.link.closedReason, 'auth hash deleted');
  assert.equal(other.link.closedReason, null);
  assert.equal(f.core.connectionCount(0), 1);
});

test('load() restores state without writing', () => {
  const f = fixture();
  f.core.load({
    auth: [{ dev: 0, user: 1, hash: 'h' }],
    userData: [{ dev: 0, user: 1, data: 'd' }],
    revoked: [{ dev: 0, token: 't' }],
    pipeSettings: [{ dev: 0, pipe: 'ppp', length: 5 }],
    history: [{ dev: 0, row: { id: 'x', time: 1, pipe: 'ppp', event: 'e', message: 'm', userId: 0 } }],
    queue: [{ dev: 0, row: { id: 'q', time: 1, userId: 1, event: 'e', message: 'm' } }],
    userTime: [{ dev: 0, user: 1, time: 123 }, { dev: 0, user: 2, time: 0 }],
  });
  assert.equal(f.sink.ops.length, 0);
  assert.equal(f.core.auth.hashes.get(0, 1), 'h');
  assert.equal(f.core.pipeHistory(0, 'ppp').length, 1);
  assert.equal(f.core.queued(0, 1).length, 1);
  assert.equal(f.core.userTime(0, 1), 123);
  assert.equal(f.core.userTime(0, 2), -1); // a stored 0 is not trusted
});

test('a connection closed before open() is never registered', async () => {
  const f = fixture();
  const { Connection } = await import('../../src/core/connection.js');
  const { RecordingLink } = await import('../helpers/core-fixture.js');
  const link = new RecordingLink();
  const conn = new Connection(0, false, 'u', { userAgent: '', ip: '', origin: '', language: '' }, 0, link);
  f.core.close(conn);
  await f.core.open(conn, 0, '');
  assert.equal(f.core.connectionCount(), 0);
  assert.equal(link.frames.length, 0);
});
