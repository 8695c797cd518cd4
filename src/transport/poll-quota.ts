// Bounds shared by all long-poll sessions of a listener: how many exist (in total and per source
// address) and how many bytes they buffer together for their next answers (docs/OPERATIONS.md).

export interface PollLimits {
  readonly maxSessions: number;
  /** 0 = no per-address cap (e.g. behind a proxy, where every client has the proxy's address). */
  readonly maxSessionsPerIp: number;
  /** Unsent lines and bytes one session may buffer from ordinary sends (slow-consumer bound). */
  readonly maxBufferedLines: number;
  readonly maxBufferedBytes: number;
  /** Bytes buffered across all sessions. */
  readonly maxTotalBufferedBytes: number;
}

export type SessionRefusal = 'max_poll_sessions' | 'max_poll_sessions_per_ip';

export class PollQuota {
  private sessions = 0;
  private readonly perIp = new Map<string, number>();
  /** Bytes buffered across sessions (string lengths, as the per-session bound counts them). */
  buffered = 0;

  constructor(readonly limits: PollLimits) {}

  /** Count a new session from `ip`, or say which cap refuses it. */
  admit(ip: string): SessionRefusal | undefined {
    if (this.sessions >= this.limits.maxSessions) return 'max_poll_sessions';
    const n = this.perIp.get(ip) ?? 0;
    if (this.limits.maxSessionsPerIp > 0 && n >= this.limits.maxSessionsPerIp) return 'max_poll_sessions_per_ip';
    this.sessions++;
    this.perIp.set(ip, n + 1);
    return undefined;
  }

  /** A session admitted from `ip` ended. */
  leave(ip: string): void {
    this.sessions--;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  /** Take `bytes` of the shared buffer budget; false (nothing taken) when they do not fit. */
  reserve(bytes: number): boolean {
    if (this.buffered + bytes > this.limits.maxTotalBufferedBytes) return false;
    this.buffered += bytes;
    return true;
  }

  release(bytes: number): void {
    this.buffered -= bytes;
  }
}
