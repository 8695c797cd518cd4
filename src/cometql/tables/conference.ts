// The video tables (COMETQL.md §4.10, out of scope): answered as upstream answers without SIP.
import { SqlErrors } from '../../errors.js';
import { sqlInt } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { columns, missingField, INT, TEXT, type TableDef } from './table.js';

const REQUIRED = ['name', 'user_id', 'message'] as const;

export const conferenceTable: TableDef = {
  name: 'conference',
  columns: columns([['name', TEXT], ['user_id', INT], ['caller_id', TEXT], ['message', TEXT], ['profile', TEXT], ['stream', TEXT], ['node', TEXT]]),
  key: 'name',
  selectKeys: ['name'],
  deleteKeys: ['name'],

  select: () => [],

  insert(_ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    if (!(sqlInt(fields.get('user_id')!) >= 0)) return fail(SqlErrors.userIdNonNegative);
    return fail(SqlErrors.sipNotConfigured);
  },

  delete: () => ok(),
};

export const conferenceMembersTable: TableDef = {
  name: 'conference_members',
  columns: columns([['name', TEXT], ['user_id', INT], ['join_time', INT], ['last_talking', INT]]),
  key: 'name',
  selectKeys: null,
  deleteKeys: ['name'],
  rejectInsert: SqlErrors.conferenceMembersInsert,
  rejectDelete: SqlErrors.conferenceMembersDelete,
  select: () => [],
};

export const dialogsTable: TableDef = {
  name: 'dialogs',
  columns: [],
  key: null,
  selectKeys: null,
  deleteKeys: [],
  rejectSelect: SqlErrors.tableNotExist,
  rejectInsert: SqlErrors.dialogsNotReady,
  rejectDelete: SqlErrors.tableNotExist,
};
