// Shared harness for the CometQL engine tests (no tests of its own): a real CometCore on a
// NullSink with a controllable clock, the engine, sessions, and browser connections whose
// links record the frames they are sent.
import { pino } from 'pino';
import { CometCore } from '../../src/core/comet.js';
import { Connection, sendBulkDirect, type ClientLink, type ConnectionMeta } from '../../src/core/connection.js';
import type { Envelope } from '../../src/client-protocol/envelope.js';
import { NullSink, type StorageSink } from '../../src/storage/storage.js';
import { buildConfig, type Config } from '../../src/config/config.js';
import { parseIni } from '../../src/config/ini-file.js';
import { ListenerStats, ServerStats } from '../../src/stats.js';
import { createCometqlEngine } from '../../src/cometql/engine.js';
import type { CometqlEngine, CometqlSession, QueryResult } from '../../src/cometql/result.js';

export const PASSWORD = 'CometQLPassword';

/** A browser link that records every frame (modern envelope JSON) and whether it was closed. */
export class RecordingLink implements ClientLink {
  readonly frames: string[] = [];
  closedWith: string | null = null;
  send(msg: Envelope): boolean {
    if (this.closedWith !== null) return false;
    this.frames.push(msg.json(false));
    return true;
  }
  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    return sendBulkDirect(this, msgs, accepted);
  }
  close(reason: string): void {
    this.closedWith = reason;
  }
  /** Frames parsed as JSON, skipping the serverInfo greeting. */
  messages(): Array<Record<string, unknown>> {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown>).filter((m) => m.event !== 'serverInfo');
  }
}

export function session(over: Partial<CometqlSession> = {}): CometqlSession {
  return { devId: 0, database: 'CometQL_v1', authenticated: true, user: 'root', clientAddress: '127.0.0.1', connectionId: 42, multiStatements: false, ...over };
}

export interface Harness {
  readonly engine: CometqlEngine;
  readonly core: CometCore;
  readonly config: Config;
  readonly stats: ServerStats;
  readonly sink: NullSink;
  readonly session: CometqlSession;
  /** The clock the core reads (unix seconds); tests move it. */
  now: number;
  /** Run one query on the default session and return its only (or last) result. */
  q(sql: string, s?: CometqlSession): Promise<QueryResult>;
  /** Open a browser connection (optionally authorised) subscribed to `pipes`. */
  connect(opts?: { dev?: number; userId?: number; key?: string; pipes?: readonly string[]; uuid?: string; meta?: Partial<ConnectionMeta> }): Promise<{ conn: Connection; link: RecordingLink }>;
}

export function harness(opts: { ini?: string; sink?: StorageSink; storageHealth?: () => { pending: number; failures: number; healthy: boolean } } = {}): Harness {
  const config = buildConfig(parseIni(`[main]\npassword = ${PASSWORD}\n${opts.ini ?? ''}`), 'test.ini');
  const sink = new NullSink(true);
  const h = { now: 1_700_000_000 } as Harness & { now: number };
  const core = new CometCore({
    password: config.main.password,
    sendUserOnlineEvents: false,
    sendUserOfflineEvents: false,
    saveUsersLastOnlineTime: true,
    queue: { maxPerUser: 1000, ttlSeconds: 0 },
    sink: opts.sink ?? sink,
    log: { warn: () => {}, info: () => {} },
    clock: () => h.now,
  });
  const stats = new ServerStats(new ListenerStats('ws', 0), new ListenerStats('cometql', 0));
  const engine = createCometqlEngine({
    core,
    config,
    stats,
    sink,
    storageHealth: opts.storageHealth ?? (() => ({ pending: 0, failures: 0, healthy: true })),
    log: pino({ enabled: false }),
  });
  const s = session();
  Object.assign(h, {
    engine,
    core,
    config,
    stats,
    sink,
    session: s,
    async q(sql: string, sess: CometqlSession = s) {
      const results = await engine.query(sess, sql);
      return results[results.length - 1];
    },
    async connect(o: Parameters<Harness['connect']>[0] = {}) {
      const link = new RecordingLink();
      const meta: ConnectionMeta = { userAgent: 'UA', ip: '10.0.0.1', origin: 'http://example.com', language: 'en', ...o.meta };
      const conn = new Connection(o.dev ?? 0, false, o.uuid ?? '', meta, h.now, link);
      await core.open(conn, o.userId ?? 0, o.key ?? '');
      for (const p of o.pipes ?? []) core.join(conn, p);
      return { conn, link };
    },
  });
  return h;
}
