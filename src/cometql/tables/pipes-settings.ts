// pipes_settings (COMETQL.md §4.4): history length per pipe; DELETE also drops the history.
import { isValidPipeName, sqlInt, MAX_HISTORY_LENGTH } from '../../core/names.js';
import { ok, fail } from '../result.js';
import { columns, durably, missingField, pipeNameError, INT, TEXT, type Row, type TableDef } from './table.js';

const REQUIRED = ['name'] as const;

/** Upstream clamps above 1000 and wraps negatives to 1000; out-of-range text is "too big" too. */
function historyLength(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = sqlInt(value);
  return Number.isNaN(n) ? MAX_HISTORY_LENGTH : n;
}

export const pipesSettingsTable: TableDef = {
  name: 'pipes_settings',
  columns: columns([['name', TEXT], ['length', INT]]),
  key: 'name',
  selectKeys: ['name'],
  deleteKeys: ['name'],

  select(ctx, where) {
    const out: Row[] = [];
    for (const name of where.get('name') ?? []) {
      if (!isValidPipeName(name)) continue;
      const length = ctx.core.history.settings.get(ctx.dev, name);
      if (length !== undefined) out.push([name, String(length)]);
    }
    return out;
  },

  async insert(ctx, fields) {
    const missing = missingField(fields, REQUIRED);
    if (missing) return fail(missing);
    const name = fields.get('name')!;
    const invalid = pipeNameError(name);
    if (invalid) return fail(invalid);
    const err = await durably(ctx.core.setPipeHistoryLength(ctx.dev, name, historyLength(fields.get('length'))));
    return err ? fail(err) : ok(1, 0);
  },

  async delete(ctx, where) {
    const writes: Promise<void>[] = [];
    for (const name of where.get('name') ?? []) if (isValidPipeName(name)) writes.push(ctx.core.deletePipeSettings(ctx.dev, name));
    const err = await durably(Promise.all(writes));
    return err ? fail(err) : ok();
  },
};
