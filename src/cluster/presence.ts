// The presence seam, after centrifuge's PresenceManager, cluster-wide: who is subscribed to which
// pipe (members and counts) and which nodes hold a user's connections. Every entry belongs to the
// node that wrote it and disappears when that node stops refreshing its heartbeat.
import type { ClusterHealth } from './health.js';

/** One connection subscribed to a pipe (users_in_pipes, track_pipe_users). */
export interface PipeMember {
  /** Connection id, unique on its node. */
  readonly conn: number;
  readonly user: number;
  readonly uuid: string;
}

export interface NodeMember extends PipeMember {
  readonly node: string;
}

/** What a node's expiry removed, handed to exactly one live node (the one that swept it). */
export interface NodeExpiry {
  readonly node: string;
  /** Pipe memberships that vanished (the sweeper announces track_ `unsubscription`). */
  readonly members: ReadonlyArray<{ readonly dev: number; readonly pipe: string; readonly member: PipeMember }>;
  /** Users whose last connection anywhere was on that node (the sweeper emits `offline`). */
  readonly offline: ReadonlyArray<{ readonly dev: number; readonly user: number }>;
}

export type ExpiryHandler = (e: NodeExpiry) => void;

export interface PresenceManager extends ClusterHealth {
  readonly nodeId: string;
  /** Connect and write the first heartbeat; rejects (ClusterError) if that fails in time. */
  start(): Promise<void>;
  /** Stop refreshing and disconnect; this node's entries then expire like a killed node's. */
  close(): Promise<void>;
  /** Register the handler for expired nodes' entries (before start()). */
  setExpiryHandler(handler: ExpiryHandler): void;

  /** A local connection joined a pipe (SERVER.md 4.6 items 4, 5). */
  join(dev: number, pipe: string, member: PipeMember): Promise<void>;
  /** It left; `conn` as given to join(). */
  leave(dev: number, pipe: string, conn: number): Promise<void>;
  /** Every live member on every node (users_in_pipes, track_pipe_users). */
  members(dev: number, pipe: string): Promise<NodeMember[]>;
  /** Subscribed connections on every live node (SELECT pipes, pipe_count). */
  count(dev: number, pipe: string): Promise<number>;

  /** A user's connection registered on this node; `first` when no live node had one (item 3: `online`). */
  connect(dev: number, user: number): Promise<{ first: boolean }>;
  /** One closed; `last` when no live node has one any more (item 3: `offline`, users_time). */
  disconnect(dev: number, user: number, now: number): Promise<{ last: boolean }>;
  /** Live nodes holding the user's connections, with how many each (item 2: deliver or queue). */
  userNodes(dev: number, user: number): Promise<Map<string, number>>;
  /** 0 while online on a live node, the unix time of the cluster-wide last disconnect, or undefined. */
  lastOnline(dev: number, user: number): Promise<number | undefined>;
}

/** Liveness timing shared by the implementations: a node is dead once its heartbeat is older than ttlMs. */
export interface LivenessOptions {
  /** How often a node refreshes its heartbeat and sweeps dead nodes (default 5 000 ms). */
  readonly heartbeatMs?: number;
  /** Heartbeat age after which a node's entries are ignored and swept (default 15 000 ms). */
  readonly nodeTtlMs?: number;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEFAULT_NODE_TTL_MS = 15_000;

/** The options with their defaults: a SIGKILLed node vanishes within nodeTtlMs + heartbeatMs (20 s). */
export function liveness(opts: LivenessOptions): { heartbeatMs: number; ttlMs: number } {
  return { heartbeatMs: opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, ttlMs: opts.nodeTtlMs ?? DEFAULT_NODE_TTL_MS };
}
