// Issue 9, defect 2 (long-poll side): 1,000 queued private messages of ~8.8 KB each, flushed when
// the user connects over long-poll, arrive over successive polls in order, exactly once; a row is
// deleted only once the answer holding it was written, so a session that expires mid-flush leaves
// the rest queued for the next one. Needs the core's paced flush (CometCore.flushQueue via sendBulk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connection } from 'mysql2/promise';
import { startServer, sleep, type RunningServer } from '../helpers/server.js';
import { openCometql, randomUuid } from '../helpers/comet-client.js';
import { httpRequest, pollLines } from '../helpers/http-request.js';

const QUEUED = 1000;
const BODY = 'x'.repeat(8800);
const label = (i: number) => `m${String(i).padStart(4, '0')}`;

async function queueMessages(sql: Connection, user: number): Promise<void> {
  await sql.query(`INSERT INTO users_auth (id, hash) VALUES (${user}, 'lphash${user}')`);
  for (let i = 0; i < QUEUED; i++) await sql.query(`INSERT INTO users_messages (id, event, message) VALUES (${user}, 'q', '${label(i)}${BODY}')`);
}

/** Poll as `user` until `want` private messages arrived (bounded); returns their labels and the poll count. */
async function pollMessages(server: RunningServer, user: number, uuid: string, want: number, onFirst?: () => Promise<void>): Promise<{ got: string[]; polls: number }> {
  const path = `/sesion=lphash${user}&myid=${user}&devid=1&v=4.08&uuid=${uuid}&api=js`;
  const got: string[] = [];
  let polls = 0;
  while (got.length < want && polls < 100) {
    const a = await httpRequest({ port: server.wsPort, path });
    assert.equal(a.status, 200);
    polls++;
    for (const line of pollLines(a.body)) if (line.pipe === 'msg') got.push(String(line.data).slice(0, 5));
    if (polls === 1 && onFirst) await onFirst();
  }
  return { got, polls };
}

test('offline-queue flush over long-poll: 1000 x 8.8 KB arrive over successive polls, in order, exactly once; sends meanwhile come after', async () => {
  const server = await startServer({ ini: '[ws]\nlong_poll_timeout = 2\n' });
  const sql = await openCometql(server.cometqlPort, 1);
  try {
    await queueMessages(sql, 77);
    const late = async () => {
      await sql.query("INSERT INTO users_messages (id, event, message) VALUES (77, 'late', 'lateX')");
    };
    const { got, polls } = await pollMessages(server, 77, randomUuid(), QUEUED + 1, late);
    assert.deepEqual(got, [...Array.from({ length: QUEUED }, (_, i) => label(i)), 'lateX']);
    assert.ok(polls > 1, 'the flush travelled over several polls');
    const [rows] = await sql.query('SELECT id FROM users_messages WHERE id = 77');
    assert.deepEqual(rows, [], 'every delivered row was deleted');
  } finally {
    await sql.end();
    await server.stop();
  }
});

test('offline-queue flush over long-poll: a session that expires mid-flush leaves the rest queued for the next session', async () => {
  const server = await startServer({ ini: '[ws]\nlong_poll_timeout = 1\n' });
  const sql = await openCometql(server.cometqlPort, 1);
  try {
    await queueMessages(sql, 78);
    const first = await pollMessages(server, 78, randomUuid(), 1);
    assert.ok(first.got.length > 0 && first.got.length < QUEUED, 'the first answer carries part of the queue');
    // Stop polling: the session expires after the grace period and the user goes offline.
    let time = '0';
    for (let i = 0; i < 60 && time === '0'; i++) {
      await sleep(250);
      const [t] = await sql.query('SELECT * FROM users_time WHERE id IN (78)');
      time = String((t as Array<{ time: string }>)[0]?.time);
    }
    assert.notEqual(time, '0', 'the session expired');
    const [left] = await sql.query('SELECT id FROM users_messages WHERE id = 78');
    assert.ok((left as unknown[]).length > 0, 'the unwritten rows are still queued');
    const rest = await pollMessages(server, 78, randomUuid(), QUEUED - first.got.length);
    assert.deepEqual([...first.got, ...rest.got], Array.from({ length: QUEUED }, (_, i) => label(i)));
  } finally {
    await sql.end();
    await server.stop();
  }
});
