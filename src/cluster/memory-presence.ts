// The in-process PresenceManager: a store shared by the nodes of one process (one node by default),
// with the same liveness rules as the Redis one, so the conformance suite runs the same cases.
import { ClusterError } from './cluster-error.js';
import { HealthState } from './health.js';
import { checkNodeId } from './keys.js';
import { deliverSafely, type ClusterLog } from './log.js';
import {
  liveness,
  type ExpiryHandler,
  type LivenessOptions,
  type NodeExpiry,
  type NodeMember,
  type PipeMember,
  type PresenceManager,
} from './presence.js';

interface UserEntry {
  /** node -> connections there */
  readonly nodes: Map<string, number>;
  /** 0 while online, else the last-offline unix time; undefined never seen. */
  last: number | undefined;
}

/** What the memory presence managers of one "cluster" share. */
export class MemoryPresenceStore {
  /** node -> last heartbeat (ms) */
  readonly beats = new Map<string, number>();
  /** `dev:pipe` -> `node/conn` -> member */
  readonly pipes = new Map<string, Map<string, NodeMember>>();
  /** `dev:user` -> entry */
  readonly users = new Map<string, UserEntry>();
}

export interface MemoryPresenceOptions extends LivenessOptions {
  readonly nodeId?: string;
  readonly store?: MemoryPresenceStore;
  readonly log?: ClusterLog;
  /** Milliseconds, for heartbeats. */
  readonly clockMs?: () => number;
  /** Unix seconds, for the last-offline time of a swept node's users. */
  readonly clock?: () => number;
}

const pipeKey = (dev: number, pipe: string) => `${dev}:${pipe}`;
const userKey = (dev: number, user: number) => `${dev}:${user}`;

