// users_messages (COMETQL.md §4.5): private messages to a user, live or queued until they connect.
import { SqlErrors } from '../../errors.js';
import { sqlInt } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { nonNegativeIds } from './user-ids.js';
import { columns, durably, eventNameError, missingField, INT, TEXT, type Row, type TableDef } from './table.js';

const REQUIRED = ['id', 'event', 'message'] as const;
/** SELECT shows the upstream view of the queue: the 10 oldest messages. */
const SELECT_MAX = 10;

export const usersMessagesTable: TableDef = {
  name: 'users_messages',
  columns: columns([['id', INT], ['index', TEXT], ['event', TEXT], ['message', TEXT]]),
  key: 'id',
  selectKeys: ['id'],
  deleteKeys: ['id'],

  select(ctx, where) {
    const out: Row[] = [];
    for (const id of nonNegativeIds(where.get('id'))) {
      const queued = ctx.core.queued(ctx.dev, id);
      const n = Math.min(queued.length, SELECT_MAX);
      // `index` carries the message UUID, as upstream does.
      for (let i = 0; i < n; i++) out.push([String(id), queued[i].id, queued[i].event, queued[i].message]);
    }
    return out;
  },

  async insert(ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const id = sqlInt(fields.get('id')!);
    if (!(id >= 0)) return fail(SqlErrors.idNonNegative);
    const event = fields.get('event')!;
    const invalid = eventNameError(event);
    if (invalid) return fail(invalid);
    try {
      const { delivered } = await ctx.core.sendToUser(ctx.dev, id, event, fields.get('message')!);
      ctx.activity(delivered);
    } catch {
      return fail(SqlErrors.storageUnavailable);
    }
    return ok(0, id); // 0 rows whether delivered or queued; insert id = the user id (§7.9)
  },

  async delete(ctx, where) {
    // Re-impl: every queued message of the user goes (upstream kept same-second ones).
    const err = await durably(Promise.all(nonNegativeIds(where.get('id')).map((id) => ctx.core.deleteQueued(ctx.dev, id))));
    return err ? fail(err) : ok();
  },
};
