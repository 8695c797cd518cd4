// The global bound on bytes buffered for slow consumers across all WebSocket connections
// ([ws] max_buffered_bytes_total), checked by the sweep: past it the connections holding the most
// are dropped (TCP closed, the client reconnects) until the total is back under the bound.
import type { Logger } from 'pino';

export interface BufferHolder {
  bufferedBytes(): number;
  dropForBudget(): void;
}

/** At most one log line per this many seconds (a flood of slow consumers must not spam). */
const LOG_INTERVAL_SECONDS = 10;

export class BufferBudget {
  private lastLog = -Infinity;
  private droppedSinceLog = 0;

  constructor(
    readonly limit: number,
    private readonly log: Logger,
  ) {}

  /** Sum what every holder buffers; over the limit, drop the largest holders first. */
  enforce(holders: Iterable<BufferHolder>, now: number): void {
    let total = 0;
    for (const h of holders) total += h.bufferedBytes();
    if (total <= this.limit) return;
    const before = total;
    const largest = [...holders].map((h) => ({ h, bytes: h.bufferedBytes() })).sort((a, b) => b.bytes - a.bytes);
    let dropped = 0;
    for (const { h, bytes } of largest) {
      if (total <= this.limit || bytes === 0) break;
      h.dropForBudget();
      total -= bytes;
      dropped++;
    }
    this.droppedSinceLog += dropped;
    if (now - this.lastLog < LOG_INTERVAL_SECONDS) return;
    this.log.warn({ buffered: before, limit: this.limit, dropped: this.droppedSinceLog }, 'limit hit: bytes buffered for slow consumers across all connections; largest consumers dropped');
    this.lastLog = now;
    this.droppedSinceLog = 0;
  }
}
