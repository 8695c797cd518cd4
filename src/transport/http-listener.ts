// The browser-side listener on `[ws] ip:port`: node:http parses requests; WebSocket upgrades
// leave it for a raw socket + WsLink; plain routes per SERVER.md §3.9 and PROTOCOL.md §2.2;
// POST is the long-poll transport (ruling 7). One shared sweep timer per listener.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { Socket, AddressInfo } from 'node:net';
import type { Config } from '../config/config.js';
import type { CometCore } from '../core/comet.js';
import type { ListenerStats } from '../stats.js';
import { listenerRefusalLog, type Logger } from '../log.js';
import { ClientErrors } from '../errors.js';
import { handshakeError } from '../client-protocol/messages.js';
import { parseClientQuery, pollQueryOf, wsQueryOf } from '../client-protocol/url.js';
import { UncorkQueue, endSocket, type WsLink } from './ws-connection.js';
import { handleUpgrade, createWsServer, type UpgradeContext } from './ws-upgrade.js';
import { LingeringSockets } from './lingering.js';
import { BufferBudget } from './buffer-budget.js';
import { PollSessions } from './long-poll.js';
import type { PollLimits } from './poll-quota.js';
import { ListenerSweep } from './sweep.js';
import { isOriginAllowed } from './origin.js';
import { requestMeta } from './request-meta.js';
import { resolveStaticFile, serveStatic } from './static-files.js';
import { sendOptions, sendInfo, sendBanner, sendNotFound, sendFavicon, sendBadRequest } from './http-responses.js';

