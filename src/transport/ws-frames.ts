// Server -> client frames (PROTOCOL.md §2.6.1), built with ws's own Sender.frame(): FIN + text,
// unmasked. An Envelope is framed once per client-version class and cached in `Envelope.frames`,
// so a fan-out to N subscribers frames each class once and writes one shared Buffer per socket.
import * as ws from 'ws';
import type { Envelope } from '../client-protocol/envelope.js';

interface FrameOptions {
  readonly fin: boolean;
  readonly opcode: number;
  readonly mask: boolean;
  readonly readOnly: boolean;
  readonly rsv1: boolean;
}

/** ws exports Sender at run time; @types/ws does not describe it. */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const OP_TEXT = 0x1;
const OP_PING = 0x9;

/** One complete unmasked frame (header and payload in one Buffer: one socket write). */
function frame(opcode: number, payload: Buffer): Buffer {
  const parts = Sender.frame(payload, { fin: true, opcode, mask: false, readOnly: false, rsv1: false });
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

export function encodeTextFrame(text: string): Buffer {
  return frame(OP_TEXT, Buffer.from(text, 'utf8'));
}

/** The shared, empty-payload ping the sweep sends to idle connections. */
export const PING_FRAME: Buffer = frame(OP_PING, Buffer.alloc(0));

/** The framed bytes of `msg` for one client class, built on first use and then shared. */
export function framedEnvelope(msg: Envelope, legacy: boolean): Buffer {
  const slot = legacy ? 1 : 0;
  const cached = msg.frames[slot];
  if (cached instanceof Buffer) return cached;
  const bytes = encodeTextFrame(msg.json(legacy));
  msg.frames[slot] = bytes;
  return bytes;
}
