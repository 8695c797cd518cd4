// pipes (COMETQL.md §4.2): subscriber counts per pipe, read-only.
import { SqlErrors } from '../../errors.js';
import { isValidPipeName } from '../../core/names.js';
import { columns, INT, TEXT, type Row, type TableDef } from './table.js';

export const pipesTable: TableDef = {
  name: 'pipes',
  columns: columns([['name', TEXT], ['users', INT]]),
  key: 'name',
  selectKeys: ['name'],
  deleteKeys: ['name'],
  rejectInsert: SqlErrors.readOnly('pipes'),
  rejectDelete: SqlErrors.readOnly('pipes'),

  select(ctx, where) {
    const out: Row[] = [];
    // One row for every valid listed name, 0 when nobody is subscribed.
    for (const name of where.get('name') ?? []) if (isValidPipeName(name)) out.push([name, String(ctx.core.hub.count(ctx.dev, name))]);
    return out;
  },
};
