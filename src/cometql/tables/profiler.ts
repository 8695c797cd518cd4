// profiler (COMETQL.md §4.11, OPT): TsComet keeps no internal timers, so the table is empty.
import { SqlErrors } from '../../errors.js';
import { columns, INT, TEXT, type TableDef } from './table.js';

export const profilerTable: TableDef = {
  name: 'profiler',
  columns: columns([['tag', TEXT], ['time', TEXT], ['calls', INT]]),
  key: null,
  selectKeys: null,
  deleteKeys: [],
  rejectInsert: SqlErrors.tableNotExist,
  rejectDelete: SqlErrors.tableNotExist,
  select: () => [],
};
