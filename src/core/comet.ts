// The core facade: the one place where pipes, users, auth, presence, history and the offline
// queue meet. Transports and CometQL tables call it; it never touches sockets or SQL.
import type { Connection } from './connection.js';
import { Hub, LocalBroker, type Broker } from './hub.js';
import { MemoryPresence, type Presence } from './presence.js';
import { AuthRegistry } from './auth.js';
import { canonicalSpelling } from './jwt-encoding.js';
import { HistoryStore } from './history.js';
import { OfflineQueue, type QueueLimits } from './offline-queue.js';
import { DevMap } from './keyed.js';
import type { Snapshot, StorageSink, HistoryRow, QueuedRow } from '../storage/storage.js';
import * as msg from '../client-protocol/messages.js';

export interface CoreLog {
  warn(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
}

/** Per-connection limits (configurable in [ws]); every hit is logged. */
export interface CoreLimits {
  readonly maxSubscriptions: number;
  readonly maxConnectionsPerUser: number;
  /** web_ publishes per connection per second; 0 = unlimited. */
  readonly webPublishRate: number;
  /** Subscription changes applied per connection per second; 0 = unlimited. */
  readonly subscriptionRate: number;
}

export const DEFAULT_LIMITS: CoreLimits = { maxSubscriptions: 32, maxConnectionsPerUser: 16, webPublishRate: 100, subscriptionRate: 10 };

export interface CoreOptions {
  readonly password: string;
  readonly sendUserOnlineEvents: boolean;
  readonly sendUserOfflineEvents: boolean;
  readonly saveUsersLastOnlineTime: boolean;
  readonly queue: QueueLimits;
  readonly sink: StorageSink;
  readonly log: CoreLog;
  /** Unix time in seconds. */
  readonly clock?: () => number;
  readonly broker?: Broker;
  readonly presence?: Presence;
  readonly limits?: CoreLimits;
}

export interface CoreCounters {
  /** Messages published into pipes (CometQL and browsers). */
  pipeMessages: number;
  /** Private messages accepted (live or queued). */
  privateMessages: number;
  /** Frames written to browser connections by fan-out. */
  deliveries: number;
  connectionsOpened: number;
  connectionsClosed: number;
}

export class CometCore {
  readonly hub = new Hub();
  readonly broker: Broker;
  readonly presence: Presence;
  readonly auth: AuthRegistry;
  readonly history: HistoryStore;
  readonly queue: OfflineQueue;
  readonly userData = new DevMap<number, string>();
  readonly counters: CoreCounters = { pipeMessages: 0, privateMessages: 0, deliveries: 0, connectionsOpened: 0, connectionsClosed: 0 };
  /** Every open browser connection (for counts and the shared sweep). */
  readonly connections = new Set<Connection>();
  /** Connections whose latest subscription list waits for budget (over [ws] subscription_rate). */
  private readonly deferred = new Set<Connection>();
  private readonly perDev = new Map<number, number>();
  /** All authorised connections per user, registered or not (for forced disconnects). */
  private readonly byUser = new DevMap<number, Set<Connection>>();
  readonly now: () => number;
  readonly limits: CoreLimits;
  readonly log: CoreLog;
  private readonly sink: StorageSink;
  /** Offline-queue flushes in progress, per user. */
  private readonly flushing = new DevMap<number, Promise<void>>();

  constructor(private readonly opts: CoreOptions) {
    this.now = opts.clock ?? (() => Math.floor(Date.now() / 1000));
    this.sink = opts.sink;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.log = opts.log;
    this.broker = opts.broker ?? new LocalBroker(this.hub);
    this.presence = opts.presence ?? new MemoryPresence(this.limits.maxConnectionsPerUser);
    this.auth = new AuthRegistry(opts.password);
    this.history = new HistoryStore(opts.sink);
    this.queue = new OfflineQueue(opts.sink, opts.queue, (m, d) => opts.log.warn(d, m));
  }

  /** Fill memory from storage at startup (no writes). */
  load(s: Snapshot): void {
    for (const r of s.auth) this.auth.hashes.set(r.dev, r.user, r.hash);
    for (const r of s.userData) this.userData.set(r.dev, r.user, r.data);
    for (const r of s.revoked) this.auth.revoked.add(r.dev, r.token); // re-keyed canonically
    for (const r of s.pipeSettings) this.history.settings.set(r.dev, r.pipe, r.length);
    for (const r of s.history) this.history.restore(r.dev, r.row);
    for (const r of s.queue) this.queue.restore(r.dev, r.row);
    for (const r of s.userTime) this.presence.seed(r.dev, r.user, r.time);
  }

