// The listener's one shared timer (no timer per connection): pings to idle WebSockets, maxUptime
// enforcement (SERVER.md §3.8), long-poll holds and expiry, sockets that linger after an end,
// and the global bound on bytes buffered for slow consumers.
import type { CometCore } from '../core/comet.js';
import type { WsLink } from './ws-connection.js';
import type { PollSessions } from './long-poll.js';
import type { LingeringSockets } from './lingering.js';
import type { BufferBudget } from './buffer-budget.js';

const TICK_MS = 1000;

export interface SweepSettings {
  readonly pingInterval: number; // seconds, 0 = never
  readonly uptimeTestInterval: number; // seconds, 0 = off
  readonly maxUptime: number; // seconds, 0 = off
}

export class ListenerSweep {
  private timer: NodeJS.Timeout | undefined;
  /** Coarse clock in whole seconds (read by the hot paths instead of Date.now()). */
  private seconds = Math.floor(Date.now() / 1000);
  private nextPing = 0;
  private nextUptime = 0;

  constructor(
    private readonly settings: SweepSettings,
    private readonly core: CometCore,
    private readonly links: ReadonlySet<WsLink>,
    private readonly lingering: LingeringSockets,
    private readonly budget: BufferBudget,
    private readonly polls: PollSessions,
  ) {}

  now(): number {
    return this.seconds;
  }

  start(): void {
    this.nextPing = this.seconds + this.settings.pingInterval;
    this.nextUptime = this.seconds + this.settings.uptimeTestInterval;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    const now = (this.seconds = Math.floor(Date.now() / 1000));
    const { pingInterval, uptimeTestInterval, maxUptime } = this.settings;
    if (pingInterval > 0 && now >= this.nextPing) {
      this.nextPing = now + pingInterval;
      for (const link of this.links) link.pingIfIdle(now, pingInterval);
    }
    if (uptimeTestInterval > 0 && now >= this.nextUptime) {
      this.nextUptime = now + uptimeTestInterval;
      if (maxUptime > 0) this.enforceMaxUptime(now, maxUptime);
    }
    this.lingering.sweep(now);
    this.budget.enforce(this.links, now);
    this.polls.sweep(now);
    this.core.applyDeferredSubscriptions();
  }

  /** Close connections older than maxUptime through the normal path (offline events, users_time). */
  private enforceMaxUptime(now: number, maxUptime: number): void {
    const old = [];
    for (const c of this.core.connections) if (now - c.connectedAt > maxUptime) old.push(c);
    for (const c of old) {
      c.link.close('maxUptime reached');
      this.core.close(c);
    }
  }
}
