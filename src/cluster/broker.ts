// The Broker seam, after centrifuge's Broker: the core subscribes through it (a pipe's first local
// subscriber -> subscribe, its last -> unsubscribe), publishes serialisable publications, and gets
// every inbound publication, its own included, through ONE handler: the only local delivery path.
import type { ClusterHealth } from './health.js';
import type { Publication } from './publication.js';

/** Called once per publication that reaches this node; it must not throw (errors are logged). */
export type PublicationHandler = (p: Publication) => void;

export interface Broker extends ClusterHealth {
  /** This node's id ([main] node_name), stamped as `origin` by the core. */
  readonly nodeId: string;
  /** Register the one local delivery handler (before start()). */
  setHandler(handler: PublicationHandler): void;
  /** Connect and subscribe the control channel; rejects (ClusterError) if that fails in time. */
  start(): Promise<void>;
  /** Receive the pipe's publications (SERVER.md 4.6 items 1, 3, 4). Rejected while the bus is down; the
   * intent is kept and the subscription is made when the bus is back. */
  subscribe(dev: number, pipe: string): Promise<void>;
  /** Stop receiving the pipe; delivery stops at once, even while the bus is down. */
  unsubscribe(dev: number, pipe: string): Promise<void>;
  /** Receive the user's private messages (item 2): on the user's first local connection. */
  subscribeUser(dev: number, user: number): Promise<void>;
  /** On the user's last local connection. */
  unsubscribeUser(dev: number, user: number): Promise<void>;
  /** Send to every node subscribed to the publication's channel (control: every node). Resolves
   * with the number of nodes that received it: 0 for a user publication means nobody took it. */
  publish(p: Publication): Promise<number>;
  /** Stop delivering and disconnect. Other nodes are not told (nodes expire, see PresenceManager). */
  close(): Promise<void>;
}
