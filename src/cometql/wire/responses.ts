// OK, ERR and EOF payloads (COMETQL.md §2.9, with the Re-impl fixes: status 0x0002 in the right
// byte order, no trailing info byte, correct length-encoded integers).
import type { SqlError } from '../../errors.js';
import { ServerStatus } from './constants.js';
import { lenencIntLength, writeLenencInt } from './lenenc.js';

export interface OkFields {
  readonly affectedRows?: number;
  readonly insertId?: number;
  readonly status?: number;
  readonly warnings?: number;
}

/** Length-encoded counters must be non-negative safe integers; anything else is sent as 0. */
function counter(n: number | undefined): number {
  return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : 0;
}

export function buildOk(fields: OkFields = {}): Buffer {
  const affected = counter(fields.affectedRows);
  const insertId = counter(fields.insertId);
  const out = Buffer.allocUnsafe(1 + lenencIntLength(affected) + lenencIntLength(insertId) + 4);
  out[0] = 0x00;
  let o = writeLenencInt(out, 1, affected);
  o = writeLenencInt(out, o, insertId);
  out.writeUInt16LE((fields.status ?? ServerStatus.AUTOCOMMIT) & 0xffff, o);
  out.writeUInt16LE(counter(fields.warnings) & 0xffff, o + 2);
  return out;
}

/** ff, errno (2 bytes), '#', 5-character SQLSTATE, message (no terminator). */
export function buildErr(error: SqlError): Buffer {
  const state = (error.sqlState + 'HY000').slice(0, 5);
  const message = Buffer.from(error.message, 'utf8');
  const out = Buffer.allocUnsafe(9 + message.length);
  out[0] = 0xff;
  out.writeUInt16LE(error.errno & 0xffff, 1);
  out[3] = 0x23;
  out.write(state, 4, 5, 'latin1');
  message.copy(out, 9);
  return out;
}

export function buildEof(status: number = ServerStatus.AUTOCOMMIT, warnings = 0): Buffer {
  const out = Buffer.allocUnsafe(5);
  out[0] = 0xfe;
  out.writeUInt16LE(warnings & 0xffff, 1);
  out.writeUInt16LE(status & 0xffff, 3);
  return out;
}
