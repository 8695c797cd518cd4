// The Redis PresenceManager (key layout in docs/DESIGN.md, "Cluster: keys and message flow").
// Entries are written per node and read filtered by liveness: a node whose heartbeat is older than
// nodeTtlMs is ignored at once and swept by the first live node that takes its lock. The node keeps
// a mirror of its own entries so it can rewrite them after an outage or after being swept.
import { HealthState } from './health.js';
import { ClusterKeys, DEFAULT_PREFIX, checkNodeId, ownedPipe, ownedUser, parseOwned } from './keys.js';
import { deliverSafely, type ClusterLog } from './log.js';
import { RedisLink, type RedisLinkOptions } from './redis-link.js';
import { CONNECT, DISCONNECT, HEARTBEAT, JOIN, LEAVE, REPLACE_NODE, SET_USER_COUNT } from './redis-scripts.js';
import {
  liveness,
  type ExpiryHandler,
  type LivenessOptions,
  type NodeExpiry,
  type NodeMember,
  type PipeMember,
  type PresenceManager,
} from './presence.js';

export interface RedisPresenceOptions extends RedisLinkOptions, LivenessOptions {
  readonly nodeId: string;
  readonly prefix?: string;
  /** How long a user's last-offline time is kept in Redis (default 7 days; users_time is the truth). */
  readonly lastOnlineTtlS?: number;
  /** Unix seconds. */
  readonly clock?: () => number;
}

const encodeMember = (m: PipeMember) => JSON.stringify([m.user, m.uuid]);

export class RedisPresence extends HealthState implements PresenceManager {
  readonly nodeId: string;
  private readonly keys: ClusterKeys;
  private readonly link: RedisLink;
  private readonly log: ClusterLog | undefined;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly lastTtl: string;
  private readonly clock: () => number;
  private onExpiry: ExpiryHandler = () => {};
  private timer: NodeJS.Timeout | undefined;
  /** Nodes whose heartbeat was stale at the last tick (unknown nodes count as alive). */
  private dead: string[] = [];
  private deadSet = new Set<string>();
  /** This node's own entries: owned entry -> members (pipes) and -> connection count (users). */
  private readonly myPipes = new Map<string, Map<number, PipeMember>>();
  private readonly myUsers = new Map<string, number>();
  private restoring = false;

  constructor(opts: RedisPresenceOptions) {
    super('connecting');
    this.nodeId = checkNodeId(opts.nodeId);
    this.keys = new ClusterKeys(opts.prefix ?? DEFAULT_PREFIX);
    this.log = opts.log;
    ({ heartbeatMs: this.heartbeatMs, ttlMs: this.ttlMs } = liveness(opts));
    this.lastTtl = String(opts.lastOnlineTtlS ?? 7 * 86_400);
    this.clock = opts.clock ?? (() => Math.floor(Date.now() / 1000));
    this.link = new RedisLink('presence', opts, `${this.keys.prefix}:${this.nodeId}`);
    this.link.on('state', (s) => {
      const wasDown = this.state === 'down';
      this.set(s);
      if (s === 'ready' && wasDown) void this.tick(true); // Redis may have lost or swept our entries
    });
  }

  setExpiryHandler(handler: ExpiryHandler): void {
    this.onExpiry = handler;
  }

