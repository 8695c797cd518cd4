// Server variables (COMETQL.md §3.13): SELECT @@name and SHOW VARIABLES read this one table.
import { MYSQL_SERVER_VERSION, VERSION_COMMENT } from '../../version.js';
import { sqlLike } from '../sql/like.js';
import { rows, type QueryResult } from '../result.js';
import type { StatusFlag } from '../sql/ast.js';

export const SERVER_VARIABLES: ReadonlyMap<string, string> = new Map([
  ['version', MYSQL_SERVER_VERSION],
  ['version_comment', VERSION_COMMENT],
  ['max_allowed_packet', '16777216'],
  ['character_set_client', 'utf8mb4'],
  ['character_set_connection', 'utf8mb4'],
  ['character_set_results', 'utf8mb4'],
  ['character_set_server', 'utf8mb4'],
  ['collation_connection', 'utf8mb4_general_ci'],
  ['collation_server', 'utf8mb4_general_ci'],
  ['autocommit', '1'],
  ['transaction_isolation', 'REPEATABLE-READ'],
  ['tx_isolation', 'REPEATABLE-READ'],
  ['sql_mode', ''],
  ['time_zone', 'SYSTEM'],
  ['system_time_zone', 'UTC'],
  ['lower_case_table_names', '0'],
  ['wait_timeout', '28800'],
  ['interactive_timeout', '28800'],
  ['net_write_timeout', '60'],
  ['auto_increment_increment', '1'],
  ['license', 'AGPL'],
  ['query_cache_size', '0'],
  ['performance_schema', '0'],
]);

const SORTED = [...SERVER_VARIABLES].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Value of @@name (scope already stripped); unknown names give the upstream text (3.1). */
export function systemVariable(name: string): string {
  return SERVER_VARIABLES.get(name) ?? VERSION_COMMENT;
}

/** SHOW [flag] VARIABLES [LIKE p]: the table filtered with SQL LIKE; OS flags give no rows (3.9). */
export function showVariables(flag: StatusFlag | null, like: string | null): QueryResult {
  const cols = ['Variable_name', 'Value'];
  if (flag !== null && flag !== 'global' && flag !== 'session') return rows(cols, []);
  return rows(cols, SORTED.filter(([name]) => like === null || sqlLike(name, like)).map(([n, v]) => [n, v]));
}
