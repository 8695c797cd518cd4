// Who is online: registered authorised connections per user (at most 16) and last-online times.
// An interface so a shared (Redis) implementation can replace the in-memory one for scale-out.
import type { Connection } from './connection.js';
import { MAX_CONNECTIONS_PER_USER } from './names.js';

export interface Presence {
  /** Register an authorised connection; `first` when the user just came online. */
  register(conn: Connection): { registered: boolean; first: boolean };
  /** Unregister; `last` when the user just went offline. */
  unregister(conn: Connection, now: number): { last: boolean };
  connections(dev: number, user: number): readonly Connection[];
  /** 0 while online, the unix time of the last disconnect, or undefined when unknown here. */
  lastOnline(dev: number, user: number): number | undefined;
  /** Seed a stored last-online time (from storage at startup). */
  seed(dev: number, user: number, time: number): void;
  /** Total registered users online. */
  onlineUsers(): number;
}

interface UserEntry {
  conns: Connection[];
  lastOnline: number | undefined;
  /** True when lastOnline came from storage rather than from this process (COMETQL.md §7.5). */
  stored: boolean;
}

export class MemoryPresence implements Presence {
  private readonly users = new Map<string, UserEntry>();
  private online = 0;

  constructor(private readonly maxPerUser = MAX_CONNECTIONS_PER_USER) {}

  private key(dev: number, user: number): string {
    return `${dev}:${user}`;
  }

  register(conn: Connection): { registered: boolean; first: boolean } {
    const k = this.key(conn.devId, conn.userId);
    let e = this.users.get(k);
    if (!e) this.users.set(k, (e = { conns: [], lastOnline: undefined, stored: false }));
    if (e.conns.length >= this.maxPerUser) return { registered: false, first: false };
    e.conns.push(conn);
    conn.registered = true;
    const first = e.conns.length === 1;
    if (first) {
      e.lastOnline = 0;
      e.stored = false;
      this.online++;
    }
    return { registered: true, first };
  }

  unregister(conn: Connection, now: number): { last: boolean } {
    if (!conn.registered) return { last: false };
    conn.registered = false;
    const e = this.users.get(this.key(conn.devId, conn.userId));
    if (!e) return { last: false };
    const i = e.conns.indexOf(conn);
    if (i >= 0) e.conns.splice(i, 1);
    if (e.conns.length > 0) return { last: false };
    e.lastOnline = now;
    this.online--;
    return { last: true };
  }

  connections(dev: number, user: number): readonly Connection[] {
    return this.users.get(this.key(dev, user))?.conns ?? [];
  }

  lastOnline(dev: number, user: number): number | undefined {
    const e = this.users.get(this.key(dev, user));
    if (!e || e.lastOnline === undefined) return undefined;
    // A stored 0 is an "online" flag left by a crash: not trusted (SERVER.md §2.2).
    if (e.stored && e.lastOnline === 0) return undefined;
    return e.lastOnline;
  }

  seed(dev: number, user: number, time: number): void {
    const k = this.key(dev, user);
    if (!this.users.has(k)) this.users.set(k, { conns: [], lastOnline: time, stored: true });
  }

  onlineUsers(): number {
    return this.online;
  }
}
