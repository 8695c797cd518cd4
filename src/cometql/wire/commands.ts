// Command-phase answers that need no connection lifecycle (COMETQL.md §2.8, §2.11, §2.12):
// each handler returns the response payloads, or null when the command gets no answer.
import type { Logger } from 'pino';
import { SqlErrors, type SqlError } from '../../errors.js';
import type { CometqlEngine, QueryResult } from '../result.js';
import { ServerStatus } from './constants.js';
import { parseExecute, parseSendLongData, readStatementId, encodePrepareOk } from './prepared-statement.js';
import { buildEof, buildErr, buildOk } from './responses.js';
import { encodeResultSet } from './result-set.js';
import type { WireSession } from './session.js';
import type { StatementRegistry } from './statement-registry.js';

export interface CommandContext {
  readonly session: WireSession;
  readonly engine: CometqlEngine;
  readonly statements: StatementRegistry;
  readonly maxQuerySize: number;
  readonly log: Logger;
}

/** COM_QUERY length rule in bytes (COMETQL.md §2.11 step 4): <= 3 too short, >= max too long. */
export function checkQueryLength(byteLength: number, maxQuerySize: number): SqlError | null {
  if (byteLength <= 3) return SqlErrors.dataTooShort;
  if (byteLength >= maxQuerySize) return SqlErrors.dataTooLong;
  return null;
}

/** One response per result; MORE_RESULTS on every final OK/EOF but the last; stop at an error. */
export function encodeQueryResults(results: readonly QueryResult[], binary: boolean): Buffer[] {
  if (results.length === 0) return [buildOk()];
  const payloads: Buffer[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    const status = ServerStatus.AUTOCOMMIT | (i < results.length - 1 ? ServerStatus.MORE_RESULTS_EXISTS : 0);
    if (r.kind === 'error') {
      payloads.push(buildErr(r.error));
      break;
    }
    if (r.kind === 'ok') payloads.push(buildOk({ affectedRows: r.affectedRows, insertId: r.insertId, status }));
    else payloads.push(...encodeResultSet(r.columns, r.rows, { binary, status }));
  }
  return payloads;
}

/** Run engine code; an exception is logged and answered with ERR 500 instead of breaking the connection. */
async function guarded<T>(ctx: CommandContext, what: string, run: () => Promise<T> | T): Promise<T | SqlError> {
  try {
    return await run();
  } catch (err) {
    ctx.log.error({ err, command: what }, 'CometQL engine failed');
    return SqlErrors.internalError;
  }
}

const isSqlError = (v: unknown): v is SqlError => typeof v === 'object' && v !== null && 'errno' in v && 'sqlState' in v;

/** The text after the command byte, UTF-8 (invalid sequences become U+FFFD). */
const commandText = (payload: Buffer) => payload.toString('utf8', 1);

export async function runQuery(ctx: CommandContext, payload: Buffer): Promise<Buffer[]> {
  if (!ctx.session.authenticated) return [buildErr(SqlErrors.accessDenied)];
  const tooLong = checkQueryLength(payload.length - 1, ctx.maxQuerySize);
  if (tooLong) return [buildErr(tooLong)];
  const results = await guarded(ctx, 'query', () => ctx.engine.query(ctx.session, commandText(payload)));
  return isSqlError(results) ? [buildErr(results)] : encodeQueryResults(results, false);
}

export function initDb(ctx: CommandContext, payload: Buffer): Promise<Buffer[]> {
  return guarded(ctx, 'init_db', () => ctx.engine.selectDatabase(ctx.session, commandText(payload))).then((err) =>
    err ? [buildErr(err)] : [buildOk()],
  );
}