  /** Resolves when every write so far is durable (or safely buffered during an outage). */
  durable(): Promise<void> {
    return this.sink.durable();
  }

  // ---------------------------------------------------------------- browser connections

  /**
   * Authenticate a new connection and bring it online (PROTOCOL.md §3): the user is registered
   * online before serverInfo is sent (ruling 12), then the offline queue is flushed.
   */
  async open(conn: Connection, requestedUserId: number, session: string): Promise<void> {
    if (conn.closed) return; // closed before it was opened (e.g. a close frame right behind the upgrade)
    this.connections.add(conn);
    this.perDev.set(conn.devId, (this.perDev.get(conn.devId) ?? 0) + 1);
    this.counters.connectionsOpened++;
    const authorized = requestedUserId > 0 && (await this.auth.authenticate(conn.devId, requestedUserId, session, this.now()));
    if (conn.closed) return; // went away while we were verifying
    const now = this.now();
    if (authorized) {
      conn.userId = requestedUserId;
      conn.authorized = true;
      let set = this.byUser.get(conn.devId, conn.userId);
      if (!set) this.byUser.set(conn.devId, conn.userId, (set = new Set()));
      set.add(conn);
      const { first } = this.presence.register(conn);
      if (first) this.wentOnline(conn.devId, conn.userId);
    }
    conn.send(msg.serverInfo(authorized, authorized ? (this.auth.hashes.get(conn.devId, conn.userId) ?? '') : '', now));
    if (authorized) this.flushQueue(conn, now).catch((err: Error) => this.log.warn({ err: err.message, conn: conn.id }, 'offline queue flush failed'));
  }

  /**
   * Deliver the user's offline queue to one connection, paced by the link's backpressure. A row is
   * removed only once the link accepted its bytes; rows not accepted (the link died) stay queued.
   * One flush per user at a time: a second device connecting meanwhile flushes what is left after.
   */
  private async flushQueue(conn: Connection, now: number): Promise<void> {
    const { devId: dev, userId: user } = conn;
    for (let running = this.flushing.get(dev, user); running; running = this.flushing.get(dev, user)) await running;
    if (conn.closed) return;
    const rows = this.queue.peek(dev, user, now);
    if (rows.length === 0) return;
    let removed = 0;
    const flush = conn
      .sendBulk(
        rows.map((r) => msg.queuedPrivateMessage(r.event, r.message, r.time)),
        (n) => {
          this.queue.remove(dev, user, new Set(rows.slice(removed, n).map((r) => r.id)));
          removed = n;
        },
      )
      .then(() => undefined);
    this.flushing.set(dev, user, flush);
    try {
      await flush;
    } finally {
      if (this.flushing.get(dev, user) === flush) this.flushing.delete(dev, user);
    }
  }

  /** Forget a closed connection: leave its pipes (track_ events) and maybe go offline. */
  close(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    if (!this.connections.delete(conn)) return;
    this.counters.connectionsClosed++;
    const n = (this.perDev.get(conn.devId) ?? 1) - 1;
    if (n <= 0) this.perDev.delete(conn.devId);
    else this.perDev.set(conn.devId, n);
    this.leaveAll(conn);
    this.deferred.delete(conn);
    if (conn.authorized) {
      const set = this.byUser.get(conn.devId, conn.userId);
      set?.delete(conn);
      if (set && set.size === 0) this.byUser.delete(conn.devId, conn.userId);
      const now = this.now();
      if (this.presence.unregister(conn, now).last) this.wentOffline(conn.devId, conn.userId, now);
    }
  }

  private wentOnline(dev: number, user: number): void {
    if (this.opts.saveUsersLastOnlineTime) this.sink.write({ op: 'userTime.put', dev, user, time: 0 });
    if (this.opts.sendUserOnlineEvents) this.broker.publish(dev, `user_status_${user}`, msg.userStatusEvent(user, 'online'));
  }

  private wentOffline(dev: number, user: number, now: number): void {
    if (this.opts.saveUsersLastOnlineTime) this.sink.write({ op: 'userTime.put', dev, user, time: now });
    if (this.opts.sendUserOfflineEvents) this.broker.publish(dev, `user_status_${user}`, msg.userStatusEvent(user, 'offline'));
  }

