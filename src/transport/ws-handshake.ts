// The WebSocket opening handshake checks of RFC 6455 §4.2.1, made before ws's handleUpgrade (ws
// itself accepts version 8), and the plain HTTP answers a WS path can get instead of a 101.
import { HandshakeErrors } from '../errors.js';

/** A request the handshake refuses: the status line and body of the plain HTTP answer. */
export interface HandshakeFault {
  readonly status: 400 | 426;
  readonly reason: string;
  readonly text: string;
  /** Extra response header lines (426 names the supported version). */
  readonly headers?: string;
}

/** What the checks read from an IncomingMessage. */
export interface HandshakeRequest {
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Base64 of 16 bytes: 22 characters and "==". */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

function bad(text: string): HandshakeFault {
  return { status: 400, reason: 'Bad Request', text };
}

/** True when the comma-separated header value lists `token` (case-insensitive). */
function hasToken(value: string | string[] | undefined, token: string): boolean {
  if (typeof value !== 'string') return false;
  for (const part of value.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** Why the request is not a valid version-13 handshake, or undefined when it is. */
export function handshakeFault(req: HandshakeRequest): HandshakeFault | undefined {
  if (req.httpVersionMajor < 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor < 1)) return bad(HandshakeErrors.httpVersion);
  const h = req.headers;
  if (!hasToken(h.upgrade, 'websocket') || !hasToken(h.connection, 'upgrade')) return bad(HandshakeErrors.upgradeHeader);
  const key = h['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY.test(key)) return bad(HandshakeErrors.key);
  const version = h['sec-websocket-version'];
  if (version === undefined) return bad(HandshakeErrors.noVersion);
  if (version !== '13') return { status: 426, reason: 'Upgrade Required', text: HandshakeErrors.version, headers: 'Sec-WebSocket-Version: 13\r\n' };
  return undefined;
}

/** A complete plain HTTP response for a socket taken over by the upgrade path (then closed). */
export function rawHttpResponse(status: number, reason: string, body: string, contentType = 'text/html; charset=UTF-8', headers = ''): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `Content-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Server: CppComet Server\r\n' +
    'Comet-Server: CppComet Server\r\n' +
    headers +
    'Connection: close\r\n' +
    '\r\n' +
    body
  );
}
