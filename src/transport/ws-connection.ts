// One upgraded WebSocket: ws parses the client's frames (limits, fragments, UTF-8, pings), the
// WsLink writes our pre-framed bytes to the socket and paces bulk replies. Events go to
// module-level handlers (no closures per connection); writes are corked per tick so a burst to
// one socket leaves in one writev.
import type { Socket } from 'node:net';
import { isUtf8 } from 'node:buffer';
import WebSocket from 'ws';
import type { Logger } from 'pino';
import type { CometCore } from '../core/comet.js';
import type { ClientLink, Connection } from '../core/connection.js';
import type { Envelope } from '../client-protocol/envelope.js';
import { handleClientFrame } from '../client-protocol/client-session.js';
import type { ListenerStats } from '../stats.js';
import { framedEnvelope, PING_FRAME } from './ws-frames.js';
import type { LingeringSockets } from './lingering.js';

/** What every connection of one listener shares. */
export interface WsContext {
  readonly core: CometCore;
  readonly stats: ListenerStats;
  readonly log: Logger;
  /** Above this many unsent bytes the consumer is too slow: the connection is dropped. */
  readonly maxBufferedBytes: number;
  /** Coarse clock in seconds, advanced by the sweep. */
  now(): number;
  readonly uncork: UncorkQueue;
  readonly links: Set<WsLink>;
  /** Sockets that began a graceful end; the sweep destroys the ones that linger. */
  readonly lingering: LingeringSockets;
}

/**
 * A bulk reply pauses while more than this many bytes wait in the socket's buffer and resumes on
 * 'drain': a replay to a client that does not read holds about this much (plus one message).
 */
export const BULK_HIGH_WATER = 64 * 1024;

/** Sockets corked during this tick, uncorked together on the next one. */
export class UncorkQueue {
  private sockets: Socket[] = [];

  add(socket: Socket): void {
    if (this.sockets.length === 0) process.nextTick(flushUncork, this);
    this.sockets.push(socket);
  }

  flush(): void {
    const list = this.sockets;
    this.sockets = [];
    for (const s of list) while (s.writableCorked > 0) s.uncork();
  }
}

function flushUncork(q: UncorkQueue): void {
  q.flush();
}

/**
 * ws's WebSocket with one change, through ws's documented `WebSocket` class option: close()
 * ends TCP at once (terminate), so a client's close frame is never answered and ws never sends
 * one (PROTOCOL.md §2.6.4: v4.08's restart() reconnects only after an unclean close).
 */
export class CometWebSocket extends WebSocket {
  link: WsLink | undefined;

  constructor(...args: unknown[]) {
    super(...(args as [null]));
    this.on('message', onWsMessage);
    this.on('ping', onWsActivity);
    this.on('pong', onWsActivity);
    this.on('error', onWsError);
    this.on('close', onWsClose);
  }

  override close(): void {
    this.terminate();
  }
}

/** One pending bulk reply: its messages, how many were written and how many the socket accepted. */
class BulkJob {
  next = 0;
  written = 0;
  settled = false;
  /** The write callback of every frame of this bulk (one closure per bulk, not per message). */
  readonly onWritten: (err?: Error | null) => void;

  constructor(
    readonly msgs: readonly Envelope[],
    private readonly accepted: (n: number) => void,
    private readonly resolve: (n: number) => void,
  ) {
    this.onWritten = (err) => {
      if (err || this.settled) return;
      this.written++;
      this.accepted(this.written);
      if (this.written === this.msgs.length) this.settle();
    };
  }

  settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(this.written);
  }
}

/** What waits behind a running bulk: frames sent meanwhile and later bulks, in order. */
class Backlog {
  readonly items: Array<Buffer | BulkJob> = [];
  head = 0;
  /** Bytes of the frames waiting here (counted against max_buffered_bytes). */
  bytes = 0;
  waitingDrain = false;
}

const LINK = Symbol('tscomet.wsLink');
type LinkedSocket = Socket & { [LINK]?: WsLink };

