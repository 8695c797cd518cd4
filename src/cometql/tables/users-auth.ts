// users_auth (COMETQL.md §4.6): the hash a browser presents as user_key; DELETE disconnects.
import { SqlErrors } from '../../errors.js';
import { hasHashChars, sqlInt, MAX_HASH_LENGTH } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { columns, durably, missingField, INT, type TableDef } from './table.js';
import { positiveIds, userValueRows } from './user-ids.js';

const REQUIRED = ['id', 'hash'] as const;

export const usersAuthTable: TableDef = {
  name: 'users_auth',
  // Described exactly as upstream does (§3.5).
  columns: columns([['id', INT], ['hash', 'varchar(32)']]),
  key: 'id',
  selectKeys: ['id'],
  deleteKeys: ['id'],

  select(ctx, where) {
    return userValueRows(where.get('id'), (id) => ctx.core.auth.hashes.get(ctx.dev, id));
  },

  async insert(ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const id = sqlInt(fields.get('id')!);
    if (!(id > 0)) return fail(SqlErrors.idNonNegative); // sic: 0 is rejected too
    const hash = fields.get('hash')!;
    if (!hasHashChars(hash)) return fail(SqlErrors.invalidHashChars); // characters before length
    if (hash.length > MAX_HASH_LENGTH) return fail(SqlErrors.hashTooLong);
    const err = await durably(ctx.core.setAuthHash(ctx.dev, id, hash));
    return err ? fail(err) : ok(1, id);
  },

  async delete(ctx, where) {
    const err = await durably(Promise.all(positiveIds(where.get('id')).map((id) => ctx.core.deleteAuthHash(ctx.dev, id))));
    return err ? fail(err) : ok();
  },
};
