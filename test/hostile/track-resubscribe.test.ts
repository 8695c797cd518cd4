// Issue 9 #9: one connection re-subscribing 2 000 times to a track_ pipe with 200 members causes
// at most [ws] subscription_rate changes per second; others are served meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, randomUuid, randomMarker, type E2E, type CometClient } from '../helpers/comet-client.js';

const RATE = 10;
const MEMBERS = 200;
let e: E2E;
before(async () => {
  e = await startE2E(`[ws]\nsubscription_rate = ${RATE}\n`);
});
after(async () => {
  await e.stop();
});

/** pipe_count of `pipe` as this client sees it. */
async function pipeCount(c: CometClient, pipe: string): Promise<number> {
  const marker = randomMarker();
  c.send(`pipe_count\n${pipe}\n${marker}\n`);
  const f = await c.waitFor((x) => x.json?.marker === marker, 'pipe_count answer');
  return Number(f.json.data.user_in_pipe);
}

test('track_ re-subscription storm: announcements bounded by the rate, final list applied, others served', async () => {
  const members: CometClient[] = [];
  for (let i = 0; i < MEMBERS; i += 50) members.push(...(await Promise.all(Array.from({ length: 50 }, () => e.client({})))));
  for (const m of members) m.subscribe('track_storm');
  const watched = [members[0]!, members[99]!, members[MEMBERS - 1]!];
  await Promise.all(watched.map((m) => m.sync()));
  const bystander = await e.client({});
  bystander.subscribe('web_bystander');
  await bystander.sync();

  const uuid = randomUuid();
  const storm = await e.client({ uuid });
  const started = Date.now();
  for (let i = 0; i < 2000; i++) storm.subscribe('track_storm');
  storm.subscribe('track_storm', 'web_storm_done');
  await e.q("INSERT INTO pipes_messages (name, event, message) VALUES ('web_bystander', 'ev', 'served')");
  await bystander.waitPipe('web_bystander', 'ev');
  let done = false;
  for (let i = 0; i < 50 && !done; i++) {
    done = (await pipeCount(bystander, 'web_storm_done')) === 1;
    if (!done) await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(done, 'the final list was applied');
  const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
  assert.equal(await pipeCount(bystander, 'track_storm'), MEMBERS + 1);
  await Promise.all(watched.map((m) => m.sync()));
  for (const m of watched) {
    const events = m.onPipe('track_storm').filter((f) => f.json?.data?.uuid === uuid);
    assert.ok(events.length <= 2 * RATE * seconds, `${events.length} announcements in ${seconds} s`);
    assert.equal(events.at(-1)?.json.event, 'subscription');
  }
});
