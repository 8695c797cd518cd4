// Result sets, text and binary protocol (COMETQL.md §2.10, §2.12): every column VAR_STRING,
// NOT_NULL, utf8_general_ci, length 77, decimals 0x1f; values are strings, never NULL.
import { CHARSET_UTF8MB4_GENERAL_CI, FieldType, ServerStatus } from './constants.js';
import { encodeLenencInt, lenencIntLength, writeLenencInt } from './lenenc.js';
import { buildEof } from './responses.js';

/** Display length upstream writes for every column. */
export const COLUMN_LENGTH = 77;
const NOT_NULL_FLAG = 0x0001;
const DECIMALS_DYNAMIC = 0x1f;
const CATALOG_DEF = Buffer.from([3, 0x64, 0x65, 0x66]); // lenenc "def"

export function encodeColumnDefinition(name: string): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const nameLen = lenencIntLength(nameBytes.length);
  const out = Buffer.alloc(CATALOG_DEF.length + 3 + nameLen + nameBytes.length + 1 + 1 + 12);
  let o = CATALOG_DEF.copy(out, 0);
  o += 3; // schema, table, org_table: empty
  o = writeLenencInt(out, o, nameBytes.length);
  o += nameBytes.copy(out, o);
  o += 1; // org_name: empty
  out[o++] = 0x0c; // length of the fixed fields
  out.writeUInt16LE(CHARSET_UTF8MB4_GENERAL_CI, o);
  out.writeUInt32LE(COLUMN_LENGTH, o + 2);
  out[o + 6] = FieldType.VAR_STRING;
  out.writeUInt16LE(NOT_NULL_FLAG, o + 7);
  out[o + 9] = DECIMALS_DYNAMIC;
  // two filler bytes stay zero
  return out;
}

/** Encoded values in column order; a missing value is an empty string (NULL is never sent). */
function encodeValues(values: readonly string[], columnCount: number, prefix: Buffer | null): Buffer {
  const bytes: Buffer[] = new Array<Buffer>(columnCount);
  let size = prefix ? prefix.length : 0;
  for (let i = 0; i < columnCount; i++) {
    const v = values[i];
    bytes[i] = Buffer.from(typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v), 'utf8');
    size += lenencIntLength(bytes[i].length) + bytes[i].length;
  }
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  if (prefix) o += prefix.copy(out, 0);
  for (const b of bytes) {
    o = writeLenencInt(out, o, b.length);
    o += b.copy(out, o);
  }
  return out;
}

export function encodeTextRow(values: readonly string[], columnCount: number): Buffer {
  return encodeValues(values, columnCount, null);
}

/** Binary row: 00, a NULL bitmap of ceil((columns + 2) / 8) zero bytes, then each value. */
export function encodeBinaryRow(values: readonly string[], columnCount: number): Buffer {
  return encodeValues(values, columnCount, Buffer.alloc(1 + ((columnCount + 9) >> 3)));
}

export interface ResultSetOptions {
  readonly binary: boolean;
  /** Status of the final EOF (MORE_RESULTS_EXISTS when another result follows). */
  readonly status?: number;
}

/** Column count, definitions, EOF, rows, EOF: one payload per packet. */
export function encodeResultSet(
  columns: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  options: ResultSetOptions,
): Buffer[] {
  const payloads: Buffer[] = [encodeLenencInt(columns.length)];
  for (const name of columns) payloads.push(encodeColumnDefinition(name));
  payloads.push(buildEof(ServerStatus.AUTOCOMMIT));
  const encodeRow = options.binary ? encodeBinaryRow : encodeTextRow;
  for (const row of rows) payloads.push(encodeRow(row, columns.length));
  payloads.push(buildEof(options.status ?? ServerStatus.AUTOCOMMIT));
  return payloads;
}
