// RFC 6455 frame parser for client -> server frames, an explicit state machine over a byte stream
// (after the `ws` package's receiver). Pure: no sockets; results go to a FrameSink. Idle cost is
// a handful of fields — no buffers are kept between frames.
import { isUtf8 } from 'node:buffer';

/** Stable error codes: the connection maps every one of them to "end the TCP connection". */
export type WsErrorCode =
  | 'WS_ERR_UNEXPECTED_RSV'
  | 'WS_ERR_INVALID_OPCODE'
  | 'WS_ERR_EXPECTED_MASK'
  | 'WS_ERR_FRAGMENTED_CONTROL'
  | 'WS_ERR_CONTROL_TOO_LONG'
  | 'WS_ERR_UNEXPECTED_CONTINUATION'
  | 'WS_ERR_EXPECTED_CONTINUATION'
  | 'WS_ERR_PAYLOAD_TOO_BIG'
  | 'WS_ERR_INVALID_UTF8';

export class WsProtocolError extends Error {
  constructor(readonly code: WsErrorCode, message: string) {
    super(message);
  }
}

export interface FrameSink {
  /** A complete text (or binary, treated as text) message. */
  onMessage(text: string): void;
  onPing(payload: Buffer): void;
  /** The client sent a close frame: end TCP at once, never answer it (PROTOCOL.md §2.6.4). */
  onCloseFrame(): void;
  onProtocolError(err: WsProtocolError): void;
}