export class WsLink implements ClientLink {
  conn: Connection | undefined;
  /** Commands that arrived before core.open() finished; processed right after it. */
  private pending: string[] | undefined;
  private opened = false;
  /** Set once the link stops writing (ending, slow consumer, closed). */
  dead = false;
  /** Second (coarse clock) of the last inbound message, ping or pong, for pings to idle connections. */
  lastSeen: number;
  /** Present while a bulk reply runs. */
  private backlog: Backlog | undefined;

  constructor(
    readonly ws: CometWebSocket,
    readonly socket: Socket,
    readonly ctx: WsContext,
  ) {
    this.lastSeen = ctx.now();
    ws.link = this;
    (socket as LinkedSocket)[LINK] = this;
    ctx.links.add(this);
    ctx.stats.online++;
  }

  /** Hand over the core connection and bring it online; `head` = bytes read with the upgrade. */
  async start(conn: Connection, userId: number, session: string, head: Buffer): Promise<void> {
    this.conn = conn;
    // open() registers the connection synchronously, so a close frame already in `head` is
    // handled by core.close() after that registration, never before it.
    const opening = this.ctx.core.open(conn, userId, session);
    if (head.length > 0) this.socket.unshift(head);
    try {
      await opening;
    } catch (err) {
      this.ctx.log.error({ err: (err as Error).message, conn: conn.id }, 'opening a connection failed');
      this.drop('open failed');
      return;
    }
    this.opened = true;
    const queued = this.pending;
    this.pending = undefined;
    if (queued) for (const text of queued) if (!this.dead) this.command(text);
  }

  // ------------------------------------------------------------------ ClientLink

