// The WebSocket opening handshake (PROTOCOL.md §2.4.1): the exact 101 upstream sends, with no
// extensions and no subprotocol, and the plain HTTP answers a WS path can get instead.
import { createHash } from 'node:crypto';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Upstream accepts keys up to 50 bytes; a browser's key is 24. */
const MAX_KEY_LENGTH = 64;

export function acceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** The trimmed Sec-WebSocket-Key when it is usable, else undefined (the request gets a 400). */
export function usableKey(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const key = header.trim();
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[A-Za-z0-9+/=]+$/.test(key)) return undefined;
  return key;
}

export function switchingProtocols(key: string): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n` +
    'Sec-WebSocket-Version: 13\r\n' +
    '\r\n'
  );
}

/** A complete plain HTTP response for a socket taken over by the upgrade path (then closed). */
export function rawHttpResponse(status: number, reason: string, body: string, contentType = 'text/html; charset=UTF-8'): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    `Content-Type: ${contentType}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Server: CppComet Server\r\n' +
    'Comet-Server: CppComet Server\r\n' +
    'Connection: close\r\n' +
    '\r\n' +
    body
  );
}
