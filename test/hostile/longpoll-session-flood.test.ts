// Hostile long-poll clients (issue 9, defect 6): every POST with a new uuid opens a session, so
// sessions are capped per source address and in total, refused with 503 + Retry-After, logged,
// and a flood of such POSTs with ~15 KB session strings leaves the daemon's memory bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, sleep, type RunningServer } from '../helpers/server.js';
import { randomUuid } from '../helpers/comet-client.js';
import { httpRequest, pollLines, type HttpAnswer } from '../helpers/http-request.js';
import { rssBytes } from '../helpers/proc-stats.js';
import { HttpErrors } from '../../src/errors.js';

const pollPath = (uuid: string, session = 'x') => `/sesion=${session}&myid=0&devid=1&v=4.08&uuid=${uuid}&api=js`;

function openSession(server: RunningServer, localAddress: string, uuid = randomUuid()): Promise<HttpAnswer> {
  return httpRequest({ port: server.wsPort, path: pollPath(uuid), localAddress });
}

/** The first refusal line for `limit` (log lines arrive through a pipe: wait a bounded time). */
async function refusalLine(server: RunningServer, limit: string): Promise<Record<string, unknown> | undefined> {
  const find = () => server.logs.find((l) => l.msg === 'limit hit: long-poll session refused' && l.limit === limit);
  for (let i = 0; i < 100 && !find(); i++) await sleep(50);
  return find();
}

test('long-poll sessions: capped per source address and in total, 503 + Retry-After, logged; expired sessions make room', async () => {
  const server = await startServer({ ini: '[ws]\nlong_poll_timeout = 1\nmax_poll_sessions = 40\nmax_poll_sessions_per_ip = 16\n' });
  try {
    const kept = randomUuid();
    const local = await Promise.all([openSession(server, '127.0.0.1', kept), ...Array.from({ length: 15 }, () => openSession(server, '127.0.0.1'))]);
    for (const a of local) assert.deepEqual([a.status, pollLines(a.body)[0]?.event], [200, 'serverInfo']);
    // At the per-address cap: one more new session from that address is refused ...
    const over = await openSession(server, '127.0.0.1');
    assert.equal(over.status, 503);
    assert.equal(over.headers['retry-after'], '5', 'Retry-After = the session grace period, max(5, 2 x long_poll_timeout)');
    assert.equal(over.body, HttpErrors.pollSessionLimit);
    // ... while an existing session keeps polling (held for long_poll_timeout, then an empty 200).
    const again = await httpRequest({ port: server.wsPort, path: pollPath(kept), localAddress: '127.0.0.1' });
    assert.deepEqual([again.status, again.body], [200, '']);
    // Other addresses fill the global cap of 40; the 41st session is refused whatever its address.
    const others = await Promise.all([...Array.from({ length: 16 }, () => openSession(server, '127.0.0.2')), ...Array.from({ length: 8 }, () => openSession(server, '127.0.0.3'))]);
    assert.deepEqual(others.map((a) => a.status), Array(24).fill(200));
    const full = await openSession(server, '127.0.0.4');
    assert.equal(full.status, 503);
    assert.equal(full.headers['retry-after'], '5');
    assert.equal((await refusalLine(server, 'max_poll_sessions_per_ip'))?.max, 16);
    assert.equal((await refusalLine(server, 'max_poll_sessions'))?.max, 40);
    // Sessions nobody polls expire after the grace period; then new ones are admitted again.
    let later: HttpAnswer = full;
    for (let i = 0; i < 30 && later.status === 503; i++) {
      await sleep(500);
      later = await openSession(server, '127.0.0.4');
    }
    assert.equal(later.status, 200, 'a new session is admitted once expired ones left');
  } finally {
    await server.stop();
  }
});

const FLOOD_POSTS = 20_000;
const FLOOD_CONCURRENCY = 32;
const SESSION_BYTES = 15_000;
/** Far below what 20,000 retained sessions with 15 KB keys cost (> 300 MB), far above the noise. */
const RSS_GROWTH_BOUND = 96 * 1024 * 1024;

test(`long-poll flood: ${FLOOD_POSTS} POSTs with new uuids and 15 KB session strings; sessions capped, RSS bounded`, async (t) => {
  const server = await startServer();
  try {
    const session = 's'.repeat(SESSION_BYTES);
    const statuses = new Map<number, number>();
    let sent = 0;
    // Warm up (JIT, buffers) before the baseline, so the bound measures retained memory only.
    for (let i = 0; i < 50; i++) await httpRequest({ port: server.wsPort, path: pollPath(randomUuid(), session), localAddress: '127.0.0.9' });
    const before = rssBytes(server.proc.pid!);
    let peak = before;
    const worker = async () => {
      while (sent < FLOOD_POSTS) {
        sent++;
        const a = await httpRequest({ port: server.wsPort, path: pollPath(randomUuid(), session) });
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (sent % 1000 === 0) peak = Math.max(peak, rssBytes(server.proc.pid!));
      }
    };
    await Promise.all(Array.from({ length: FLOOD_CONCURRENCY }, worker));
    peak = Math.max(peak, rssBytes(server.proc.pid!));
    t.diagnostic(`RSS growth during the flood: ${Math.round((peak - before) / 1048576)} MiB`);
    assert.ok(peak - before < RSS_GROWTH_BOUND, `RSS grew by ${Math.round((peak - before) / 1048576)} MiB (bound ${RSS_GROWTH_BOUND / 1048576} MiB)`);
    assert.equal(statuses.get(200), 256, 'the default [ws] max_poll_sessions_per_ip admitted');
    assert.equal(statuses.get(503), FLOOD_POSTS - 256, 'every other new session refused');
    assert.ok(await refusalLine(server, 'max_poll_sessions_per_ip'), 'the refusals were logged');
  } finally {
    await server.stop();
  }
});