const enum State {
  Info,
  Length16,
  Length64,
  Mask,
  Data,
  Dead,
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

export class WsReceiver {
  private state = State.Info;
  /** Unconsumed input chunks (null while nothing is pending). */
  private chunks: Buffer[] | null = null;
  private buffered = 0;
  private fin = false;
  private opcode = 0;
  private payloadLength = 0;
  private mask: Buffer | null = null;
  /** Data frames of a fragmented message so far (null when not inside one). */
  private fragments: Buffer[] | null = null;
  private fragmentBytes = 0;

  constructor(private readonly maxMessageSize: number) {}

  /** True once a close frame or a protocol error ended parsing; later input is ignored. */
  get dead(): boolean {
    return this.state === State.Dead;
  }

  push(chunk: Buffer, sink: FrameSink): void {
    if (this.state === State.Dead || chunk.length === 0) return;
    if (this.chunks === null) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.run(sink);
    } catch (err) {
      if (!(err instanceof WsProtocolError)) throw err;
      this.kill();
      sink.onProtocolError(err);
    }
  }

  private kill(): void {
    this.state = State.Dead;
    this.chunks = null;
    this.fragments = null;
    this.mask = null;
    this.buffered = 0;
  }

  private run(sink: FrameSink): void {
    for (;;) {
      switch (this.state) {
        case State.Info:
          if (this.buffered < 2) return;
          this.readInfo();
          break;
        case State.Length16:
          if (this.buffered < 2) return;
          this.payloadLength = this.take(2).readUInt16BE(0);
          this.checkLength();
          this.state = State.Mask;
          break;
        case State.Length64: {
          if (this.buffered < 8) return;
          const b = this.take(8);
          const high = b.readUInt32BE(0);
          // Anything at or above 2^32 is far beyond every limit; avoid precision games.
          if (high !== 0) throw new WsProtocolError('WS_ERR_PAYLOAD_TOO_BIG', 'payload length too big');
          this.payloadLength = b.readUInt32BE(4);
          this.checkLength();
          this.state = State.Mask;
          break;
        }
        case State.Mask:
          if (this.buffered < 4) return;
          this.mask = this.take(4);
          this.state = State.Data;
          break;
        case State.Data: {
          if (this.buffered < this.payloadLength) return;
          const data = this.payloadLength === 0 ? EMPTY : this.take(this.payloadLength);
          unmask(data, this.mask!);
          this.mask = null;
          this.state = State.Info;
          if (this.chunks !== null && this.buffered === 0) this.chunks = null;
          this.frame(data, sink);
          if ((this.state as State) === State.Dead) return; // the frame ended parsing
          break;
        }
        case State.Dead:
          return;
      }
    }
  }

  private readInfo(): void {
    const b = this.take(2);
    const b0 = b[0];
    const b1 = b[1];
    if ((b0 & 0x70) !== 0) throw new WsProtocolError('WS_ERR_UNEXPECTED_RSV', 'RSV bits set without an extension');
    this.fin = (b0 & 0x80) !== 0;
    this.opcode = b0 & 0x0f;
    if ((b1 & 0x80) === 0) throw new WsProtocolError('WS_ERR_EXPECTED_MASK', 'client frames must be masked');
    const len = b1 & 0x7f;
    const op = this.opcode;
    if (op >= OP_CLOSE) {
      if (op !== OP_CLOSE && op !== OP_PING && op !== OP_PONG) throw new WsProtocolError('WS_ERR_INVALID_OPCODE', `invalid opcode ${op}`);
      if (!this.fin) throw new WsProtocolError('WS_ERR_FRAGMENTED_CONTROL', 'fragmented control frame');
      if (len > 125) throw new WsProtocolError('WS_ERR_CONTROL_TOO_LONG', 'control frame payload too long');
    } else if (op === OP_CONTINUATION) {
      if (this.fragments === null) throw new WsProtocolError('WS_ERR_UNEXPECTED_CONTINUATION', 'continuation without a started message');
    } else if (op === OP_TEXT || op === OP_BINARY) {
      if (this.fragments !== null) throw new WsProtocolError('WS_ERR_EXPECTED_CONTINUATION', 'new message inside a fragmented one');
    } else {
      throw new WsProtocolError('WS_ERR_INVALID_OPCODE', `invalid opcode ${op}`);
    }
    if (len === 126) this.state = State.Length16;
    else if (len === 127) this.state = State.Length64;
    else {
      this.payloadLength = len;
      this.checkLength();
      this.state = State.Mask;
    }
  }

  /** Data frames count towards the message limit, fragments included. */
  private checkLength(): void {
    if (this.opcode >= OP_CLOSE) return;
    if (this.fragmentBytes + this.payloadLength > this.maxMessageSize) throw new WsProtocolError('WS_ERR_PAYLOAD_TOO_BIG', 'message larger than the limit');
  }

  private frame(data: Buffer, sink: FrameSink): void {
    switch (this.opcode) {
      case OP_CLOSE:
        this.kill();
        sink.onCloseFrame();
        return;
      case OP_PING:
        sink.onPing(data);
        return;
      case OP_PONG:
        return;
    }
    if (!this.fin) {
      // Copy: `data` may be a view into a chunk that is reused by the next read.
      if (this.fragments === null) this.fragments = [];
      this.fragments.push(Buffer.from(data));
      this.fragmentBytes += data.length;
      return;
    }
    let message = data;
    if (this.fragments !== null) {
      this.fragments.push(data);
      message = Buffer.concat(this.fragments, this.fragmentBytes + data.length);
      this.fragments = null;
      this.fragmentBytes = 0;
    }
    if (!isUtf8(message)) throw new WsProtocolError('WS_ERR_INVALID_UTF8', 'invalid UTF-8 in a text message');
    sink.onMessage(message.toString('utf8'));
  }

  /** Remove and return the next n bytes (a view when they sit in one chunk). */
  private take(n: number): Buffer {
    const chunks = this.chunks!;
    this.buffered -= n;
    const first = chunks[0];
    if (first.length > n) {
      chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    if (first.length === n) {
      chunks.shift();
      return first;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = chunks[0];
      const need = n - off;
      if (c.length <= need) {
        c.copy(out, off);
        off += c.length;
        chunks.shift();
      } else {
        c.copy(out, off, 0, need);
        chunks[0] = c.subarray(need);
        off += need;
      }
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);

/** XOR the payload with the 4-byte mask, in place. */
export function unmask(data: Buffer, mask: Buffer): void {
  const n = data.length;
  for (let i = 0; i < n; i++) data[i] ^= mask[i & 3];
}
