// A bounds-checked reader over one packet payload: every read either fits or throws WireError.
import { readLenencInt } from './lenenc.js';
import { WireError } from './wire-error.js';

export class PayloadCursor {
  constructor(
    readonly buf: Buffer,
    public offset = 0,
  ) {}

  get remaining(): number {
    return Math.max(0, this.buf.length - this.offset);
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new WireError('CQL_ERR_TRUNCATED', `${what}: needs ${n} bytes, ${this.remaining} left`);
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.buf[this.offset++];
  }

  i8(): number {
    this.need(1, 'i8');
    return this.buf.readInt8(this.offset++);
  }

  u16(): number {
    this.need(2, 'u16');
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  i16(): number {
    this.need(2, 'i16');
    const v = this.buf.readInt16LE(this.offset);
    this.offset += 2;
    return v;
  }

  u24(): number {
    this.need(3, 'u24');
    const v = this.buf.readUIntLE(this.offset, 3);
    this.offset += 3;
    return v;
  }

  u32(): number {
    this.need(4, 'u32');
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  i32(): number {
    this.need(4, 'i32');
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8, 'u64');
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  i64(): bigint {
    this.need(8, 'i64');
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  f32(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatLE(this.offset);
    this.offset += 4;
    return v;
  }

  f64(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleLE(this.offset);
    this.offset += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n, 'bytes');
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  skip(n: number): void {
    this.need(n, 'skip');
    this.offset += n;
  }

  /** Bytes up to a NUL (consumed, not returned); throws when there is no NUL. */
  nulTerminated(): Buffer {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0 || this.offset > this.buf.length) throw new WireError('CQL_ERR_TRUNCATED', 'missing NUL terminator');
    const v = this.buf.subarray(this.offset, end);
    this.offset = end + 1;
    return v;
  }

  /** Bytes up to a NUL, or to the end when the terminator is missing (clients that omit the last NUL). */
  nulTerminatedOrRest(): Buffer {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) return this.rest();
    return this.nulTerminated();
  }

  lenencInt(): number {
    const { value, next } = readLenencInt(this.buf, this.offset);
    this.offset = next;
    return value;
  }

  lenencBytes(): Buffer {
    const start = this.offset;
    const n = this.lenencInt();
    if (this.offset + n > this.buf.length) {
      this.offset = start;
      throw new WireError('CQL_ERR_TRUNCATED', `length-encoded string of ${n} bytes, ${this.buf.length - this.offset} left`);
    }
    return this.bytes(n);
  }

  rest(): Buffer {
    const v = this.buf.subarray(Math.min(this.offset, this.buf.length));
    this.offset = this.buf.length;
    return v;
  }
}
