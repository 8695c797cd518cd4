// The CometQL engine the MySQL wire listener calls: parse, route each statement to its table or
// session handler, and answer. The listener owns length limits (ERR 17/11) and ERR 403.
import type { CometCore } from '../core/comet.js';
import { cInt, type Config } from '../config/config.js';
import type { ServerStats } from '../stats.js';
import type { StorageSink } from '../storage/storage.js';
import type { Logger } from '../log.js';
import { SqlErrors, type SqlError } from '../errors.js';
import { fail, ok, type CometqlEngine, type CometqlSession, type PreparedStatement, type QueryResult } from './result.js';
import { parseQuery } from './sql/parser.js';
import { bindStatement, type BoundParams } from './sql/bind.js';
import type { Statement, Value } from './sql/ast.js';
import { runDelete, runInsert, runSelect, selectResultColumns } from './tables/plan.js';
import { runShow, showColumnsOf } from './tables/show.js';
import { selectItems } from './tables/select-items.js';
import type { StorageHealth } from './tables/status.js';
import type { TableContext } from './tables/table.js';

export interface CometqlEngineDeps {
  readonly core: CometCore;
  readonly config: Config;
  readonly stats: ServerStats;
  readonly sink: StorageSink;
  readonly storageHealth: () => StorageHealth;
  readonly log: Logger;
  /** Called once per statement with its table (or statement kind) and 'ok' or the errno (metrics). */
  readonly observe?: (table: string, result: string) => void;
}

const OK = ok();
/** Queries that are not written to log_query (SERVER.md §2.2): those starting with set/show. */
const UNLOGGED = /^(?:set|show)\s/i;


/** Result columns known at prepare time (COMETQL.md §2.12); null for statements without rows. */
function resultColumns(stmt: Statement<Value>): readonly string[] | null {
  switch (stmt.kind) {
    case 'select': return selectResultColumns(stmt);
    case 'items': return stmt.items.map((i) => i.label);
    case 'show': return showColumnsOf(stmt);
    default: return null;
  }
}

class Engine implements CometqlEngine {
  /** Per-dev activity for SHOW STATUS `messages`. */
  private readonly activity = new Map<number, number>();
  private readonly lexing: { readonly decodeEscapes: boolean };
  private readonly status;

  constructor(private readonly deps: CometqlEngineDeps) {
    this.lexing = { decodeEscapes: deps.config.cometql.decodeEscapes };
    this.status = {
      core: deps.core,
      stats: deps.stats,
      storageHealth: deps.storageHealth,
      activityOf: (dev: number) => this.activity.get(dev) ?? 0,
    };
  }

  async query(session: CometqlSession, sql: string): Promise<QueryResult[]> {
    if (this.deps.config.main.useQueryLoger && !UNLOGGED.test(sql)) {
      this.deps.sink.write({ op: 'queryLog.append', dev: session.devId, query: sql });
    }
    const parsed = parseQuery(sql, this.lexing);
    if (!parsed.ok) return [fail(parsed.error)];
    // Without placeholders every value is a plain string.
    const list = parsed.statements as readonly Statement[];
    if (list.length === 0) return [OK]; // statement-less text: OK, not MySQL's "empty query" (3.12)
    if (list.length === 1) return [await this.run(session, list[0])];
    if (!session.multiStatements) return [fail(SqlErrors.syntax)];
    const out: QueryResult[] = [];
    for (const stmt of list) {
      const r = await this.run(session, stmt);
      out.push(r);
      if (r.kind === 'error') break; // stop at the first error, as MySQL does
    }
    return out;
  }

  prepare(_session: CometqlSession, sql: string): PreparedStatement | SqlError {
    const parsed = parseQuery(sql, { placeholders: true, decodeEscapes: this.lexing.decodeEscapes });
    if (!parsed.ok) return parsed.error;
    if (parsed.statements.length > 1) return SqlErrors.syntax;
    const stmt = parsed.statements.length === 1 ? parsed.statements[0] : null;
    if (stmt?.kind === 'error') return stmt.error;
    return {
      paramCount: parsed.paramCount,
      columns: stmt ? resultColumns(stmt) : null,
      execute: async (session: CometqlSession, params: BoundParams): Promise<QueryResult> => {
        if (!stmt) return OK;
        const bound = bindStatement(stmt, params);
        return 'errno' in bound ? fail(bound) : this.run(session, bound);
      },
    };
  }

  /** COM_INIT_DB / USE (COMETQL.md §2.6): `CometQL_v1` (case-sensitive) or `db_<N>`. */
  selectDatabase(session: CometqlSession, name: string): SqlError | null {
    if (name === 'CometQL_v1') {
      session.database = name;
      return null;
    }
    if (name.length > 3 && name.startsWith('db_')) {
      const dev = cInt(name.slice(3), 0); // C atoi: db_7abc -> 7, db_abc -> 0
      if (dev >= 0 && dev < this.deps.config.main.devIndexSize) {
        session.devId = dev;
        session.database = name;
        return null;
      }
    }
    return SqlErrors.selectDatabase;
  }

  private bump(dev: number, n: number): void {
    if (n > 0) this.activity.set(dev, (this.activity.get(dev) ?? 0) + n);
  }

  private async run(session: CometqlSession, stmt: Statement): Promise<QueryResult> {
    const result = await this.execute(session, stmt);
    if (this.deps.observe) {
      const table = stmt.kind === 'select' || stmt.kind === 'insert' || stmt.kind === 'delete' ? stmt.table : stmt.kind;
      this.deps.observe(table, result.kind === 'error' ? String(result.error.errno) : 'ok');
    }
    return result;
  }

  private async execute(session: CometqlSession, stmt: Statement): Promise<QueryResult> {
    const dev = session.devId;
    this.bump(dev, 1);
    try {
      switch (stmt.kind) {
        case 'select': return await runSelect(this.context(session), stmt);
        case 'insert': return await runInsert(this.context(session), stmt);
        case 'delete': return await runDelete(this.context(session), stmt);
        case 'items': return selectItems(stmt, session);
        case 'show': return await runShow(stmt, session, this.status);
        case 'set':
        case 'transaction': return OK; // accepted, nothing changes; status keeps AUTOCOMMIT
        case 'use': {
          const err = this.selectDatabase(session, stmt.database);
          return err ? fail(err) : OK;
        }
        case 'error': return fail(stmt.error);
      }
    } catch (err) {
      this.deps.log.error({ err: (err as Error).message, stack: (err as Error).stack, dev }, 'CometQL statement failed');
      return fail(SqlErrors.internalError);
    }
  }

  private context(session: CometqlSession): TableContext {
    const dev = session.devId;
    return { core: this.deps.core, dev, session, activity: (n) => this.bump(dev, n) };
  }
}

export function createCometqlEngine(deps: CometqlEngineDeps): CometqlEngine {
  return new Engine(deps);
}
