// SHOW statements and DESCRIBE (COMETQL.md §3.3–3.9, §3.13): fixed answers, table metadata,
// status and variables. `showColumnsOf` gives each statement's result columns for prepare.
import { SqlErrors } from '../../errors.js';
import type { ShowStmt } from '../sql/ast.js';
import { sqlLike } from '../sql/like.js';
import { fail, rows, type CometqlSession, type QueryResult } from '../result.js';
import { LISTED_TABLES, TABLES } from './registry.js';
import { showStatus, type StatusSources } from './status.js';
import { showVariables } from './variables.js';

const TABLE_STATUS_COLUMNS = [
  'Name', 'Engine', 'Version', 'Row_format', 'Rows', 'Avg_row_length', 'Data_length', 'Max_data_length', 'Index_length',
  'Data_free', 'Auto_increment', 'Create_time', 'Update_time', 'Check_time', 'Collation', 'Checksum', 'Create_options', 'Comment',
];
/** Upstream's one fixed, meaningless row (§3.6). */
const TABLE_STATUS_ROW = [
  'users', 'StarComet', '1', 'Compact', '0', '0', '0', '0', '0', '0', '0', '0', '', '', 'utf8_general_ci', '', '', 'Table with authorization data for users',
];
const DESCRIBE_COLUMNS = ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'];
const WARNING_COLUMNS = ['Level', 'Code', 'Message'];
const COLLATION_COLUMNS = ['Collation', 'Charset', 'Id', 'Default', 'Compiled', 'Sortlen'];
const COLLATIONS = [
  ['utf8mb4_general_ci', 'utf8mb4', '45', 'Yes', 'Yes', '1'],
  ['utf8_general_ci', 'utf8', '33', 'Yes', 'Yes', '1'],
  ['latin1_swedish_ci', 'latin1', '8', 'Yes', 'Yes', '1'],
  ['binary', 'binary', '63', 'Yes', 'Yes', '1'],
];
const CHARSET_COLUMNS = ['Charset', 'Description', 'Default collation', 'Maxlen'];
const CHARSETS = [
  ['utf8mb4', 'UTF-8 Unicode', 'utf8mb4_general_ci', '4'],
  ['utf8', 'UTF-8 Unicode', 'utf8_general_ci', '3'],
  ['latin1', 'cp1252 West European', 'latin1_swedish_ci', '1'],
  ['binary', 'Binary pseudo charset', 'binary', '1'],
];
const ENGINE_COLUMNS = ['Engine', 'Support', 'Comment', 'Transactions', 'XA', 'Savepoints'];
const PROCESSLIST_COLUMNS = ['ServiceName', 'id', 'status', 'count'];
const VARIABLE_COLUMNS = ['Variable_name', 'Value'];

function filterLike(data: string[][], like: string | null): string[][] {
  return like === null ? data : data.filter((r) => sqlLike(r[0], like));
}

function describe(table: string): QueryResult {
  const def = TABLES.get(table);
  if (!def || def.columns.length === 0) return fail(SqlErrors.tableNotExist);
  return rows(DESCRIBE_COLUMNS, def.columns.map((c) => [c.name, c.type, 'NO', c.name === def.key ? 'PRI' : '', '', '']));
}

function createTable(table: string): QueryResult {
  const def = TABLES.get(table);
  if (!def || def.columns.length === 0) return fail(SqlErrors.tableNotExist);
  const lines = def.columns.map((c) => `  \`${c.name}\` ${c.type} NOT NULL`);
  if (def.key) lines.push(`  PRIMARY KEY (\`${def.key}\`)`);
  return rows(['Table', 'Create Table'], [[table, `CREATE TABLE \`${table}\` (\n${lines.join(',\n')}\n) ENGINE=StarComet DEFAULT CHARSET=utf8mb4`]]);
}

export async function runShow(stmt: ShowStmt, session: CometqlSession, src: StatusSources): Promise<QueryResult> {
  switch (stmt.what) {
    case 'databases': return rows(['Database'], [['CometQL_v1']]); // also after db_<N> (§3.3)
    case 'tables': return rows(['Tables'], LISTED_TABLES.map((t) => [t]));
    case 'tableStatus': return rows(TABLE_STATUS_COLUMNS, [TABLE_STATUS_ROW]);
    case 'columns': return describe(stmt.table);
    case 'createTable': return createTable(stmt.table);
    case 'status': return showStatus(stmt.flag, stmt.like, session, src);
    case 'variables': return showVariables(stmt.flag, stmt.like);
    case 'warnings':
    case 'errors': return rows(WARNING_COLUMNS, []);
    case 'warningCount': return rows(['@@session.warning_count'], [['0']]);
    case 'errorCount': return rows(['@@session.error_count'], [['0']]);
    case 'collation': return rows(COLLATION_COLUMNS, filterLike(COLLATIONS, stmt.like));
    case 'charset': return rows(CHARSET_COLUMNS, filterLike(CHARSETS, stmt.like));
    case 'engines': return rows(ENGINE_COLUMNS, [['StarComet', 'DEFAULT', 'CometQL virtual tables', 'NO', 'NO', 'NO']]);
    case 'processlist': {
      // One row per listener (thread index 0), with its handled-events counter.
      const { frontend, backend } = src.stats;
      return rows(PROCESSLIST_COLUMNS, [frontend, backend].map((l) => [l.name, '0', 'R', String(l.messages)]));
    }
  }
}

/** Result column names of a SHOW statement, known before it runs. */
export function showColumnsOf(stmt: ShowStmt): readonly string[] {
  switch (stmt.what) {
    case 'databases': return ['Database'];
    case 'tables': return ['Tables'];
    case 'tableStatus': return TABLE_STATUS_COLUMNS;
    case 'columns': return DESCRIBE_COLUMNS;
    case 'createTable': return ['Table', 'Create Table'];
    case 'status':
    case 'variables': return VARIABLE_COLUMNS;
    case 'warnings':
    case 'errors': return WARNING_COLUMNS;
    case 'warningCount': return ['@@session.warning_count'];
    case 'errorCount': return ['@@session.error_count'];
    case 'collation': return COLLATION_COLUMNS;
    case 'charset': return CHARSET_COLUMNS;
    case 'engines': return ENGINE_COLUMNS;
    case 'processlist': return PROCESSLIST_COLUMNS;
  }
}
