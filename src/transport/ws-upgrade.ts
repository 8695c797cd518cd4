// The WebSocket upgrade path: handshake checks in PROTOCOL.md §2.5's order, the exact 101, and
// handing the raw socket to a WsLink. After this only the socket and small objects remain.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Connection } from '../core/connection.js';
import { ClientErrors } from '../errors.js';
import { handshakeError } from '../client-protocol/messages.js';
import { parseClientQuery, wsQueryOf, MAX_SESSION_LENGTH } from '../client-protocol/url.js';
import { WsLink, destroyAfterFinish, type WsContext } from './ws-connection.js';
import { framedEnvelope } from './ws-sender.js';
import { usableKey, switchingProtocols, rawHttpResponse } from './ws-handshake.js';
import { isOriginAllowed } from './origin.js';
import { requestMeta } from './request-meta.js';
import { BANNER_HTML } from './http-responses.js';

export interface UpgradeContext extends WsContext {
  readonly allowedOrigins: readonly string[];
  readonly devIndexSize: number;
}

function ignoreError(): void {
  // The socket is on its way out; 'close' follows.
}

/** Complete the handshake, send one error frame, end TCP without a close frame (§2.5). */
function rejectAfterHandshake(ctx: UpgradeContext, socket: Socket, key: string, text: string, code: number, legacy: boolean): void {
  socket.write(switchingProtocols(key));
  socket.end(framedEnvelope(handshakeError(text, code, ctx.core.now()), legacy));
  socket.once('finish', destroyAfterFinish);
  ctx.log.debug({ code, ip: socket.remoteAddress }, 'handshake refused');
}

export function handleUpgrade(ctx: UpgradeContext, req: IncomingMessage, socket: Socket, head: Buffer): void {
  socket.on('error', ignoreError);
  const query = req.method === 'GET' ? wsQueryOf(req.url ?? '') : undefined;
  if (query === undefined) {
    socket.end(rawHttpResponse(404, 'Not Found', BANNER_HTML));
    socket.once('finish', destroyAfterFinish);
    return;
  }
  const key = usableKey(req.headers['sec-websocket-key']);
  if (key === undefined) {
    socket.end(rawHttpResponse(400, 'Bad Request', 'A WebSocket request needs a Sec-WebSocket-Key header.\n', 'text/plain; charset=UTF-8'));
    socket.once('finish', destroyAfterFinish);
    return;
  }
  const parsed = parseClientQuery(query, ctx.devIndexSize);
  if (!parsed.ok) return rejectAfterHandshake(ctx, socket, key, parsed.error.text, parsed.error.code, parsed.error.legacy);
  const p = parsed.params;
  const origin = req.headers.origin;
  if (!isOriginAllowed(ctx.allowedOrigins, typeof origin === 'string' ? origin : undefined)) {
    return rejectAfterHandshake(ctx, socket, key, ClientErrors.badOrigin, 423, p.legacy);
  }
  socket.removeListener('error', ignoreError);
  socket.setNoDelay(true);
  socket.write(switchingProtocols(key));
  const link = new WsLink(socket, ctx);
  const conn = new Connection(p.devId, p.legacy, p.uuid, requestMeta(req), ctx.core.now(), link);
  // Sessions beyond upstream's 600-byte window are "not authorized" (PROTOCOL.md §2.3.2).
  const tooLong = p.session.length > MAX_SESSION_LENGTH;
  void link.start(conn, tooLong ? 0 : p.userId, tooLong ? '' : p.session, head);
}