  send(msg: Envelope): boolean {
    if (this.dead || this.conn === undefined) return false;
    return this.writeOrDefer(framedEnvelope(msg, this.conn.legacy));
  }

  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    if (this.dead || this.conn === undefined || msgs.length === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      (this.backlog ??= new Backlog()).items.push(new BulkJob(msgs, accepted, resolve));
      this.pump();
    });
  }

  /** Called by the core (auth deleted, token revoked, maxUptime, shutdown). */
  close(reason: string): void {
    this.end(reason);
  }

  // ------------------------------------------------------------------ writing

  /** Unsent bytes for this client: the socket's buffer plus what waits behind a bulk. */
  bufferedBytes(): number {
    return this.socket.writableLength + (this.backlog?.bytes ?? 0);
  }

  write(frame: Buffer, done?: (err?: Error | null) => void): boolean {
    const s = this.socket;
    if (s.writableLength > this.ctx.maxBufferedBytes) {
      this.slowConsumer(s.writableLength);
      return false;
    }
    if (s.writableCorked === 0) {
      s.cork();
      this.ctx.uncork.add(s);
    }
    s.write(frame, done);
    return true;
  }

  /** A frame sent while a bulk runs goes out after it; the wait is bounded by max_buffered_bytes. */
  private defer(frame: Buffer): boolean {
    const b = this.backlog!;
    b.items.push(frame);
    b.bytes += frame.length;
    if (b.bytes + this.socket.writableLength > this.ctx.maxBufferedBytes) {
      this.slowConsumer(b.bytes + this.socket.writableLength);
      return false;
    }
    return true;
  }

  /** Write backlog items while the socket's buffer is below the high-water mark; else wait for drain. */
  pump(): void {
    const b = this.backlog;
    if (b === undefined || b.waitingDrain) return;
    const s = this.socket;
    const highWater = Math.max(BULK_HIGH_WATER, s.writableHighWaterMark);
    while (!this.dead && b.head < b.items.length) {
      if (s.writableLength >= highWater) {
        // write() returned false on the way up here, so 'drain' follows once the buffer empties.
        b.waitingDrain = true;
        s.once('drain', onSocketDrain);
        return;
      }
      const item = b.items[b.head]!;
      if (!(item instanceof BulkJob)) {
        b.items[b.head++] = EMPTY;
        b.bytes -= item.length;
        this.write(item);
      } else if (item.next < item.msgs.length) {
        this.write(framedEnvelope(item.msgs[item.next++]!, this.conn!.legacy), item.onWritten);
      } else {
        b.head++; // fully written; it settles from its last write callback
      }
    }
    if (!this.dead) this.backlog = undefined;
  }

  resume(): void {
    if (this.backlog) this.backlog.waitingDrain = false;
    this.pump();
  }

  private slowConsumer(buffered: number): void {
    this.ctx.log.warn({ conn: this.conn?.id, buffered }, 'slow consumer: connection dropped');
    this.dead = true;
    this.socket.destroy(); // core.close follows from the 'close' event, outside any fan-out loop
  }

  /** Dropped by the global bound on buffered bytes (the sweep logs it, rate-limited). */
  dropForBudget(): void {
    this.dead = true;
    this.socket.destroy();
  }

  /** End gracefully (pending frames are flushed), never with a close frame (PROTOCOL.md §2.6.4). */
  end(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.ctx.log.debug({ conn: this.conn?.id, reason }, 'closing connection');
    endSocket(this.socket, this.ctx.lingering, this.ctx.now());
  }

  /** End at once and leave the core (protocol errors, unknown commands). */
  drop(reason: string): void {
    this.end(reason);
    if (this.conn) this.ctx.core.close(this.conn);
  }

  // ------------------------------------------------------------------ reading

  message(data: Buffer, isBinary: boolean): void {
    this.lastSeen = this.ctx.now();
    this.ctx.stats.messages++;
    if (this.dead) return;
    // Binary counts as text (PROTOCOL.md §2.6.2); ws checks UTF-8 of text messages only.
    if (isBinary && !isUtf8(data)) return this.drop('invalid UTF-8');
    const text = data.toString('utf8');
    if (!this.opened) {
      (this.pending ??= []).push(text);
      return;
    }
    this.command(text);
  }

  private command(text: string): void {
    try {
      if (handleClientFrame(this.ctx.core, this.conn!, text) === 'close') this.drop('command closes the connection');
    } catch (err) {
      this.ctx.log.error({ err: (err as Error).stack, conn: this.conn?.id }, 'error while handling a frame');
      this.drop('internal error');
    }
  }

  /** Ping if nothing arrived for `idleSeconds`. */
  pingIfIdle(now: number, idleSeconds: number): void {
    if (!this.dead && now - this.lastSeen >= idleSeconds) this.writeOrDefer(PING_FRAME);
  }

  /** Frames sent while a bulk runs wait behind it (ordering). */
  private writeOrDefer(frame: Buffer): boolean {
    return this.backlog ? this.defer(frame) : this.write(frame);
  }

  /** The socket is gone: settle running bulks, leave the core, update counters. */
  closed(): void {
    this.dead = true;
    const b = this.backlog;
    this.backlog = undefined;
    if (b) for (const item of b.items) if (item instanceof BulkJob) item.settle();
    if (!this.ctx.links.delete(this)) return;
    this.ctx.stats.online--;
    this.ctx.stats.closed++;
    if (this.conn) this.ctx.core.close(this.conn);
  }
}

const EMPTY = Buffer.alloc(0);

/** Graceful end of a socket we own: destroyed once flushed, or by the sweep if it lingers. */
export function endSocket(socket: Socket, lingering: LingeringSockets, now: number, last?: Buffer | string): void {
  if (last === undefined) socket.end();
  else socket.end(last);
  socket.once('finish', destroyAfterFinish);
  lingering.add(socket, now);
}

function linkOf(ws: WebSocket): WsLink | undefined {
  return (ws as CometWebSocket).link;
}

function onWsMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  linkOf(this)?.message(data, isBinary);
}

/** Pings and pongs show the client is there (ws answers pings itself). */
function onWsActivity(this: WebSocket): void {
  const link = linkOf(this);
  if (link) link.lastSeen = link.ctx.now();
}

function onWsError(this: WebSocket, err: Error & { code?: string }): void {
  // ws has already terminated the socket (our close()); protocol errors are ordinary hostile input.
  const link = linkOf(this);
  if (link) link.ctx.log.debug({ conn: link.conn?.id, code: err.code }, 'WebSocket protocol error');
}

function onWsClose(this: WebSocket): void {
  linkOf(this)?.closed();
}

function onSocketDrain(this: LinkedSocket): void {
  this[LINK]?.resume();
}

/** After a graceful end has flushed: release the socket without waiting for the peer's FIN. */
export function destroyAfterFinish(this: Socket): void {
  this.destroy();
}