export async function prepare(ctx: CommandContext, payload: Buffer): Promise<Buffer[]> {
  if (!ctx.session.authenticated) return [buildErr(SqlErrors.accessDenied)];
  const tooLong = checkQueryLength(payload.length - 1, ctx.maxQuerySize);
  if (tooLong) return [buildErr(tooLong)];
  if (ctx.statements.size >= ctx.statements.maxStatements) return [buildErr(SqlErrors.tooManyStatements)];
  const prepared = await guarded(ctx, 'prepare', () => ctx.engine.prepare(ctx.session, commandText(payload)));
  if (isSqlError(prepared)) return [buildErr(prepared)];
  const entry = ctx.statements.add(prepared, payload.length - 1);
  if (!entry) return [buildErr(SqlErrors.tooManyStatements)];
  return encodePrepareOk(entry.id, prepared.paramCount, prepared.columns);
}

/** The statement text with its bound values, in bytes: what max_query_size bounds on the prepared path. */
export function boundStatementBytes(textBytes: number, params: ReadonlyArray<string | null>): number {
  let n = textBytes;
  for (const p of params) n += p === null ? 4 : Buffer.byteLength(p, 'utf8'); // NULL binds as the text NULL
  return n;
}

export async function execute(ctx: CommandContext, payload: Buffer): Promise<Buffer[]> {
  const id = readStatementId(payload);
  if (id === null) return [buildErr(SqlErrors.malformedPacket)];
  const entry = ctx.statements.get(id);
  if (!entry) return [buildErr(SqlErrors.unknownStatement)];
  if (!ctx.session.authenticated) return [buildErr(SqlErrors.accessDenied)];
  const overflow = entry.longDataOverflow;
  const parsed = parseExecute(payload, entry.statement.paramCount, entry.paramTypes, ctx.statements.longDataOf(entry));
  ctx.statements.resetLongData(entry);
  if (overflow) return [buildErr(SqlErrors.dataTooLong)];
  if (!parsed.ok) {
    ctx.log.debug({ code: parsed.error.code, statementId: id }, 'malformed COM_STMT_EXECUTE');
    return [buildErr(SqlErrors.malformedPacket)];
  }
  const tooLong = checkQueryLength(boundStatementBytes(entry.textBytes, parsed.value.params), ctx.maxQuerySize);
  if (tooLong) return [buildErr(tooLong)];
  entry.paramTypes = parsed.value.paramTypes.length > 0 ? parsed.value.paramTypes : entry.paramTypes;
  const result = await guarded(ctx, 'execute', () => entry.statement.execute(ctx.session, parsed.value.params));
  return isSqlError(result) ? [buildErr(result)] : encodeQueryResults([result], true);
}

/** COM_STMT_SEND_LONG_DATA: buffered for the next execute; never answered. */
export function sendLongData(ctx: CommandContext, payload: Buffer): null {
  const parsed = parseSendLongData(payload);
  if (parsed.ok) ctx.statements.appendLongData(parsed.value.statementId, parsed.value.paramIndex, parsed.value.data);
  return null;
}

/** COM_STMT_CLOSE: never answered. */
export function closeStatement(ctx: CommandContext, payload: Buffer): null {
  const id = readStatementId(payload);
  if (id !== null) ctx.statements.delete(id);
  return null;
}

export function resetStatement(ctx: CommandContext, payload: Buffer): Buffer[] {
  const id = readStatementId(payload);
  const entry = id === null ? undefined : ctx.statements.get(id);
  if (!entry) return [buildErr(SqlErrors.unknownStatement)];
  ctx.statements.resetLongData(entry);
  return [buildOk()];
}

/** COM_SET_OPTION: 0 = multi-statements on, 1 = off; answered with EOF. */
export function setOption(ctx: CommandContext, payload: Buffer): Buffer[] {
  if (payload.length < 3) return [buildErr(SqlErrors.malformedPacket)];
  const option = payload.readUInt16LE(1);
  if (option > 1) return [buildErr(SqlErrors.unknownCommand)];
  ctx.session.multiStatements = option === 0;
  return [buildEof()];
}

export function processKill(payload: Buffer): Buffer[] {
  return [buildErr(SqlErrors.unknownThread(payload.length >= 5 ? payload.readUInt32LE(1) : 0))];
}
