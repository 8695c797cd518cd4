// Creation order for history and queue rows read from a database without a seq column
// (an upstream CppComet schema): by the row's second, then by the timestamp inside its
// version-1 UUID id, which counts 100 ns ticks and so orders rows created in the same second.

export interface TimedRow {
  readonly time: number;
  readonly id: string;
}

const UUID_V1 = /^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 60-bit UUID v1 timestamp as [high 28 bits + mid 16 bits, low 32 bits]; undefined otherwise. */
export function uuidV1Ticks(id: string): [number, number] | undefined {
  const m = UUID_V1.exec(id);
  if (!m) return undefined;
  const high = Number.parseInt(m[3], 16) * 0x10000 + Number.parseInt(m[2], 16);
  return [high, Number.parseInt(m[1], 16)];
}

interface CreationKey {
  readonly time: number;
  readonly ticks: [number, number] | undefined;
  readonly id: string;
}

function keyOf(row: TimedRow): CreationKey {
  return { time: row.time, ticks: uuidV1Ticks(row.id), id: row.id };
}

function compareKeys(a: CreationKey, b: CreationKey): number {
  if (a.time !== b.time) return a.time - b.time;
  if (a.ticks && b.ticks) {
    if (a.ticks[0] !== b.ticks[0]) return a.ticks[0] - b.ticks[0];
    if (a.ticks[1] !== b.ticks[1]) return a.ticks[1] - b.ticks[1];
  } else if (a.ticks || b.ticks) {
    return a.ticks ? 1 : -1; // foreign (non-UUID) ids first within their second
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Compare two rows by creation: second, then UUID v1 ticks, then id text. */
export function compareCreation(a: TimedRow, b: TimedRow): number {
  return compareKeys(keyOf(a), keyOf(b));
}

/** Rows in creation order (a new array); used only when the table has no seq column. */
export function sortByCreation<T extends TimedRow>(rows: readonly T[]): T[] {
  const keyed = rows.map((row) => ({ row, key: keyOf(row) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return keyed.map((k) => k.row);
}
