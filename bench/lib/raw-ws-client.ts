// A minimal WebSocket client over a raw TCP socket, for load generation: on a 2-core machine the
// subscribers' CPU competes with the server's, and this client costs a fraction of the `ws` one.
// It sends the upgrade request a browser sends, masks what it sends, and parses unmasked,
// unfragmented server frames (both servers under test send only those); pings are answered.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HANDSHAKE_BYTES = 16_384;

export interface RawWsOptions {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly localAddress: string;
  readonly timeoutMs: number;
}

export interface RawWsHandlers {
  /** A complete text/binary message; `payload` is only valid during the call. */
  onMessage(payload: Buffer): void;
  /** The socket is gone (error, server close, or ours); `error` set when it never opened. */
  onClose(error: string | undefined): void;
}

/** Build a client frame: FIN, opcode, mask bit and a masked payload (RFC 6455 5.3). */
export function encodeClientFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const headerLen = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLen + 4 + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) frame[1] = 0x80 | len;
  else if (len < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, headerLen);
  for (let i = 0; i < len; i++) frame[headerLen + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

export class RawWsClient {
  private readonly socket: Socket;
  private handshakeDone = false;
  private pending: Buffer | undefined;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  constructor(opts: RawWsOptions, private readonly handlers: RawWsHandlers) {
    this.socket = connect({ host: opts.host, port: opts.port, localAddress: opts.localAddress, noDelay: true });
    this.timer = setTimeout(() => this.fail('HANDSHAKE_TIMEOUT'), opts.timeoutMs);
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${opts.path} HTTP/1.1\r\nHost: ${opts.host}:${opts.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Origin: http://${opts.host}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`,
      );
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(err.code ?? err.message.slice(0, 40)));
    this.socket.on('close', () => this.fail(this.handshakeDone ? undefined : 'CLOSED_DURING_HANDSHAKE'));
  }

  send(text: string): void {
    if (!this.closed) this.socket.write(encodeClientFrame(OPCODE_TEXT, Buffer.from(text)));
  }

  /** Drop the connection without a close frame (what a browser tab crash does). */
  destroy(): void {
    this.fail(undefined);
  }

  private fail(error: string | undefined): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.socket.destroy();
    this.handlers.onClose(error);
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (!this.handshakeDone) {
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length > MAX_HANDSHAKE_BYTES) return this.fail('HANDSHAKE_TOO_LONG');
        this.pending = buf;
        return;
      }
      if (buf.toString('latin1', 0, 12) !== 'HTTP/1.1 101') return this.fail(`HTTP_${buf.toString('latin1', 9, 12)}`);
      this.handshakeDone = true;
      clearTimeout(this.timer);
      buf = buf.subarray(end + 4);
    }
    this.parseFrames(buf);
  }

  private parseFrames(buf: Buffer): void {
    let offset = 0;
    while (!this.closed && buf.length - offset >= 2) {
      const opcode = buf[offset]! & 0x0f;
      let len = buf[offset + 1]! & 0x7f;
      let header = 2;
      if (len === 126) {
        if (buf.length - offset < 4) break;
        len = buf.readUInt16BE(offset + 2);
        header = 4;
      } else if (len === 127) {
        if (buf.length - offset < 10) break;
        len = Number(buf.readBigUInt64BE(offset + 2));
        header = 10;
      }
      if (buf.length - offset < header + len) break;
      const payload = buf.subarray(offset + header, offset + header + len);
      offset += header + len;
      if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) this.handlers.onMessage(payload);
      else if (opcode === OPCODE_PING) this.socket.write(encodeClientFrame(0xa, payload));
      else if (opcode === OPCODE_CLOSE) this.fail(undefined);
    }
    // Copy the tail so a large chunk is not retained for a few bytes.
    if (offset < buf.length && !this.closed) this.pending = Buffer.from(buf.subarray(offset));
  }
}
