// Channel and key names (docs/DESIGN.md, "Cluster: keys and message flow"). Everything about one
// pipe or one user shares a hash tag ({dev:pipe} or {dev:u:user}), so a Redis Cluster keeps it in
// one slot and the Lua scripts stay single-slot. Pipe names never contain ':', so they cannot clash.
import type { Publication } from './publication.js';

export const DEFAULT_PREFIX = 'tscomet';

/** Node ids appear in key names and hash fields: keep them short and plain. */
export const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkNodeId(id: string): string {
  if (!NODE_ID.test(id)) throw new RangeError(`node id must match ${NODE_ID.source}: ${JSON.stringify(id)}`);
  return id;
}

export class ClusterKeys {
  constructor(readonly prefix = DEFAULT_PREFIX) {}

  /** Pub/sub channel of one pipe. */
  pipeChannel(dev: number, pipe: string): string {
    return `${this.prefix}:{${dev}:${pipe}}:msg`;
  }

  /** Pub/sub channel of one user's private messages. */
  userChannel(dev: number, user: number): string {
    return `${this.prefix}:{${dev}:u:${user}}:inbox`;
  }

  /** The channel every node subscribes to at start. */
  controlChannel(): string {
    return `${this.prefix}:control`;
  }

  channelOf(p: Publication): string {
    switch (p.kind) {
      case 'pipe':
        return this.pipeChannel(p.dev, p.pipe);
      case 'user':
        return this.userChannel(p.dev, p.user);
      case 'control':
        return this.controlChannel();
    }
  }

  /** Hash: `<node>/<conn>` -> JSON [user, uuid]. */
  pipeMembers(dev: number, pipe: string): string {
    return `${this.prefix}:{${dev}:${pipe}}:members`;
  }

  /** Hash: `<node>` -> subscribed connections on that node. */
  pipeCounts(dev: number, pipe: string): string {
    return `${this.prefix}:{${dev}:${pipe}}:counts`;
  }

  /** Hash: `n:<node>` -> the user's connections there, `t` -> 0 online or the last-offline unix time. */
  userOnline(dev: number, user: number): string {
    return `${this.prefix}:{${dev}:u:${user}}:online`;
  }

  /** Sorted set: node id -> last heartbeat (Redis clock, ms). */
  nodes(): string {
    return `${this.prefix}:nodes`;
  }

  /** Set of the entries a node owns (see OwnedEntry), read by whoever sweeps the node. */
  owned(node: string): string {
    return `${this.prefix}:{node:${node}}:owns`;
  }

  /** Lock held by the one node sweeping a dead one. */
  sweepLock(node: string): string {
    return `${this.prefix}:{node:${node}}:sweep`;
  }
}

/** An entry of a node's `owns` set: `p <dev> <pipe>` or `u <dev> <user>`. */
export type OwnedEntry = { kind: 'p'; dev: number; pipe: string } | { kind: 'u'; dev: number; user: number };

export function ownedPipe(dev: number, pipe: string): string {
  return `p ${dev} ${pipe}`;
}

export function ownedUser(dev: number, user: number): string {
  return `u ${dev} ${user}`;
}

export function parseOwned(s: string): OwnedEntry | undefined {
  const [kind, dev, name] = s.split(' ');
  if (name === undefined || !/^\d+$/.test(dev ?? '')) return undefined;
  if (kind === 'p') return { kind, dev: Number(dev), pipe: name };
  if (kind === 'u' && /^\d+$/.test(name)) return { kind, dev: Number(dev), user: Number(name) };
  return undefined;
}
