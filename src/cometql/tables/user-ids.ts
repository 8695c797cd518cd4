// User ids of a WHERE list: the digit-prefix conversion (§4.0), invalid ones skipped silently.
import { sqlInt } from '../../core/names.js';

/** Ids > 0 (users_auth, users_data); out-of-range and negative ones are skipped. */
export function positiveIds(values: readonly string[] | undefined): number[] {
  const out: number[] = [];
  for (const v of values ?? []) {
    const id = sqlInt(v);
    if (id > 0) out.push(id);
  }
  return out;
}

/** Ids >= 0 (users_time, users_messages). */
export function nonNegativeIds(values: readonly string[] | undefined): number[] {
  const out: number[] = [];
  for (const v of values ?? []) {
    const id = sqlInt(v);
    if (id >= 0) out.push(id);
  }
  return out;
}

/** One [id, value] row per listed id > 0 that has a value (users_auth, users_data SELECT). */
export function userValueRows(values: readonly string[] | undefined, lookup: (id: number) => string | undefined): string[][] {
  const out: string[][] = [];
  for (const id of positiveIds(values)) {
    const value = lookup(id);
    if (value !== undefined) out.push([String(id), value]);
  }
  return out;
}
