// users_data (COMETQL.md §4.8): free per-user text the browser can read.
import { SqlErrors } from '../../errors.js';
import { sqlInt } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { columns, durably, missingField, INT, TEXT, type TableDef } from './table.js';
import { positiveIds, userValueRows } from './user-ids.js';

const REQUIRED = ['id', 'data'] as const;

export const usersDataTable: TableDef = {
  name: 'users_data',
  columns: columns([['id', INT], ['data', TEXT]]),
  key: 'id',
  selectKeys: ['id'],
  deleteKeys: ['id'],

  select(ctx, where) {
    return userValueRows(where.get('id'), (id) => ctx.core.userData.get(ctx.dev, id));
  },

  async insert(ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const id = sqlInt(fields.get('id')!);
    if (!(id > 0)) return fail(SqlErrors.idNonNegative);
    // A failed write answers upstream's (odd) text for this table.
    const err = await durably(ctx.core.setUserData(ctx.dev, id, fields.get('data')!), SqlErrors.userDataWriteFailed);
    return err ? fail(err) : ok(1, id);
  },

  async delete(ctx, where) {
    const err = await durably(Promise.all(positiveIds(where.get('id')).map((id) => ctx.core.deleteUserData(ctx.dev, id))));
    return err ? fail(err) : ok();
  },
};
