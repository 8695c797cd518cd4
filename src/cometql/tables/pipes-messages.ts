// pipes_messages (COMETQL.md §4.1): INSERT publishes to a pipe, SELECT reads its history,
// DELETE drops a pipe's history (by name) or single messages (by id).
import { isValidPipeName } from '../../core/names.js';
import { ok, fail, type QueryResult } from '../result.js';
import { columns, durably, eventNameError, missingField, pipeNameError, INT, TEXT, type Row, type TableDef } from './table.js';

const REQUIRED = ['name', 'event', 'message'] as const;
/** OK, 0 rows affected, insert id 0, whatever the number of receivers (§7.9). */
const PUBLISHED = ok(0, 0);

export const pipesMessagesTable: TableDef = {
  name: 'pipes_messages',
  columns: columns([['id', TEXT], ['time', INT], ['name', TEXT], ['index', INT], ['event', TEXT], ['message', TEXT], ['user_id', INT]]),
  key: 'name',
  selectKeys: ['name'],
  deleteKeys: ['name', 'id'],

  select(ctx, where) {
    const out: Row[] = [];
    let index = 0; // runs across every listed pipe
    for (const name of where.get('name') ?? []) {
      if (!isValidPipeName(name)) continue;
      for (const r of ctx.core.pipeHistory(ctx.dev, name)) {
        out.push([r.id, String(r.time), r.pipe, String(index++), r.event, r.message, String(r.userId)]);
      }
    }
    return out;
  },

  insert(ctx, fields): QueryResult {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const name = fields.get('name')!;
    const event = fields.get('event')!;
    const invalid = pipeNameError(name) ?? eventNameError(event);
    if (invalid) return fail(invalid);
    ctx.activity(ctx.core.publish(ctx.dev, name, event, fields.get('message')!));
    return PUBLISHED;
  },

  async delete(ctx, where) {
    const writes: Promise<void>[] = [];
    for (const name of where.get('name') ?? []) if (isValidPipeName(name)) writes.push(ctx.core.deletePipeHistory(ctx.dev, name));
    // A message id qualifies with the pipe-name rule (a UUID does).
    for (const id of where.get('id') ?? []) if (isValidPipeName(id)) writes.push(ctx.core.deleteHistoryMessage(ctx.dev, id));
    const err = await durably(Promise.all(writes));
    return err ? fail(err) : ok();
  },
};
