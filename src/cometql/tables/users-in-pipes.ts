// users_in_pipes (COMETQL.md §4.3): one row per subscribed browser connection, read-only.
import { SqlErrors } from '../../errors.js';
import { isValidPipeName } from '../../core/names.js';
import { columns, INT, TEXT, type Row, type TableDef } from './table.js';

export const usersInPipesTable: TableDef = {
  name: 'users_in_pipes',
  columns: columns([['name', TEXT], ['user_id', INT], ['user_uuid', TEXT], ['user_agent', TEXT], ['ip', TEXT], ['origin', TEXT], ['language', TEXT]]),
  key: 'name',
  selectKeys: ['name'],
  deleteKeys: ['name'],
  rejectInsert: SqlErrors.readOnly('users_in_pipes'),
  rejectDelete: SqlErrors.readOnly('users_in_pipes'),

  select(ctx, where) {
    const out: Row[] = [];
    for (const name of where.get('name') ?? []) {
      if (!isValidPipeName(name)) continue;
      // Anonymous connections are listed too, with user_id 0 (the upstream code and tests do).
      for (const c of ctx.core.hub.subscribers(ctx.dev, name)) {
        out.push([name, String(c.authorized ? c.userId : 0), c.uuid, c.meta.userAgent, c.meta.ip, c.meta.origin, c.meta.language]);
      }
    }
    return out;
  },
};