  async start(): Promise<void> {
    await this.link.start();
    await this.heartbeat();
    this.timer = setInterval(() => void this.tick(false), this.heartbeatMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.link.close();
  }

  async join(dev: number, pipe: string, member: PipeMember): Promise<void> {
    const entry = ownedPipe(dev, pipe);
    let mine = this.myPipes.get(entry);
    if (!mine) this.myPipes.set(entry, (mine = new Map()));
    mine.set(member.conn, member);
    const k = this.keys;
    await Promise.all([
      this.link.script(JOIN, [k.pipeMembers(dev, pipe), k.pipeCounts(dev, pipe)], [`${this.nodeId}/${member.conn}`, encodeMember(member), this.nodeId]),
      mine.size === 1 ? this.link.call((c) => c.sAdd(k.owned(this.nodeId), entry)) : undefined,
    ]);
  }

  async leave(dev: number, pipe: string, conn: number): Promise<void> {
    const entry = ownedPipe(dev, pipe);
    const mine = this.myPipes.get(entry);
    if (!mine?.delete(conn)) return;
    if (mine.size === 0) this.myPipes.delete(entry);
    const k = this.keys;
    await Promise.all([
      this.link.script(LEAVE, [k.pipeMembers(dev, pipe), k.pipeCounts(dev, pipe)], [`${this.nodeId}/${conn}`, this.nodeId]),
      mine.size === 0 ? this.link.call((c) => c.sRem(k.owned(this.nodeId), entry)) : undefined,
    ]);
  }

  async members(dev: number, pipe: string): Promise<NodeMember[]> {
    const all = await this.link.call((c) => c.hGetAll(this.keys.pipeMembers(dev, pipe)));
    const out: NodeMember[] = [];
    for (const [field, value] of Object.entries(all)) {
      const slash = field.lastIndexOf('/');
      const node = field.slice(0, slash);
      if (this.deadSet.has(node)) continue;
      const [user, uuid] = JSON.parse(value) as [number, string];
      out.push({ node, conn: Number(field.slice(slash + 1)), user, uuid });
    }
    return out;
  }

  async count(dev: number, pipe: string): Promise<number> {
    const all = await this.link.call((c) => c.hGetAll(this.keys.pipeCounts(dev, pipe)));
    let n = 0;
    for (const [node, v] of Object.entries(all)) if (!this.deadSet.has(node)) n += Number(v);
    return n;
  }

  async connect(dev: number, user: number): Promise<{ first: boolean }> {
    const entry = ownedUser(dev, user);
    const n = (this.myUsers.get(entry) ?? 0) + 1;
    this.myUsers.set(entry, n);
    const [first] = await Promise.all([
      this.link.script<number>(CONNECT, [this.keys.userOnline(dev, user)], [this.nodeId, ...this.dead]),
      n === 1 ? this.link.call((c) => c.sAdd(this.keys.owned(this.nodeId), entry)) : undefined,
    ]);
    return { first: first === 1 };
  }

  async disconnect(dev: number, user: number, now: number): Promise<{ last: boolean }> {
    const entry = ownedUser(dev, user);
    const n = (this.myUsers.get(entry) ?? 0) - 1;
    if (n < 0) return { last: false };
    if (n === 0) this.myUsers.delete(entry);
    else this.myUsers.set(entry, n);
    const [last] = await Promise.all([
      this.link.script<number>(DISCONNECT, [this.keys.userOnline(dev, user)], [this.nodeId, String(now), this.lastTtl, ...this.dead]),
      n === 0 ? this.link.call((c) => c.sRem(this.keys.owned(this.nodeId), entry)) : undefined,
    ]);
    return { last: last === 1 };
  }

  async userNodes(dev: number, user: number): Promise<Map<string, number>> {
    return liveNodes(await this.userHash(dev, user), this.deadSet);
  }

  async lastOnline(dev: number, user: number): Promise<number | undefined> {
    const all = await this.userHash(dev, user);
    if (liveNodes(all, this.deadSet).size > 0) return 0;
    const t = all['t'];
    // '0' with nobody live: a dead node's users, until the sweep stamps their time.
    return t === undefined || t === '0' ? undefined : Number(t);
  }

  private userHash(dev: number, user: number): Promise<Record<string, string>> {
    return this.link.call((c) => c.hGetAll(this.keys.userOnline(dev, user)));
  }

  private async tick(afterOutage: boolean): Promise<void> {
    try {
      const lost = await this.heartbeat();
      if ((lost || afterOutage) && !this.restoring) await this.restore();
      for (const node of this.dead) if (node !== this.nodeId) await this.sweep(node);
    } catch (err) {
      this.log?.warn({ err }, 'cluster: presence heartbeat failed');
    }
  }

  /** Returns true when this node had been missing or stale (its entries may be gone). */
  private async heartbeat(): Promise<boolean> {
    const [dead, lost] = await this.link.script<[string[], number]>(HEARTBEAT, [this.keys.nodes()], [this.nodeId, String(this.ttlMs)]);
    this.dead = dead;
    this.deadSet = new Set(dead);
    return lost === 1;
  }

  /** Rewrite every entry of this node from the mirror (after an outage or after being swept). */
  private async restore(): Promise<void> {
    this.restoring = true;
    try {
      const k = this.keys;
      const stale = new Set(await this.link.call((c) => c.sMembers(k.owned(this.nodeId))));
      const work: Array<Promise<unknown>> = [];
      for (const [entry, members] of this.myPipes) {
        stale.delete(entry);
        const e = parseOwned(entry);
        if (e?.kind !== 'p') continue;
        const args = [this.nodeId];
        for (const m of members.values()) args.push(`${this.nodeId}/${m.conn}`, encodeMember(m));
        work.push(this.link.script(REPLACE_NODE, [k.pipeMembers(e.dev, e.pipe), k.pipeCounts(e.dev, e.pipe)], args));
      }
      for (const [entry, n] of this.myUsers) {
        stale.delete(entry);
        const e = parseOwned(entry);
        if (e?.kind === 'u') work.push(this.link.script(SET_USER_COUNT, [k.userOnline(e.dev, e.user)], [this.nodeId, String(n), '0', this.lastTtl]));
      }
      const owned = [...this.myPipes.keys(), ...this.myUsers.keys()];
      if (owned.length > 0) work.push(this.link.call((c) => c.sAdd(k.owned(this.nodeId), owned)));
      await Promise.all(work);
      // Entries left behind by calls that failed during the outage: removed like a dead node's.
      if (stale.size > 0) await this.removeEntries(this.nodeId, [...stale]);
    } finally {
      this.restoring = false;
    }
  }

  /** Remove a dead node's entries and report them, if this node wins the node's sweep lock. */
  private async sweep(node: string): Promise<void> {
    const k = this.keys;
    const locked = await this.link.call((c) => c.set(k.sweepLock(node), this.nodeId, { NX: true, PX: this.ttlMs }));
    if (locked !== 'OK') return;
    const entries = await this.link.call((c) => c.sMembers(k.owned(node)));
    const expiry = await this.removeEntries(node, entries);
    await this.link.call((c) => c.del(k.owned(node)));
    await this.link.call((c) => c.zRem(k.nodes(), node));
    deliverSafely(this.onExpiry, expiry, this.log);
  }

  private async removeEntries(node: string, entries: string[]): Promise<NodeExpiry> {
    const k = this.keys;
    const members: Array<NodeExpiry['members'][number]> = [];
    const offline: Array<NodeExpiry['offline'][number]> = [];
    const now = String(this.clock());
    await Promise.all(
      entries.map(async (s) => {
        const e = parseOwned(s);
        if (e?.kind === 'p') {
          const removed = await this.link.script<string[]>(REPLACE_NODE, [k.pipeMembers(e.dev, e.pipe), k.pipeCounts(e.dev, e.pipe)], [node]);
          for (let i = 0; i < removed.length; i += 2) {
            const [user, uuid] = JSON.parse(removed[i + 1]!) as [number, string];
            const field = removed[i]!;
            members.push({ dev: e.dev, pipe: e.pipe, member: { conn: Number(field.slice(field.lastIndexOf('/') + 1)), user, uuid } });
          }
        } else if (e?.kind === 'u') {
          const went = await this.link.script<number>(SET_USER_COUNT, [k.userOnline(e.dev, e.user)], [node, '0', now, this.lastTtl, ...this.dead]);
          if (went === 1) offline.push({ dev: e.dev, user: e.user });
        }
      }),
    );
    if (node === this.nodeId && entries.length > 0) await this.link.call((c) => c.sRem(k.owned(node), entries));
    return { node, members, offline };
  }
}

function liveNodes(all: Record<string, string>, dead: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [field, v] of Object.entries(all)) {
    if (!field.startsWith('n:')) continue;
    const node = field.slice(2);
    const n = Number(v);
    if (n > 0 && !dead.has(node)) out.set(node, n);
  }
  return out;
}
