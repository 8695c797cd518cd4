// A real CometCore with an in-memory sink and connections whose link records frames (v4 JSON).
import { CometCore, type CoreOptions } from '../../src/core/comet.js';
import { Connection, sendBulkDirect, type ClientLink } from '../../src/core/connection.js';
import { NullSink } from '../../src/storage/storage.js';
import type { Envelope } from '../../src/client-protocol/envelope.js';

export class RecordingLink implements ClientLink {
  readonly frames: string[] = [];
  closedReason: string | null = null;
  constructor(private readonly legacy = false, public accept = true) {}
  send(msg: Envelope): boolean {
    if (!this.accept) return false;
    this.frames.push(msg.json(this.legacy));
    return true;
  }
  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    return sendBulkDirect(this, msgs, accepted);
  }
  close(reason: string): void {
    this.closedReason = reason;
  }
  parsed(): Array<Record<string, unknown>> {
    return this.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
  }
}

export interface Fixture {
  core: CometCore;
  sink: NullSink;
  clock: { now: number };
  warnings: string[];
  connect(opts?: { dev?: number; user?: number; session?: string; legacy?: boolean; uuid?: string }): Promise<{ conn: Connection; link: RecordingLink }>;
}

export const PASSWORD = 'CometQLPassword';

export function fixture(overrides: Partial<CoreOptions> = {}): Fixture {
  const sink = new NullSink(true);
  const clock = { now: 1700000000 };
  const warnings: string[] = [];
  const core = new CometCore({
    password: PASSWORD,
    sendUserOnlineEvents: true,
    sendUserOfflineEvents: true,
    saveUsersLastOnlineTime: true,
    queue: { maxPerUser: 1000, ttlSeconds: 0 },
    sink,
    log: { warn: (_d, m) => warnings.push(m), info: () => {} },
    clock: () => clock.now,
    ...overrides,
  });
  return {
    core,
    sink,
    clock,
    warnings,
    async connect(opts = {}) {
      const link = new RecordingLink(opts.legacy ?? false);
      const conn = new Connection(opts.dev ?? 0, opts.legacy ?? false, opts.uuid ?? 'U'.repeat(32), { userAgent: 'test', ip: '127.0.0.1', origin: '', language: '' }, clock.now, link);
      await core.open(conn, opts.user ?? 0, opts.session ?? '');
      return { conn, link };
    },
  };
}