export class MemoryPresence extends HealthState implements PresenceManager {
  readonly nodeId: string;
  private readonly store: MemoryPresenceStore;
  private readonly heartbeatMs: number;
  private readonly ttlMs: number;
  private readonly clockMs: () => number;
  private readonly clock: () => number;
  private readonly log: ClusterLog | undefined;
  private onExpiry: ExpiryHandler = () => {};
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: MemoryPresenceOptions = {}) {
    super('connecting');
    this.nodeId = checkNodeId(opts.nodeId ?? 'local');
    this.store = opts.store ?? new MemoryPresenceStore();
    ({ heartbeatMs: this.heartbeatMs, ttlMs: this.ttlMs } = liveness(opts));
    this.clockMs = opts.clockMs ?? Date.now;
    this.clock = opts.clock ?? (() => Math.floor(Date.now() / 1000));
    this.log = opts.log;
  }

  setExpiryHandler(handler: ExpiryHandler): void {
    this.onExpiry = handler;
  }

  async start(): Promise<void> {
    this.usable();
    this.beat();
    this.timer = setInterval(() => this.beat(), this.heartbeatMs);
    this.timer.unref();
    this.set('ready');
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.set('closed');
  }

  async join(dev: number, pipe: string, member: PipeMember): Promise<void> {
    this.usable();
    const k = pipeKey(dev, pipe);
    let m = this.store.pipes.get(k);
    if (!m) this.store.pipes.set(k, (m = new Map()));
    m.set(`${this.nodeId}/${member.conn}`, { node: this.nodeId, conn: member.conn, user: member.user, uuid: member.uuid });
  }

  async leave(dev: number, pipe: string, conn: number): Promise<void> {
    this.usable();
    const k = pipeKey(dev, pipe);
    const m = this.store.pipes.get(k);
    if (m?.delete(`${this.nodeId}/${conn}`) && m.size === 0) this.store.pipes.delete(k);
  }

  async members(dev: number, pipe: string): Promise<NodeMember[]> {
    this.usable();
    const out: NodeMember[] = [];
    for (const m of this.store.pipes.get(pipeKey(dev, pipe))?.values() ?? []) if (this.alive(m.node)) out.push(m);
    return out;
  }

  async count(dev: number, pipe: string): Promise<number> {
    return (await this.members(dev, pipe)).length;
  }

  async connect(dev: number, user: number): Promise<{ first: boolean }> {
    this.usable();
    const k = userKey(dev, user);
    let e = this.store.users.get(k);
    if (!e) this.store.users.set(k, (e = { nodes: new Map(), last: undefined }));
    const first = this.onlineElsewhere(e) === 0 && !(e.nodes.get(this.nodeId)! > 0);
    e.nodes.set(this.nodeId, (e.nodes.get(this.nodeId) ?? 0) + 1);
    if (first) e.last = 0;
    return { first };
  }

  async disconnect(dev: number, user: number, now: number): Promise<{ last: boolean }> {
    this.usable();
    const e = this.store.users.get(userKey(dev, user));
    const mine = e?.nodes.get(this.nodeId) ?? 0;
    if (!e || mine === 0) return { last: false };
    if (mine > 1) e.nodes.set(this.nodeId, mine - 1);
    else e.nodes.delete(this.nodeId);
    const last = mine === 1 && this.onlineElsewhere(e) === 0;
    if (last) e.last = now;
    return { last };
  }

  async userNodes(dev: number, user: number): Promise<Map<string, number>> {
    this.usable();
    const out = new Map<string, number>();
    for (const [node, n] of this.store.users.get(userKey(dev, user))?.nodes ?? []) if (n > 0 && this.alive(node)) out.set(node, n);
    return out;
  }

  async lastOnline(dev: number, user: number): Promise<number | undefined> {
    const e = this.store.users.get(userKey(dev, user));
    if ((await this.userNodes(dev, user)).size > 0) return 0;
    // 0 with nobody live: a dead node's users, until the sweep stamps their time.
    return e?.last === 0 ? undefined : e?.last;
  }

  private usable(): void {
    if (this.state === 'closed') throw new ClusterError('closed');
  }

  /** Unknown nodes count as alive: a node that just started must be seen at once. */
  private alive(node: string): boolean {
    const beat = this.store.beats.get(node);
    return beat === undefined || beat >= this.clockMs() - this.ttlMs;
  }

  private onlineElsewhere(e: UserEntry): number {
    let n = 0;
    for (const [node, c] of e.nodes) if (node !== this.nodeId && this.alive(node)) n += c;
    return n;
  }

  private beat(): void {
    this.store.beats.set(this.nodeId, this.clockMs());
    for (const node of [...this.store.beats.keys()]) if (!this.alive(node)) this.sweep(node);
  }

  /** Remove a dead node's entries and report them (the first live node to notice does it). */
  private sweep(node: string): void {
    this.store.beats.delete(node);
    const members: Array<NodeExpiry['members'][number]> = [];
    const offline: Array<NodeExpiry['offline'][number]> = [];
    for (const [k, m] of this.store.pipes) {
      const [dev, pipe] = splitKey(k);
      for (const [field, member] of m) {
        if (member.node !== node) continue;
        m.delete(field);
        members.push({ dev: Number(dev), pipe, member: { conn: member.conn, user: member.user, uuid: member.uuid } });
      }
      if (m.size === 0) this.store.pipes.delete(k);
    }
    const now = this.clock();
    for (const [k, e] of this.store.users) {
      if (!e.nodes.delete(node)) continue;
      if (this.onlineElsewhere(e) > 0 || (e.nodes.get(this.nodeId) ?? 0) > 0) continue;
      e.last = now;
      const [dev, user] = splitKey(k);
      offline.push({ dev: Number(dev), user: Number(user) });
    }
    deliverSafely(this.onExpiry, { node, members, offline }, this.log);
  }
}

function splitKey(k: string): [string, string] {
  const i = k.indexOf(':');
  return [k.slice(0, i), k.slice(i + 1)];
}
