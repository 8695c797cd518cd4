// users_time (COMETQL.md §4.7, §7.5): 0 online, last disconnect time, or -1; read-only.
import { SqlErrors } from '../../errors.js';
import { columns, INT, type Row, type TableDef } from './table.js';
import { nonNegativeIds } from './user-ids.js';

export const usersTimeTable: TableDef = {
  name: 'users_time',
  columns: columns([['id', INT], ['time', INT]]),
  key: 'id',
  selectKeys: ['id'],
  deleteKeys: ['id'],
  rejectInsert: SqlErrors.readOnly('users_time'),
  rejectDelete: SqlErrors.readOnly('users_time'),

  select(ctx, where) {
    const out: Row[] = [];
    // One row for every id >= 0, known or not.
    for (const id of nonNegativeIds(where.get('id'))) out.push([String(id), String(ctx.core.userTime(ctx.dev, id))]);
    return out;
  },
};
