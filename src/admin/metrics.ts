// Prometheus metrics (prom-client). Gauges are computed at scrape time from the live state, so
// the hot path only pays for counter increments.
import { Registry, Counter, Gauge, collectDefaultMetrics } from 'prom-client';
import type { CometCore } from '../core/comet.js';
import type { ServerStats } from '../stats.js';

export interface StorageHealth {
  pending: number;
  failures: number;
  healthy: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  /** CometQL statements by table (or statement kind) and result (ok | rows | error code). */
  readonly queries: Counter<'table' | 'result'>;

  constructor(core: CometCore, stats: ServerStats, storage: () => StorageHealth) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'tscomet_process_' });
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({ name, help, registers: [r], collect() { this.set(value()); } });
    gauge('tscomet_ws_connections', 'Open browser connections (WebSocket and long-poll)', () => core.connectionCount());
    gauge('tscomet_cometql_connections', 'Open CometQL connections', () => stats.backend.online);
    gauge('tscomet_users_online', 'Users with at least one authorised connection', () => core.presence.onlineUsers());
    gauge('tscomet_pipes', 'Pipes with at least one subscriber', () => core.hub.pipeCount());
    gauge('tscomet_subscriptions', 'Pipe subscriptions over all connections', () => {
      let n = 0;
      for (const c of core.connections) n += c.subscriptions.size;
      return n;
    });
    gauge('tscomet_offline_queue_users', 'Users with queued private messages', () => core.queue.size());
    gauge('tscomet_storage_pending_writes', 'Writes waiting for the store', () => storage().pending);
    gauge('tscomet_storage_failures', 'Failed store batches since start', () => storage().failures);
    gauge('tscomet_storage_healthy', '1 when the last store write succeeded', () => (storage().healthy ? 1 : 0));
    // Totals the core already counts, exposed as counters read at scrape time.
    const counterFrom = (name: string, help: string, value: () => number) =>
      new Counter({ name, help, registers: [r], collect() { this.reset(); this.inc(value()); } });
    counterFrom('tscomet_pipe_messages_total', 'Messages published into pipes (CometQL and browsers)', () => core.counters.pipeMessages);
    counterFrom('tscomet_private_messages_total', 'Private messages accepted (delivered or queued)', () => core.counters.privateMessages);
    counterFrom('tscomet_deliveries_total', 'Frames written to browser connections by fan-out', () => core.counters.deliveries);
    counterFrom('tscomet_ws_connections_opened_total', 'Browser connections accepted', () => core.counters.connectionsOpened);
    counterFrom('tscomet_cometql_connections_opened_total', 'CometQL connections accepted', () => stats.backend.accepted);
    this.queries = new Counter({ name: 'tscomet_cometql_queries_total', help: 'CometQL statements by table and result', labelNames: ['table', 'result'], registers: [r] });
  }
}
