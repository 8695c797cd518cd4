// SHOW [flag] STATUS (COMETQL.md §3.7): session and global rows with upstream's names; the
// OS flags are in os-status.ts. TsComet appends its storage-health rows to the global form.
import type { CometCore } from '../../core/comet.js';
import type { ListenerStats, ServerStats } from '../../stats.js';
import type { StatusFlag } from '../sql/ast.js';
import { sqlLike } from '../sql/like.js';
import { fail, rows, type CometqlSession, type QueryResult } from '../result.js';
import { osStatusRows } from './os-status.js';

export interface StorageHealth {
  readonly pending: number;
  readonly failures: number;
  readonly healthy: boolean;
}

export interface StatusSources {
  readonly core: CometCore;
  readonly stats: ServerStats;
  readonly storageHealth: () => StorageHealth;
  /** Activity counter of a dev_id (statements and frames written; approximate, as upstream). */
  readonly activityOf: (dev: number) => number;
}

const COLUMNS = ['Variable_name', 'Value'];

function sessionRows(session: CometqlSession, src: StatusSources): string[][] {
  return [
    ['flag', 'session'],
    ['id', String(session.devId)],
    ['user_online', String(src.core.connectionCount(session.devId))],
    // Per-dev CometQL session counts are not kept; the listener's total stands in for it.
    ['server_online', String(src.stats.backend.online)],
    ['messages', String(src.activityOf(session.devId))],
  ];
}

function rate(count: number, uptime: number): string {
  return (count / Math.max(uptime, 1)).toFixed(2);
}

function globalRows(src: StatusSources): string[][] {
  const up = src.stats.uptimeSeconds();
  const fe: ListenerStats = src.stats.frontend;
  const be: ListenerStats = src.stats.backend;
  const health = src.storageHealth();
  return [
    ['flag', 'global'],
    ['uptime', String(up)],
    ['uptime_in_hours', (up / 3600).toFixed(2)],
    ['uptime_in_days', (up / 86400).toFixed(2)],
    ['frontend_name', fe.name],
    ['backend_name', be.name],
    ['frontend_stat_interval', String(fe.statInterval)],
    ['backend_stat_interval', String(be.statInterval)],
    ['frontend_online', String(fe.online)],
    ['backend_online', String(be.online)],
    ['frontend_messages', String(fe.messages)],
    ['backend_messages', String(be.messages)],
    ['frontend_add_client', String(fe.accepted)],
    ['backend_add_client', String(be.accepted)],
    ['frontend_delete_client', String(fe.closed)],
    ['backend_delete_client', String(be.closed)],
    ['frontend_messages_ps', rate(fe.messages, up)],
    ['backend_messages_ps', rate(be.messages, up)],
    ['frontend_add_client_ps', rate(fe.accepted, up)],
    ['backend_add_client_ps', rate(be.accepted, up)],
    ['frontend_delete_client_ps', rate(fe.closed, up)],
    ['backend_delete_client_ps', rate(be.closed, up)],
    ['network_events', '0.000000'],
    // TsComet additions (after every upstream row, so positional readers are unaffected).
    ['storage_pending_writes', String(health.pending)],
    ['storage_write_failures', String(health.failures)],
    ['storage_healthy', health.healthy ? '1' : '0'],
  ];
}

export async function showStatus(flag: StatusFlag | null, like: string | null, session: CometqlSession, src: StatusSources): Promise<QueryResult> {
  let data: string[][];
  if (flag === null || flag === 'session') data = sessionRows(session, src);
  else if (flag === 'global') data = globalRows(src);
  else {
    const os = await osStatusRows(flag);
    if ('errno' in os) return fail(os);
    data = os;
  }
  return rows(COLUMNS, like === null ? data : data.filter((r) => sqlLike(r[0], like)));
}
