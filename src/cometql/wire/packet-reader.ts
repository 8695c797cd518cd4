// Stream in, complete packets out: cuts the byte stream into MySQL packets, in order, joining
// split reads and multi-packet payloads (a 0xffffff-byte packet continues in the next one).
import { MAX_PACKET_PAYLOAD } from './constants.js';
import { WireError } from './wire-error.js';

export interface Packet {
  /** Sequence id of the last physical packet of this payload (the answer continues from it + 1). */
  readonly sequenceId: number;
  readonly payload: Buffer;
}

export interface PacketReaderOptions {
  /** Largest accepted payload (after joining continuation packets), in bytes. */
  readonly maxPacketSize: number;
}

export interface PacketReadResult {
  readonly packets: Packet[];
  /** Set once the stream is unusable (oversize packet); the reader then stays failed. */
  readonly error: WireError | null;
}

const HEADER_SIZE = 4;

export class PacketReader {
  private maxPacketSize: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Fragments of a multi-packet payload received so far. */
  private fragments: Buffer[] = [];
  private fragmentsLength = 0;
  private failure: WireError | null = null;

  constructor(options: PacketReaderOptions) {
    this.maxPacketSize = Math.max(1, Math.floor(options.maxPacketSize));
  }

  /** Change the bound for the packets still to come (the small login bound is lifted after login). */
  setMaxPacketSize(maxPacketSize: number): void {
    this.maxPacketSize = Math.max(1, Math.floor(maxPacketSize));
  }

  /** Bytes held while waiting for the rest of a packet. */
  get pendingBytes(): number {
    return this.buffered + this.fragmentsLength;
  }

  /**
   * Remove and return the bytes not yet cut into packets (a TLS ClientHello that arrived right
   * behind an SSLRequest), so the caller can hand them to the TLS layer.
   */
  takeBuffered(): Buffer {
    const out = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    return out;
  }

  /** `maxPackets`: cut at most this many; the rest stays buffered (a ClientHello behind an SSLRequest is not a packet). */
  push(chunk: Buffer, maxPackets = Infinity): PacketReadResult {
    const packets: Packet[] = [];
    if (this.failure) return { packets, error: this.failure };
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    while (this.buffered >= HEADER_SIZE && packets.length < maxPackets) {
      const length = this.byteAt(0) | (this.byteAt(1) << 8) | (this.byteAt(2) << 16);
      const sequenceId = this.byteAt(3);
      if (this.fragmentsLength + length > this.maxPacketSize) {
        // Wait for the command byte so the caller can choose its answer (ERR 11 for a query).
        if (this.fragments.length === 0 && this.buffered < HEADER_SIZE + 1) break;
        const command = this.fragments.length > 0 ? this.fragments[0][0] : this.byteAt(HEADER_SIZE);
        this.fail(new WireError('CQL_ERR_PACKET_TOO_LARGE', `packet of more than ${this.maxPacketSize} bytes`, sequenceId, command));
        return { packets, error: this.failure };
      }
      if (this.buffered < HEADER_SIZE + length) break;
      this.take(HEADER_SIZE);
      const body = this.take(length);
      if (length === MAX_PACKET_PAYLOAD) {
        this.fragments.push(body);
        this.fragmentsLength += length;
        continue;
      }
      let payload = body;
      if (this.fragments.length > 0) {
        this.fragments.push(body);
        payload = Buffer.concat(this.fragments, this.fragmentsLength + length);
        this.fragments = [];
        this.fragmentsLength = 0;
      }
      packets.push({ sequenceId, payload });
    }
    return { packets, error: null };
  }

  private fail(error: WireError): void {
    this.failure = error;
    this.chunks = [];
    this.buffered = 0;
    this.fragments = [];
    this.fragmentsLength = 0;
  }

  private byteAt(index: number): number {
    for (const c of this.chunks) {
      if (index < c.length) return c[index];
      index -= c.length;
    }
    return 0;
  }

  /** Remove and return the first n buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0];
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const part = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, part);
      filled += part;
      if (part === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    this.buffered -= n;
    return out;
  }
}