  /** Browser connections of one dev_id. */
  connectionCount(dev?: number): number {
    return dev === undefined ? this.connections.size : (this.perDev.get(dev) ?? 0);
  }

  /** Close every connection of the user on this node (auth deleted or token revoked). */
  disconnectUser(dev: number, user: number, reason: string): number {
    const set = this.byUser.get(dev, user);
    if (!set) return 0;
    const conns = [...set];
    for (const c of conns) {
      c.link.close(reason);
      this.close(c);
    }
    return conns.length;
  }

  // ---------------------------------------------------------------- subscriptions

  /**
   * Replace the connection's subscriptions (PROTOCOL.md §6.1): leave every pipe (track_ pipes
   * announce `unsubscription`), then join each name in order (track_ pipes announce
   * `subscription` to the existing members first). Anonymous connections skip private_ names.
   */
  /**
   * A subscription command: applied now while the connection is within [ws] subscription_rate,
   * else only the latest list is kept and applied by the shared sweep in a later second, so one
   * connection's track_ announcements are bounded by rate x members per second.
   */
  requestSubscriptions(conn: Connection, names: readonly string[]): void {
    if (!this.takeSubscriptionChange(conn, this.now())) {
      conn.deferredSubscriptions = names;
      this.deferred.add(conn);
      return;
    }
    this.deferred.delete(conn);
    conn.deferredSubscriptions = undefined;
    this.replaceSubscriptions(conn, names);
  }

  /** Shared sweep: apply each deferred list whose connection has budget again. */
  applyDeferredSubscriptions(): void {
    const now = this.now();
    for (const conn of this.deferred) {
      if (!this.takeSubscriptionChange(conn, now)) continue;
      this.deferred.delete(conn);
      const names = conn.deferredSubscriptions ?? [];
      conn.deferredSubscriptions = undefined;
      this.replaceSubscriptions(conn, names);
    }
  }

  /** One change from this second's budget (a window per second on the connection, no timers). */
  private takeSubscriptionChange(conn: Connection, now: number): boolean {
    const limit = this.limits.subscriptionRate;
    if (limit <= 0) return true;
    if (conn.subscriptionSecond !== now) {
      conn.subscriptionSecond = now;
      conn.subscriptionCount = 0;
    }
    if (conn.subscriptionCount < limit) {
      conn.subscriptionCount++;
      return true;
    }
    if (conn.subscriptionCount === limit) {
      conn.subscriptionCount++; // log once per connection and second
      this.log.warn({ conn: conn.id, limit }, 'limit hit: subscription changes per second (latest list deferred)');
    }
    return false;
  }

  replaceSubscriptions(conn: Connection, names: readonly string[]): void {
    this.leaveAll(conn);
    for (const name of names) this.join(conn, name);
  }

  /** Leave every pipe (the removal phase; also run on disconnect). */
  leaveAll(conn: Connection): void {
    if (conn.subscriptions.size === 0) return;
    const now = this.now();
    for (const pipe of conn.subscriptions) {
      this.hub.remove(conn, pipe);
      if (pipe.startsWith('track_')) this.broker.publish(conn.devId, pipe, msg.trackEvent(pipe, 'unsubscription', conn.userId, conn.uuid, now));
    }
    conn.clearSubscriptions();
  }

  /** Join one pipe; false when skipped (anonymous private_, or already subscribed). */
  join(conn: Connection, pipe: string): boolean {
    if (conn.subscriptions.has(pipe)) return false; // set semantics (upstream doubles)
    if (!conn.authorized && pipe.startsWith('private_')) return false;
    if (pipe.startsWith('track_')) this.broker.publish(conn.devId, pipe, msg.trackEvent(pipe, 'subscription', conn.userId, conn.uuid, this.now()));
    conn.addSubscription(pipe);
    this.hub.add(conn, pipe);
    return true;
  }

  // ---------------------------------------------------------------- publishing

  /**
   * A pipe message from CometQL (no sender) or from a browser (`sender` set): stored in the
   * history when enabled, then fanned out once-serialized. Returns the number of frames written.
   */
  publish(dev: number, pipe: string, event: string, message: string, sender?: { conn: Connection; userId: number }): number {
    const now = this.now();
    this.counters.pipeMessages++;
    this.history.record(dev, pipe, event, message, sender?.userId ?? 0, now);
    const n = this.broker.publish(dev, pipe, msg.pipeMessage(pipe, event, message, now, sender?.userId), sender?.conn);
    this.counters.deliveries += n;
    return n;
  }

