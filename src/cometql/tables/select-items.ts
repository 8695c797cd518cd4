// FROM-less SELECT (COMETQL.md §3.1, §3.2, §3.13): @@variables, literals and session functions.
import { MYSQL_SERVER_VERSION } from '../../version.js';
import type { SelectItem, SelectItemsStmt } from '../sql/ast.js';
import { rows, type CometqlSession, type QueryResult } from '../result.js';
import { systemVariable } from './variables.js';

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** NOW() in the server's time zone, MySQL DATETIME text. */
function now(): string {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function functionValue(name: string, session: CometqlSession): string {
  switch (name) {
    case 'database': return session.database; // '' when none was selected, never NULL
    case 'version': return MYSQL_SERVER_VERSION;
    case 'current_user': return `${session.user}@%`;
    case 'connection_id': return String(session.connectionId);
    case 'now': return now();
    case 'last_insert_id': return '0';
    default: return `${session.user}@${session.clientAddress}`; // USER(), SESSION_USER(), SYSTEM_USER()
  }
}

function itemValue(item: SelectItem, session: CometqlSession): string {
  switch (item.kind) {
    case 'sysvar': return systemVariable(item.name);
    case 'literal': return item.value;
    case 'function': return functionValue(item.name, session);
  }
}

export function selectItems(stmt: SelectItemsStmt, session: CometqlSession): QueryResult {
  const labels = stmt.items.map((i) => i.label);
  const limit = stmt.limit;
  // One row, unless LIMIT skips it (MySQL semantics).
  if (limit && (Number(limit.count) === 0 || (limit.offset !== null && Number(limit.offset) > 0))) return rows(labels, []);
  return rows(labels, [stmt.items.map((i) => itemValue(i, session))]);
}
