// The physical limit: the least a Node WebSocket push server can do. Accepts any connection with
// the `ws` library, greets it with one frame, and broadcasts each POST /broadcast body to everyone.
// Prints {"msg":"ready","wsPort":N,"httpPort":M} like the daemon, so one launcher serves both.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const BACKLOG = 1024;
const GREETING = `{"authorized":false,"data":"","event":"serverInfo","message_send_time":${Math.floor(Date.now() / 1000)},"pipe":"sys","server":"bare-ws"}`;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: BACKLOG, perMessageDeflate: false, clientTracking: true });

let acceptErrors = 0;
// EMFILE at the open-file limit: keep serving the connections already open, like a real server.
wss.on('error', (err: NodeJS.ErrnoException) => {
  if (acceptErrors++ === 0) process.stderr.write(`bare-ws: ${err.code ?? err.message}\n`);
});

wss.on('connection', (ws) => {
  ws.on('error', () => ws.terminate());
  ws.send(GREETING);
});

function broadcast(frame: Buffer): number {
  let n = 0;
  for (const client of wss.clients) {
    if (client.readyState !== WebSocket.OPEN) continue;
    client.send(frame, { binary: false });
    n++;
  }
  return n;
}

const trigger = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const n = broadcast(Buffer.concat(chunks));
    res.writeHead(200, { 'content-type': 'text/plain' }).end(String(n));
  });
});

let ports = 0;
const announce = () => {
  if (++ports < 2) return;
  const wsPort = (wss.address() as AddressInfo).port;
  const httpPort = (trigger.address() as AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ msg: 'ready', wsPort, httpPort })}\n`);
};
wss.on('listening', announce);
trigger.listen(0, '127.0.0.1', announce);

const stop = () => {
  for (const c of wss.clients) c.terminate();
  wss.close();
  trigger.close();
  setImmediate(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