  /**
   * A private message (users_messages): written to every registered connection of the user; if
   * none took it, queued. Resolves once a queued message is durable (see docs/DESIGN.md).
   */
  async sendToUser(dev: number, userId: number, event: string, message: string): Promise<{ delivered: number; queued: boolean }> {
    this.counters.privateMessages++;
    let delivered = 0;
    if (userId > 0) {
      const m = msg.privateMessage(event, message);
      for (const c of this.presence.connections(dev, userId)) if (c.send(m)) delivered++;
    }
    this.counters.deliveries += delivered;
    if (delivered > 0) return { delivered, queued: false };
    this.queue.enqueue(dev, userId, event, message, this.now());
    await this.sink.durable();
    return { delivered: 0, queued: true };
  }

  // ---------------------------------------------------------------- reads

  /** users_time semantics (COMETQL.md §7.5): 0 online, last disconnect time, or -1. */
  userTime(dev: number, user: number): number {
    return this.presence.lastOnline(dev, user) ?? -1;
  }

  pipeHistory(dev: number, pipe: string): readonly HistoryRow[] {
    return this.history.read(dev, pipe);
  }

  queued(dev: number, user: number): readonly QueuedRow[] {
    return this.queue.peek(dev, user, this.now());
  }

  // ---------------------------------------------------------------- durable admin writes

  setAuthHash(dev: number, user: number, hash: string): Promise<void> {
    this.auth.hashes.set(dev, user, hash);
    this.sink.write({ op: 'auth.put', dev, user, hash });
    return this.sink.durable();
  }

  deleteAuthHash(dev: number, user: number): Promise<void> {
    this.auth.hashes.delete(dev, user);
    this.sink.write({ op: 'auth.delete', dev, user });
    this.disconnectUser(dev, user, 'auth hash deleted');
    return this.sink.durable();
  }

  setUserData(dev: number, user: number, data: string): Promise<void> {
    this.userData.set(dev, user, data);
    this.sink.write({ op: 'userData.put', dev, user, data });
    return this.sink.durable();
  }

  deleteUserData(dev: number, user: number): Promise<void> {
    this.userData.delete(dev, user);
    this.sink.write({ op: 'userData.delete', dev, user });
    return this.sink.durable();
  }

  /** Revoke a token; if it verifies, drop the user's hash and connections (COMETQL.md §4.9). */
  async revokeToken(dev: number, token: string): Promise<void> {
    // Verify first: the writes and durable() must happen in one turn (group commit attribution).
    // Any spelling of a valid token drops its user, like the token itself.
    const claims = await this.auth.verifyJwt(dev, canonicalSpelling(token), this.now());
    this.auth.revoked.add(dev, token);
    this.sink.write({ op: 'revoked.put', dev, token });
    if (claims && claims.userId > 0) {
      if (this.auth.hashes.delete(dev, claims.userId)) this.sink.write({ op: 'auth.delete', dev, user: claims.userId });
      this.disconnectUser(dev, claims.userId, 'token revoked');
    }
    return this.sink.durable();
  }

  unrevokeToken(dev: number, token: string): Promise<void> {
    this.auth.revoked.delete(dev, token);
    this.sink.write({ op: 'revoked.delete', dev, token });
    return this.sink.durable();
  }

  setPipeHistoryLength(dev: number, pipe: string, length: number): Promise<void> {
    this.history.setLength(dev, pipe, length);
    return this.sink.durable();
  }

  deletePipeSettings(dev: number, pipe: string): Promise<void> {
    this.history.deleteSettings(dev, pipe);
    return this.sink.durable();
  }

  deletePipeHistory(dev: number, pipe: string): Promise<void> {
    this.history.deletePipe(dev, pipe);
    return this.sink.durable();
  }

  deleteHistoryMessage(dev: number, id: string): Promise<void> {
    this.history.deleteMessage(dev, id);
    return this.sink.durable();
  }

  deleteQueued(dev: number, user: number): Promise<void> {
    this.queue.clear(dev, user);
    return this.sink.durable();
  }

  /** Close every browser connection (shutdown): users go offline, users_time is written. */
  closeAll(reason: string): void {
    for (const c of [...this.connections]) {
      c.link.close(reason);
      this.close(c);
    }
  }
}
