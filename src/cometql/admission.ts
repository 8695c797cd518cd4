// Who may hold a CometQL connection, and for how long before logging in: a cap on all connections,
// a smaller cap on unauthenticated ones (the oldest gives way to a newcomer, so silent sockets
// cannot lock back ends out), the login timeout, and the grace for connections that ended. One
// sweep per listener drives the timeouts; there is no timer per connection.
import { SqlErrors, type SqlError } from '../errors.js';

/** A connection as admission sees it. */
export interface AdmittedPeer {
  /** Answer `error` in sequence, close, and release the socket once the answer is flushed. */
  drop(error: SqlError): void;
  /** Release the socket now. */
  destroy(): void;
}

export interface AdmissionLimits {
  /** All connections (authenticated or not). */
  readonly maxConnections: number;
  /** Connections not yet authenticated (below maxConnections). */
  readonly maxPreauth: number;
  /** Seconds from accept to a successful login. */
  readonly loginTimeout: number;
}

export interface AdmissionEvents {
  /** The oldest unauthenticated connection was closed to make room (ERR 1040). */
  evicted(): void;
  /** An unauthenticated connection reached the login timeout (ERR 1159). */
  timedOut(): void;
}

/** A connection still open this long after it ended (QUIT, ERR and close) is destroyed. */
export const ENDING_GRACE_SECONDS = 10;

/** The pre-auth cap: the configured value, at most half of all connections (the rest stay for logins that succeed). */
export function preauthCap(configured: number, maxConnections: number): number {
  return Math.max(1, Math.min(configured, Math.floor(maxConnections / 2)));
}

export class Admission<P extends AdmittedPeer> {
  private readonly live = new Set<P>();
  /** Accept time (seconds) of each unauthenticated connection; insertion order is age order. */
  private readonly preauth = new Map<P, number>();
  /** End time (seconds) of each ended connection still open; insertion order is age order. */
  private readonly ending = new Map<P, number>();

  constructor(
    readonly limits: AdmissionLimits,
    private readonly events: AdmissionEvents,
  ) {}

  get connections(): number {
    return this.live.size;
  }

  get unauthenticated(): number {
    return this.preauth.size;
  }

  /**
   * Make room for a new connection, closing the oldest unauthenticated one when a cap is reached.
   * False when every connection is authenticated and the cap is reached: refuse the newcomer.
   */
  makeRoom(): boolean {
    if (this.live.size < this.limits.maxConnections && this.preauth.size < this.limits.maxPreauth) return true;
    const oldest = this.preauth.keys().next();
    if (oldest.done) return false;
    this.events.evicted();
    this.drop(oldest.value, SqlErrors.tooManyConnections);
    return true;
  }

  admit(peer: P, now: number): void {
    this.live.add(peer);
    this.preauth.set(peer, now);
  }

  authenticated(peer: P): void {
    this.preauth.delete(peer);
  }

  ended(peer: P, now: number): void {
    if (this.live.has(peer) && !this.ending.has(peer)) this.ending.set(peer, now);
  }

  /** The socket is closed. */
  released(peer: P): void {
    this.live.delete(peer);
    this.preauth.delete(peer);
    this.ending.delete(peer);
  }

  /** The shared sweep: close logins past the timeout and ended connections past the grace. */
  sweep(now: number): void {
    for (const [peer, since] of this.preauth) {
      if (now - since < this.limits.loginTimeout) break;
      this.events.timedOut();
      this.drop(peer, SqlErrors.loginTimeout);
    }
    for (const [peer, since] of this.ending) {
      if (now - since < ENDING_GRACE_SECONDS) break;
      this.released(peer);
      peer.destroy();
    }
  }

  private drop(peer: P, error: SqlError): void {
    this.released(peer);
    peer.drop(error);
  }
}
