// Binary-protocol parameter values (COM_STMT_EXECUTE) rendered as the text MySQL would show for
// them: integers in decimal, floats in shortest form, temporal values as MySQL literals.
import { FieldType } from './constants.js';
import type { PayloadCursor } from './payload-cursor.js';
import { WireError } from './wire-error.js';

export interface ParamType {
  readonly type: number;
  readonly unsigned: boolean;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const micros = (us: number) => (us > 0 ? `.${pad(us, 6)}` : '');

/** Shortest decimal text that reads back as the same 32-bit float. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(v.toPrecision(digits));
    if (Math.fround(candidate) === v) return String(candidate);
  }
  return String(v);
}

/** DATE / DATETIME / TIMESTAMP: length byte (0, 4, 7 or 11), then the fields present. */
export function readDateTime(c: PayloadCursor, type: number): string {
  const length = c.u8();
  const body = c.bytes(length);
  const field = (offset: number, size: number) => (offset + size <= body.length ? body.readUIntLE(offset, size) : 0);
  const date = `${pad(field(0, 2), 4)}-${pad(field(2, 1))}-${pad(field(3, 1))}`;
  if (type === FieldType.DATE || type === FieldType.NEWDATE) return date;
  return `${date} ${pad(field(4, 1))}:${pad(field(5, 1))}:${pad(field(6, 1))}${micros(field(7, 4))}`;
}

/** TIME: length byte (0, 8 or 12), sign, days, hours, minutes, seconds, microseconds. */
export function readTime(c: PayloadCursor): string {
  const length = c.u8();
  const body = c.bytes(length);
  const field = (offset: number, size: number) => (offset + size <= body.length ? body.readUIntLE(offset, size) : 0);
  const negative = field(0, 1) === 1;
  const hours = field(1, 4) * 24 + field(5, 1);
  return `${negative ? '-' : ''}${pad(hours)}:${pad(field(6, 1))}:${pad(field(7, 1))}${micros(field(8, 4))}`;
}

/** Read one non-NULL value of the given type; unknown types throw CQL_ERR_UNKNOWN_PARAM_TYPE. */
export function readBinaryValue(c: PayloadCursor, param: ParamType): string | null {
  const { type, unsigned } = param;
  switch (type) {
    case FieldType.NULL:
      return null;
    case FieldType.TINY:
      return String(unsigned ? c.u8() : c.i8());
    case FieldType.SHORT:
    case FieldType.YEAR:
      return String(unsigned ? c.u16() : c.i16());
    case FieldType.LONG:
    case FieldType.INT24:
      return String(unsigned ? c.u32() : c.i32());
    case FieldType.LONGLONG:
      return (unsigned ? c.u64() : c.i64()).toString();
    case FieldType.FLOAT:
      return formatFloat32(c.f32());
    case FieldType.DOUBLE:
      return String(c.f64());
    case FieldType.DATE:
    case FieldType.NEWDATE:
    case FieldType.DATETIME:
    case FieldType.TIMESTAMP:
      return readDateTime(c, type);
    case FieldType.TIME:
      return readTime(c);
    case FieldType.DECIMAL:
    case FieldType.NEWDECIMAL:
    case FieldType.VARCHAR:
    case FieldType.BIT:
    case FieldType.JSON:
    case FieldType.ENUM:
    case FieldType.SET:
    case FieldType.TINY_BLOB:
    case FieldType.MEDIUM_BLOB:
    case FieldType.LONG_BLOB:
    case FieldType.BLOB:
    case FieldType.VAR_STRING:
    case FieldType.STRING:
    case FieldType.GEOMETRY:
      return c.lenencBytes().toString('utf8');
    default:
      throw new WireError('CQL_ERR_UNKNOWN_PARAM_TYPE', `unknown parameter type 0x${type.toString(16)}`);
  }
}
