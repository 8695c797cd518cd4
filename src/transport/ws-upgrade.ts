// The WebSocket upgrade path: our checks in PROTOCOL.md §2.5's order (path, RFC 6455 handshake,
// URL parameters, Origin), then ws's handleUpgrade for the 101, then a WsLink. After this only
// ws's objects, the socket and small state objects remain.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type ServerOptions } from 'ws';
import { Connection } from '../core/connection.js';
import { ClientErrors } from '../errors.js';
import { handshakeError } from '../client-protocol/messages.js';
import { parseClientQuery, wsQueryOf, MAX_SESSION_LENGTH } from '../client-protocol/url.js';
import { CometWebSocket, WsLink, endSocket, type WsContext } from './ws-connection.js';
import { framedEnvelope } from './ws-frames.js';
import { handshakeFault, rawHttpResponse } from './ws-handshake.js';
import { isOriginAllowed } from './origin.js';
import { requestMeta } from './request-meta.js';
import { BANNER_HTML } from './http-responses.js';

export interface UpgradeContext extends WsContext {
  readonly wss: WebSocketServer;
  readonly allowedOrigins: readonly string[];
  readonly devIndexSize: number;
}

export interface WsServerLimits {
  /** Largest inbound message ([ws] max_message_size). */
  readonly maxMessageSize: number;
  /** Frames of one fragmented message ([ws] max_fragments). */
  readonly maxFragments: number;
  /** Socket reads buffered while a frame is incomplete ([ws] max_buffered_chunks). */
  readonly maxBufferedChunks: number;
}

/** ws's options that @types/ws does not describe yet (ws >= 8.21.1). */
interface FragmentOptions {
  readonly maxFragments: number;
  readonly maxBufferedChunks: number;
}

/** The 101 upstream sends names the version (PROTOCOL.md §2.4.1). */
function addVersionHeader(headers: string[]): void {
  headers.push('Sec-WebSocket-Version: 13');
}

/** No subprotocol is ever selected (docs/COMPATIBILITY.md B21). */
function noSubprotocol(): false {
  return false;
}

/** ws in no-server mode: we own the HTTP listener and call handleUpgrade after our own checks. */
export function createWsServer(limits: WsServerLimits): WebSocketServer {
  const options: ServerOptions & FragmentOptions = {
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: limits.maxMessageSize,
    maxFragments: limits.maxFragments,
    maxBufferedChunks: limits.maxBufferedChunks,
    handleProtocols: noSubprotocol,
    WebSocket: CometWebSocket,
  };
  const wss = new WebSocketServer(options);
  wss.on('headers', addVersionHeader);
  return wss;
}

function ignoreError(): void {
  // The socket is on its way out; 'close' follows.
}

const NO_HEAD = Buffer.alloc(0);

/** Complete the handshake, send one error frame, end TCP without a close frame (§2.5). */
function rejectAfterHandshake(ctx: UpgradeContext, req: IncomingMessage, socket: Socket, text: string, code: number, legacy: boolean): void {
  ctx.wss.handleUpgrade(req, socket, NO_HEAD, () => {
    endSocket(socket, ctx.lingering, ctx.now(), framedEnvelope(handshakeError(text, code, ctx.core.now()), legacy));
  });
  ctx.log.debug({ code, ip: socket.remoteAddress }, 'handshake refused');
}

function answerPlain(ctx: UpgradeContext, socket: Socket, response: string): void {
  endSocket(socket, ctx.lingering, ctx.now(), response);
}

export function handleUpgrade(ctx: UpgradeContext, req: IncomingMessage, socket: Socket, head: Buffer): void {
  socket.on('error', ignoreError);
  const query = req.method === 'GET' ? wsQueryOf(req.url ?? '') : undefined;
  if (query === undefined) return answerPlain(ctx, socket, rawHttpResponse(404, 'Not Found', BANNER_HTML));
  const fault = handshakeFault(req);
  if (fault) {
    ctx.log.debug({ status: fault.status, ip: socket.remoteAddress }, 'WebSocket handshake refused');
    return answerPlain(ctx, socket, rawHttpResponse(fault.status, fault.reason, fault.text, 'text/plain; charset=UTF-8', fault.headers));
  }
  const parsed = parseClientQuery(query, ctx.devIndexSize);
  if (!parsed.ok) return rejectAfterHandshake(ctx, req, socket, parsed.error.text, parsed.error.code, parsed.error.legacy);
  const p = parsed.params;
  const origin = req.headers.origin;
  if (!isOriginAllowed(ctx.allowedOrigins, typeof origin === 'string' ? origin : undefined)) {
    return rejectAfterHandshake(ctx, req, socket, ClientErrors.badOrigin, 423, p.legacy);
  }
  socket.removeListener('error', ignoreError);
  // `head` is handed over after the core registered the connection (WsLink.start).
  ctx.wss.handleUpgrade(req, socket, NO_HEAD, (ws) => {
    const link = new WsLink(ws as CometWebSocket, socket, ctx);
    const conn = new Connection(p.devId, p.legacy, p.uuid, requestMeta(req), ctx.core.now(), link);
    // Sessions beyond upstream's 600-byte window are "not authorized" (PROTOCOL.md §2.3.2).
    const tooLong = p.session.length > MAX_SESSION_LENGTH;
    void link.start(conn, tooLong ? 0 : p.userId, tooLong ? '' : p.session, head);
  });
}
