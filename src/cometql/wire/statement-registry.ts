// The prepared statements of one connection, with their bound types and long data; bounded in
// count and in buffered long-data bytes so a client cannot grow the server's memory without limit.
import type { PreparedStatement } from '../result.js';
import type { ParamType } from './binary-values.js';

export const MAX_PREPARED_STATEMENTS = 1000;

export interface PreparedEntry {
  readonly id: number;
  readonly statement: PreparedStatement;
  /** Bytes of the COM_STMT_PREPARE text (counted with the bound values against max_query_size). */
  readonly textBytes: number;
  /** Types sent with the last execution that carried them. */
  paramTypes: readonly ParamType[] | null;
  /** Chunks per parameter index, joined at execute time. */
  readonly longData: Map<number, Buffer[]>;
  /** Long data was dropped for exceeding the byte limit; the next execute fails. */
  longDataOverflow: boolean;
}

export class StatementRegistry {
  private readonly entries = new Map<number, PreparedEntry>();
  private lastId = 0;
  private longDataBytes = 0;

  constructor(
    readonly maxStatements: number,
    readonly maxLongDataBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** null when the per-connection limit is reached. */
  add(statement: PreparedStatement, textBytes: number): PreparedEntry | null {
    if (this.entries.size >= this.maxStatements) return null;
    do this.lastId = this.lastId >= 0xffffffff ? 1 : this.lastId + 1;
    while (this.entries.has(this.lastId));
    const entry: PreparedEntry = { id: this.lastId, statement, textBytes, paramTypes: null, longData: new Map(), longDataOverflow: false };
    this.entries.set(entry.id, entry);
    return entry;
  }

  get(id: number): PreparedEntry | undefined {
    return this.entries.get(id);
  }

  delete(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.resetLongData(entry);
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.longDataBytes = 0;
  }

  appendLongData(id: number, paramIndex: number, data: Buffer): void {
    const entry = this.entries.get(id);
    if (!entry || paramIndex >= entry.statement.paramCount || entry.longDataOverflow) return;
    if (this.longDataBytes + data.length > this.maxLongDataBytes) {
      this.resetLongData(entry);
      entry.longDataOverflow = true;
      return;
    }
    const chunks = entry.longData.get(paramIndex);
    if (chunks) chunks.push(Buffer.from(data));
    else entry.longData.set(paramIndex, [Buffer.from(data)]);
    this.longDataBytes += data.length;
  }

  /** The long data of each parameter, joined. */
  longDataOf(entry: PreparedEntry): Map<number, Buffer> {
    const joined = new Map<number, Buffer>();
    for (const [index, chunks] of entry.longData) joined.set(index, Buffer.concat(chunks));
    return joined;
  }

  resetLongData(entry: PreparedEntry): void {
    for (const chunks of entry.longData.values()) for (const b of chunks) this.longDataBytes -= b.length;
    entry.longData.clear();
    entry.longDataOverflow = false;
  }
}
