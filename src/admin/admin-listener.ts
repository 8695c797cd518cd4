// The admin HTTP listener: GET /metrics (Prometheus text), /health (liveness), /ready (storage
// reachable). Bound to loopback by default; never on the browser port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import type { Metrics } from './metrics.js';

export interface AdminListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface AdminOptions {
  readonly ip: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** Resolves true when the store answers right now. */
  readonly ready: () => Promise<boolean>;
  readonly log: Logger;
}

export async function startAdminListener(opts: AdminOptions): Promise<AdminListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (path === '/health') return send(200, 'application/json', '{"status":"ok"}\n');
    if (path === '/ready') {
      opts.ready().then(
        (ok) => send(ok ? 200 : 503, 'application/json', ok ? '{"status":"ready"}\n' : '{"status":"storage unreachable"}\n'),
        () => send(503, 'application/json', '{"status":"storage unreachable"}\n'),
      );
      return;
    }
    if (path === '/metrics') {
      opts.metrics.registry.metrics().then(
        (text) => send(200, opts.metrics.registry.contentType, text),
        (err: Error) => send(500, 'text/plain', `${err.message}\n`),
      );
      return;
    }
    send(404, 'text/plain', 'not found\n');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.ip, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ ip: opts.ip, port }, 'admin listener started');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
