// Length-encoded integers and strings (protocol 4.1): < 251 one byte; fc + 2; fd + 3; fe + 8.
import { WireError } from './wire-error.js';

const TWO_16 = 0x10000;
const TWO_24 = 0x1000000;

/** Bytes needed to encode n (a non-negative safe integer or a bigint below 2^64). */
export function lenencIntLength(n: number | bigint): number {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`length-encoded integer must be a safe integer >= 0, got ${n}`);
    return n < 251 ? 1 : n < TWO_16 ? 3 : n < TWO_24 ? 4 : 9;
  }
  if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`length-encoded integer out of range: ${n}`);
  return n < 251n ? 1 : n < BigInt(TWO_16) ? 3 : n < BigInt(TWO_24) ? 4 : 9;
}

/** Write n at offset; returns the offset after it. */
export function writeLenencInt(buf: Buffer, offset: number, n: number | bigint): number {
  const size = lenencIntLength(n);
  if (size === 1) {
    buf[offset] = Number(n);
    return offset + 1;
  }
  if (size === 3) {
    buf[offset] = 0xfc;
    buf.writeUInt16LE(Number(n), offset + 1);
    return offset + 3;
  }
  if (size === 4) {
    buf[offset] = 0xfd;
    buf.writeUIntLE(Number(n), offset + 1, 3);
    return offset + 4;
  }
  buf[offset] = 0xfe;
  buf.writeBigUInt64LE(BigInt(n), offset + 1);
  return offset + 9;
}

export function encodeLenencInt(n: number | bigint): Buffer {
  const buf = Buffer.allocUnsafe(lenencIntLength(n));
  writeLenencInt(buf, 0, n);
  return buf;
}

/** Length prefix + bytes; strings are UTF-8. */
export function encodeLenencString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const out = Buffer.allocUnsafe(lenencIntLength(bytes.length) + bytes.length);
  bytes.copy(out, writeLenencInt(out, 0, bytes.length));
  return out;
}

export interface LenencRead {
  readonly value: number;
  /** Offset of the byte after the integer. */
  readonly next: number;
}

/**
 * Read a length-encoded integer at offset. Throws WireError: CQL_ERR_TRUNCATED when the bytes run
 * out, CQL_ERR_INVALID_LENENC for the NULL/ERR markers (fb, ff) or a value above 2^53-1.
 */
export function readLenencInt(buf: Buffer, offset: number): LenencRead {
  if (offset >= buf.length) throw new WireError('CQL_ERR_TRUNCATED', 'length-encoded integer past end of payload');
  const first = buf[offset];
  if (first < 0xfb) return { value: first, next: offset + 1 };
  if (first === 0xfb || first === 0xff) throw new WireError('CQL_ERR_INVALID_LENENC', `0x${first.toString(16)} is not a length-encoded integer`);
  const size = first === 0xfc ? 2 : first === 0xfd ? 3 : 8;
  if (offset + 1 + size > buf.length) throw new WireError('CQL_ERR_TRUNCATED', 'length-encoded integer past end of payload');
  if (size < 8) return { value: buf.readUIntLE(offset + 1, size), next: offset + 1 + size };
  const big = buf.readBigUInt64LE(offset + 1);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new WireError('CQL_ERR_INVALID_LENENC', 'length-encoded integer above 2^53-1');
  return { value: Number(big), next: offset + 9 };
}
