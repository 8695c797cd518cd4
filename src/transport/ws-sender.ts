// Server -> client frames (PROTOCOL.md §2.6.1): FIN + text, unmasked, 7/16/64-bit lengths (never
// dropped above 65535). An Envelope is framed once per client-version class and cached in
// `Envelope.frames`, so a fan-out to N subscribers frames each class once.
import type { Envelope } from '../client-protocol/envelope.js';

const FIN_TEXT = 0x81;
const FIN_PING = 0x89;
const FIN_PONG = 0x8a;

/** Bytes of the header for a payload of `length` bytes. */
export function headerLength(length: number): number {
  return length < 126 ? 2 : length <= 0xffff ? 4 : 10;
}

/** Write the frame header at offset 0; returns the header length. */
function writeHeader(out: Buffer, first: number, length: number): number {
  out[0] = first;
  if (length < 126) {
    out[1] = length;
    return 2;
  }
  if (length <= 0xffff) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
    return 4;
  }
  out[1] = 127;
  out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
  out.writeUInt32BE(length >>> 0, 6);
  return 10;
}

/** One unmasked text frame holding `text` (header and payload in one Buffer: one write). */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const out = Buffer.allocUnsafe(headerLength(length) + length);
  const h = writeHeader(out, FIN_TEXT, length);
  out.write(text, h, 'utf8');
  return out;
}

/** A control frame (payload ≤ 125 bytes). */
function controlFrame(first: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + payload.length);
  out[0] = first;
  out[1] = payload.length;
  payload.copy(out, 2);
  return out;
}

/** The shared, empty-payload ping the sweep sends to idle connections. */
export const PING_FRAME: Buffer = controlFrame(FIN_PING, Buffer.alloc(0));

export function encodePong(payload: Buffer): Buffer {
  return controlFrame(FIN_PONG, payload);
}

/** The framed bytes of `msg` for one client class, built on first use and then shared. */
export function framedEnvelope(msg: Envelope, legacy: boolean): Buffer {
  const slot = legacy ? 1 : 0;
  const cached = msg.frames[slot];
  if (cached instanceof Buffer) return cached;
  const frame = encodeTextFrame(msg.json(legacy));
  msg.frames[slot] = frame;
  return frame;
}
