// At the open-file limit new connections are refused cleanly (the server keeps serving the ones
// it has and accepts again once descriptors are free), with one log line per interval, not one
// per refused connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startServer, sleep } from '../helpers/server.js';
import { CometClient } from '../helpers/comet-client.js';

function openRaw(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(null));
  });
}

test('EMFILE: refused cleanly, logged once per interval, service continues', async () => {
  const server = await startServer({ nofile: 120 });
  const sockets: Socket[] = [];
  try {
    const first = await CometClient.connect({ port: server.wsPort, devId: 0 });
    // Far more TCP connections than the daemon has descriptors for.
    for (let i = 0; i < 300; i++) {
      const s = await openRaw(server.wsPort);
      if (s) {
        s.on('error', () => undefined);
        sockets.push(s);
      }
    }
    await sleep(500);
    const warnings = server.logs.filter((l) => l.msg === 'connection limit reached: refusing new connections');
    assert.equal(warnings.length, 1, 'one line for the interval, not one per refused connection');
    assert.ok(Number(warnings[0].refused) >= 1);
    // The established client is still served.
    first.subscribe('web_fd');
    await first.sync();
    assert.equal(first.isOpen, true);
    assert.equal(server.proc.exitCode, null);
    // Free the descriptors: new browsers get in again.
    for (const s of sockets) s.destroy();
    sockets.length = 0;
    await sleep(300);
    const later = await CometClient.connect({ port: server.wsPort, devId: 0 });
    assert.equal(later.first.json.event, 'serverInfo');
    later.terminate();
    first.terminate();
  } finally {
    for (const s of sockets) s.destroy();
    assert.equal(await server.stop(), 0);
  }
});