export interface HttpListener {
  readonly port: number;
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

/** Long-poll sessions when neither max_poll_sessions nor an open-file limit says how many. */
const DEFAULT_MAX_POLL_SESSIONS = 10_000;
/** Lines one long-poll session buffers from ordinary sends before its poller counts as gone. */
const MAX_POLL_BUFFERED_LINES = 5000;

/** Time allowed to receive a whole request (a long-poll body). */
const REQUEST_TIMEOUT_MS = 30_000;

export async function startHttpListener(opts: { config: Config; core: CometCore; stats: ListenerStats; log: Logger; maxConnections?: number }): Promise<HttpListener> {
  const { config, core, stats, log } = opts;
  const links = new Set<WsLink>();
  const lingering = new LingeringSockets();
  let sweep: ListenerSweep | undefined;
  const clock = () => sweep?.now() ?? Math.floor(Date.now() / 1000);
  const ctx: UpgradeContext = {
    core,
    stats,
    log,
    wss: createWsServer(config.ws),
    maxBufferedBytes: config.ws.maxBufferedBytes,
    now: clock,
    uncork: new UncorkQueue(),
    links,
    lingering,
    allowedOrigins: config.ws.allowedOrigins,
    devIndexSize: config.main.devIndexSize,
  };
  const polls = new PollSessions({ core, stats, log, holdSeconds: config.ws.longPollTimeout, limits: pollLimits(config, opts.maxConnections), now: clock });
  sweep = new ListenerSweep(config.ws, core, links, lingering, new BufferBudget(config.ws.maxBufferedBytesTotal, log), polls);

  const onRequest: RequestListener = (req, res) => {
    route(req, res).catch((err: unknown) => {
      log.error({ err: (err as Error).stack, url: safeUrl(req) }, 'error while answering a request');
      if (!res.headersSent) sendBadRequest(res, 'Internal error\n', 500);
      else res.destroy();
    });
  };
  // wss:// and https:// without a proxy when [ws] ssl_cert/ssl_key are set (read once, at startup).
  const tls = config.ws.tls;
  // Slow or silent clients cannot hold a socket open before their request is complete; Node checks
  // the deadlines on one shared interval (no per-connection timer).
  const serverOptions = { headersTimeout: config.ws.handshakeTimeout * 1000, requestTimeout: Math.max(REQUEST_TIMEOUT_MS, config.ws.handshakeTimeout * 1000), connectionsCheckingInterval: 1000 };
  const server = tls ? createTlsServer({ ...serverOptions, cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, onRequest) : createServer(serverOptions, onRequest);
  server.on('connection', () => stats.accepted++);
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    try {
      handleUpgrade(ctx, req, socket, head);
    } catch (err) {
      log.error({ err: (err as Error).stack }, 'error during a WebSocket upgrade');
      socket.destroy();
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    if (timedOut) log.info({ timeoutSeconds: config.ws.handshakeTimeout }, 'limit hit: request head not complete in time');
    // Ended, then destroyed once flushed or after a grace: a peer that never closes cannot keep the descriptor.
    if (socket.writable) endSocket(socket, lingering, clock(), timedOut ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    switch (req.method) {
      case 'OPTIONS':
        return sendOptions(res);
      case 'POST':
        return longPoll(req, res, url);
      case 'GET':
        break;
      default:
        return sendNotFound(res);
    }
    // A WebSocket path reached here without an Upgrade handshake: nothing usable to answer with.
    if (wsQueryOf(url) !== undefined) return sendBadRequest(res, 'A WebSocket request needs Upgrade: websocket and a Sec-WebSocket-Key header.\n');
    if (url === '/info' || url === '/comet-server/info') return sendInfo(res, config.main.nodeName);
    if (url === '/favicon.ico' || url === '/comet-server/favicon.ico') return sendFavicon(res);
    if (url === '/') return sendBanner(res);
    return serveStatic(res, resolveStaticFile(config.main.baseDir, url, config.contentTypes));
  }

  async function longPoll(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const query = pollQueryOf(url);
    if (query === undefined) return sendNotFound(res);
    const body = await readBody(req, config.ws.maxMessageSize);
    if (body === undefined) return sendBadRequest(res, 'Request body too large\n', 413);
    const parsed = parseClientQuery(query, config.main.devIndexSize);
    if (!parsed.ok) {
      const e = parsed.error;
      return sendBadRequest(res, handshakeError(e.text, e.code, core.now()).json(e.legacy));
    }
    const origin = req.headers.origin;
    if (!isOriginAllowed(config.ws.allowedOrigins, typeof origin === 'string' ? origin : undefined)) {
      return sendBadRequest(res, handshakeError(ClientErrors.badOrigin, 423, core.now()).json(parsed.params.legacy), 403);
    }
    await polls.poll(res, parsed.params, requestMeta(req), body);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ host: config.ws.ip, port: config.ws.port, backlog: config.ws.backlog }, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const refusals = listenerRefusalLog(log, 'ws');
  server.on('error', refusals.onError);
  server.on('drop', refusals.onDrop);
  if (opts.maxConnections !== undefined) server.maxConnections = opts.maxConnections;
  sweep.start();
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    port,
    stopAccepting(): Promise<void> {
      if (server.listening) {
        closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
      }
      return Promise.resolve();
    },
    async close(): Promise<void> {
      if (server.listening) closed = new Promise<void>((r) => server.close(() => r()));
      sweep!.stop();
      polls.closeAll();
      for (const link of [...links]) {
        link.socket.destroy();
        link.closed();
      }
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Long-poll bounds from [ws]; without max_poll_sessions, as many sessions as browser connections. */
function pollLimits(config: Config, maxConnections: number | undefined): PollLimits {
  const ws = config.ws;
  return {
    maxSessions: ws.maxPollSessions ?? maxConnections ?? DEFAULT_MAX_POLL_SESSIONS,
    maxSessionsPerIp: ws.maxPollSessionsPerIp,
    maxBufferedLines: MAX_POLL_BUFFERED_LINES,
    maxBufferedBytes: ws.maxBufferedBytes,
    maxTotalBufferedBytes: ws.maxPollBufferedBytes,
  };
}

/** Read a request body as UTF-8 text, at most `limit` bytes (undefined when larger). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolveBody, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) parts.push(chunk);
    });
    req.on('end', () => resolveBody(size > limit ? undefined : Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** The request path without client parameters, so session keys never reach the log. */
function safeUrl(req: IncomingMessage): string {
  const url = req.url ?? '';
  const i = url.indexOf('sesion=');
  return i === -1 ? url : `${url.slice(0, i)}…`;
}
