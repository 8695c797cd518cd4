// PROTOCOL.md §18 #34, #35 and the transport edges: unknown commands, framing robustness,
// message limits, close frames, pings, maxUptime — with raw sockets against the real daemon.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startE2E, RawWsSocket, clientFrame, randomUuid, type E2E } from '../helpers/comet-client.js';

let e: E2E;
before(async () => {
  e = await startE2E();
});
after(async () => {
  await e.stop();
});

const path = () => `/ws/sesion=x&myid=0&devid=1&v=4.08&uuid=${randomUuid()}&api=js`;
const text = (s: string) => clientFrame(1, Buffer.from(s));

async function opened(port = e.port): Promise<RawWsSocket> {
  const raw = await RawWsSocket.open(port, path());
  await raw.waitFrames(1);
  return raw;
}

test('#34 unknown command closes without a message; statistics is accepted silently', async () => {
  const a = await e.client({ session: 'x', userId: 0 });
  a.send('statistics\n{"url":"http://x","dev_id":"1","version":"4.08"}');
  await a.sync();
  assert.equal(a.frames.length, 2, 'serverInfo and the barrier reply only');
  a.send('hello');
  assert.equal(await a.waitClosed(), 1006);
  assert.equal(a.frames.length, 2, 'no message before the close');
  const raw = await opened();
  raw.write(text('web_pipe\nweb_x\n1')); // the legacy v1 command is unknown too
  await raw.waitEnded();
  assert.equal(raw.frames.length, 1);
  assert.equal(raw.sawCloseFrame, false);
});

test('#35 two commands in one TCP write are both processed', async () => {
  const raw = await opened();
  raw.write(Buffer.concat([text('subscription\nweb_two'), text('pipe_count\nweb_two\nm35\n')]));
  const reply = JSON.parse(await raw.text(1));
  assert.equal(reply.marker, 'm35');
  assert.equal(reply.data.user_in_pipe, 1);
  raw.destroy();
});

test('#35 one command split over 3 writes is processed once complete', async () => {
  const raw = await opened();
  const f = text('pipe_count\nweb_split\nm36\n');
  raw.write(f.subarray(0, 1));
  await new Promise((r) => setImmediate(r));
  raw.write(f.subarray(1, 9));
  await new Promise((r) => setImmediate(r));
  raw.write(f.subarray(9));
  assert.equal(JSON.parse(await raw.text(1)).marker, 'm36');
  raw.destroy();
});

test('#35 fragmented messages are reassembled (REC superset)', async () => {
  const raw = await opened();
  raw.write(clientFrame(1, Buffer.from('pipe_count\nweb_'), { fin: false }));
  raw.write(clientFrame(0, Buffer.from('frag\nm37'), { fin: false }));
  raw.write(clientFrame(0, Buffer.from('\n')));
  assert.equal(JSON.parse(await raw.text(1)).marker, 'm37');
  raw.destroy();
});

test('#35 payload above the limit closes the connection: 70 000 bytes with max_message_size = 65535', async () => {
  const small = await startE2E('[ws]\nmax_message_size = 65535\n');
  try {
    const raw = await opened(small.port);
    raw.write(text(`web_pipe2\nweb_huge\ne\n*\n${'h'.repeat(70000)}`));
    await raw.waitEnded();
    assert.equal(raw.frames.length, 1, 'no report, no error frame');
    assert.equal(raw.sawCloseFrame, false);
  } finally {
    await small.stop();
  }
});

test('#35 default limit (fragment_buf_max_size 103840): 70 000 bytes accepted, 110 000 closes', async () => {
  const raw = await opened();
  raw.write(text(`web_pipe2\nweb_huge\ne\n*\n${'h'.repeat(70000)}`));
  const report = JSON.parse(await raw.text(1));
  assert.equal(report.pipe, '_answer_to_web_huge');
  assert.equal(report.data.message.length, 70000);
  raw.write(text(`web_pipe2\nweb_huge\ne\n*\n${'h'.repeat(110000)}`));
  await raw.waitEnded();
  assert.equal(raw.frames.length, 2);
});

test('a client close frame ends TCP at once, never answered with a close frame (2.6.4)', async () => {
  const raw = await opened();
  raw.write(clientFrame(8, Buffer.from([0x03, 0xe8])));
  await raw.waitEnded();
  assert.equal(raw.sawCloseFrame, false);
  assert.equal(raw.frames.length, 1);
});

test('ping gets a pong; invalid UTF-8 closes only that connection; binary counts as text', async () => {
  const raw = await opened();
  raw.write(clientFrame(9, Buffer.from('p1')));
  await raw.waitFrames(2);
  assert.equal(raw.frames[1].opcode, 0x0a);
  assert.equal(raw.frames[1].payload.toString(), 'p1');
  raw.write(clientFrame(2, Buffer.from('pipe_count\nweb_bin\nm38\n')));
  assert.equal(JSON.parse(await raw.text(2)).marker, 'm38');
  const other = await e.client({ session: 'x', userId: 0 });
  raw.write(clientFrame(1, Buffer.from([0x70, 0xc3, 0x28])));
  await raw.waitEnded();
  assert.equal(raw.sawCloseFrame, false);
  await other.sync();
  assert.ok(other.isOpen);
  other.terminate();
});

test('maxUptime closes old connections through the normal path (offline event), pings idle ones', async () => {
  const s = await startE2E('[ws]\nuptimeTestInterval = 1\nmaxUptime = 2\nping_interval = 1\n');
  try {
    await s.q("INSERT INTO users_auth (id, hash) VALUES (61, 'hash61')");
    const raw = await RawWsSocket.open(s.port, `/ws/sesion=hash61&myid=61&devid=1&v=4.08&uuid=${randomUuid()}&api=js`);
    await raw.waitFrames(1);
    const watcher = await s.client({ session: 'x', userId: 0 });
    watcher.subscribe('user_status_61');
    await watcher.sync();
    await raw.waitFrames(2, 10000);
    assert.equal(raw.frames[1].opcode, 0x09, 'an idle connection is pinged');
    await raw.waitEnded(10000);
    assert.equal(raw.sawCloseFrame, false);
    // maxUptime may close the watcher right after; the event is written before that close.
    const offline = await watcher.waitFor((f) => f.json?.pipe === 'user_status_61', 'the offline event', 10000);
    assert.equal(offline.text, '{"data":"offline","event":"offline","pipe":"user_status_61"}');
  } finally {
    await s.stop();
  }
});
