// Pipe -> subscribers, per dev_id (the centrifuge "Hub"), and the Broker seam for fan-out.
import type { Connection } from './connection.js';
import type { Envelope } from '../client-protocol/envelope.js';

export class Hub {
  private readonly devs = new Map<number, Map<string, Set<Connection>>>();

  private pipes(dev: number): Map<string, Set<Connection>> {
    let m = this.devs.get(dev);
    if (!m) this.devs.set(dev, (m = new Map()));
    return m;
  }

  add(conn: Connection, pipe: string): void {
    const pipes = this.pipes(conn.devId);
    let set = pipes.get(pipe);
    if (!set) pipes.set(pipe, (set = new Set()));
    set.add(conn);
  }

  remove(conn: Connection, pipe: string): void {
    const pipes = this.devs.get(conn.devId);
    const set = pipes?.get(pipe);
    if (!set) return;
    set.delete(conn);
    if (set.size === 0) pipes!.delete(pipe); // empty pipes are freed (upstream leaks them)
  }

  /** Subscribers in subscription order (oldest first). */
  subscribers(dev: number, pipe: string): ReadonlySet<Connection> {
    return this.devs.get(dev)?.get(pipe) ?? EMPTY;
  }

  count(dev: number, pipe: string): number {
    return this.devs.get(dev)?.get(pipe)?.size ?? 0;
  }

  /** Number of distinct pipes with subscribers, over all dev_ids. */
  pipeCount(): number {
    let n = 0;
    for (const pipes of this.devs.values()) n += pipes.size;
    return n;
  }
}

const EMPTY: ReadonlySet<Connection> = new Set();

/** Fan-out seam: the in-memory broker delivers to local subscribers; a Redis one would also relay. */
export interface Broker {
  /** Deliver `msg` to every subscriber of (dev, pipe) except `exclude`; returns how many were written. */
  publish(dev: number, pipe: string, msg: Envelope, exclude?: Connection): number;
}

export class LocalBroker implements Broker {
  constructor(private readonly hub: Hub) {}

  publish(dev: number, pipe: string, msg: Envelope, exclude?: Connection): number {
    let written = 0;
    for (const conn of this.hub.subscribers(dev, pipe)) {
      if (conn !== exclude && conn.send(msg)) written++;
    }
    return written;
  }
}
