// Prepared-statement packets (COMETQL.md §2.12): PREPARE_OK, COM_STMT_EXECUTE parameters and
// COM_STMT_SEND_LONG_DATA.
import { readBinaryValue, type ParamType } from './binary-values.js';
import { FieldType } from './constants.js';
import { PayloadCursor } from './payload-cursor.js';
import { buildEof } from './responses.js';
import { encodeColumnDefinition } from './result-set.js';
import { parseWith, WireError, type ParseResult } from './wire-error.js';

/** PREPARE_OK, then parameter definitions + EOF and result column definitions + EOF when present. */
export function encodePrepareOk(statementId: number, paramCount: number, columns: readonly string[] | null): Buffer[] {
  const columnCount = Math.min(columns?.length ?? 0, 0xffff);
  const params = Math.min(Math.max(0, paramCount), 0xffff);
  const head = Buffer.alloc(12);
  head[0] = 0x00;
  head.writeUInt32LE(statementId >>> 0, 1);
  head.writeUInt16LE(columnCount, 5);
  head.writeUInt16LE(params, 7);
  // byte 9 filler, bytes 10-11 warning count: zero
  const payloads: Buffer[] = [head];
  if (params > 0) {
    const def = encodeColumnDefinition('?');
    for (let i = 0; i < params; i++) payloads.push(def);
    payloads.push(buildEof());
  }
  if (columnCount > 0) {
    for (const name of columns!.slice(0, columnCount)) payloads.push(encodeColumnDefinition(name));
    payloads.push(buildEof());
  }
  return payloads;
}

/** Statement id of a COM_STMT_* packet (bytes 1-4), or null when the packet is too short. */
export function readStatementId(payload: Buffer): number | null {
  return payload.length >= 5 ? payload.readUInt32LE(1) : null;
}

export interface ExecuteRequest {
  readonly statementId: number;
  readonly flags: number;
  readonly iterationCount: number;
  /** Parameter values as text; null for SQL NULL. */
  readonly params: Array<string | null>;
  /** Types in effect for this execution (to remember for executions that do not resend them). */
  readonly paramTypes: readonly ParamType[];
}

/**
 * Decode COM_STMT_EXECUTE. Parameters that received COM_STMT_SEND_LONG_DATA take that data and have
 * no value in the packet. `boundTypes` are the types of the previous execution, if any.
 */
export function parseExecute(
  payload: Buffer,
  paramCount: number,
  boundTypes: readonly ParamType[] | null,
  longData: ReadonlyMap<number, Buffer> = new Map(),
): ParseResult<ExecuteRequest> {
  return parseWith(() => {
    const c = new PayloadCursor(payload);
    c.skip(1);
    const statementId = c.u32();
    const flags = c.u8();
    const iterationCount = c.u32();
    const params: Array<string | null> = [];
    if (paramCount <= 0) return { statementId, flags, iterationCount, params, paramTypes: [] };
    const nullBitmap = c.bytes((paramCount + 7) >> 3);
    let paramTypes = boundTypes;
    if (c.u8() === 1) {
      const types: ParamType[] = [];
      for (let i = 0; i < paramCount; i++) {
        const type = c.u8();
        types.push({ type, unsigned: (c.u8() & 0x80) !== 0 });
      }
      paramTypes = types;
    }
    if (!paramTypes || paramTypes.length !== paramCount) {
      throw new WireError('CQL_ERR_MISSING_PARAM_TYPES', 'parameter values without bound types');
    }
    for (let i = 0; i < paramCount; i++) {
      const isNull = (nullBitmap[i >> 3] & (1 << (i & 7))) !== 0;
      const long = longData.get(i);
      // Long data wins over the NULL bit, as in MySQL (mysqlnd sets both for a bound null blob).
      if (long) params.push(long.toString('utf8'));
      else if (isNull) params.push(null);
      else if (paramTypes[i].type === FieldType.NULL) params.push(null);
      else params.push(readBinaryValue(c, paramTypes[i]));
    }
    return { statementId, flags, iterationCount, params, paramTypes };
  });
}

export interface LongDataChunk {
  readonly statementId: number;
  readonly paramIndex: number;
  readonly data: Buffer;
}

/** COM_STMT_SEND_LONG_DATA: statement id (4), parameter index (2), data (rest of the packet). */
export function parseSendLongData(payload: Buffer): ParseResult<LongDataChunk> {
  return parseWith(() => {
    const c = new PayloadCursor(payload);
    c.skip(1);
    const statementId = c.u32();
    const paramIndex = c.u16();
    return { statementId, paramIndex, data: c.rest() };
  });
}
