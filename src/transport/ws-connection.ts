// One upgraded WebSocket: the socket, its frame parser and the core Connection. Socket events go
// to module-level handlers (no closures per connection); writes are corked per tick so a burst
// to one socket (serverInfo + queue flush, history replay) leaves in one writev.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { CometCore } from '../core/comet.js';
import { sendBulkDirect, type ClientLink, type Connection } from '../core/connection.js';
import type { Envelope } from '../client-protocol/envelope.js';
import { handleClientFrame } from '../client-protocol/client-session.js';
import type { ListenerStats } from '../stats.js';
import { WsReceiver, type FrameSink, type WsProtocolError } from './ws-receiver.js';
import { framedEnvelope, encodePong, PING_FRAME } from './ws-sender.js';

/** What every connection of one listener shares. */
export interface WsContext {
  readonly core: CometCore;
  readonly stats: ListenerStats;
  readonly log: Logger;
  readonly maxMessageSize: number;
  /** Above this many unsent bytes the consumer is too slow: the connection is dropped. */
  readonly maxBufferedBytes: number;
  /** Coarse clock in seconds, advanced by the sweep. */
  now(): number;
  readonly uncork: UncorkQueue;
  readonly links: Set<WsLink>;
  /** Links that began a graceful end; the sweep destroys the ones that linger. */
  readonly ending: Set<WsLink>;
}

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

const LINK = Symbol('tscomet.wsLink');
type LinkedSocket = Socket & { [LINK]?: WsLink };

export class WsLink implements ClientLink, FrameSink {
  conn: Connection | undefined;
  /** Commands that arrived before core.open() finished; processed right after it. */
  private pending: string[] | undefined;
  private opened = false;
  /** Set once the link stops writing (ending, slow consumer, closed). */
  dead = false;
  /** Second (coarse clock) of the last inbound byte, for pings to idle connections. */
  lastSeen: number;
  /** Second when a graceful end began; the sweep destroys sockets that linger. */
  endingSince = 0;
  private readonly receiver: WsReceiver;

  constructor(
    readonly socket: Socket,
    private readonly ctx: WsContext,
  ) {
    this.receiver = new WsReceiver(ctx.maxMessageSize);
    this.lastSeen = ctx.now();
    (socket as LinkedSocket)[LINK] = this;
    socket.on('data', onSocketData);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    socket.on('error', onSocketError);
    ctx.links.add(this);
    ctx.stats.online++;
  }

  /** Hand over the core connection and bring it online; `head` = bytes read with the upgrade. */
  async start(conn: Connection, userId: number, session: string, head: Buffer): Promise<void> {
    this.conn = conn;
    // open() registers the connection synchronously, so a close frame already in `head` is
    // handled by core.close() after that registration, never before it.
    const opening = this.ctx.core.open(conn, userId, session);
    if (head.length > 0) this.input(head);
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
    return this.write(framedEnvelope(msg, this.conn.legacy));
  }

  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    return sendBulkDirect(this, msgs, accepted);
  }

  /** Called by the core (auth deleted, token revoked, maxUptime, shutdown). */
  close(reason: string): void {
    this.end(reason);
  }

  // ------------------------------------------------------------------ writing

  write(frame: Buffer): boolean {
    const s = this.socket;
    if (s.writableLength > this.ctx.maxBufferedBytes) {
      this.ctx.log.warn({ conn: this.conn?.id, buffered: s.writableLength }, 'slow consumer: connection dropped');
      this.dead = true;
      s.destroy(); // core.close follows from the 'close' event, outside any fan-out loop
      return false;
    }
    if (s.writableCorked === 0) {
      s.cork();
      this.ctx.uncork.add(s);
    }
    s.write(frame);
    return true;
  }

  /** End gracefully (pending frames are flushed), never with a close frame (PROTOCOL.md §2.6.4). */
  end(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.endingSince = this.ctx.now();
    this.ctx.ending.add(this);
    this.ctx.log.debug({ conn: this.conn?.id, reason }, 'closing connection');
    this.socket.end();
    this.socket.once('finish', destroyAfterFinish);
  }

  /** End at once and leave the core (protocol errors, unknown commands, close frames). */
  drop(reason: string): void {
    this.end(reason);
    if (this.conn) this.ctx.core.close(this.conn);
  }

  // ------------------------------------------------------------------ reading

  input(chunk: Buffer): void {
    this.lastSeen = this.ctx.now();
    try {
      this.receiver.push(chunk, this);
    } catch (err) {
      this.ctx.log.error({ err: (err as Error).stack, conn: this.conn?.id }, 'error while handling a frame');
      this.drop('internal error');
    }
  }

  onMessage(text: string): void {
    this.ctx.stats.messages++;
    if (this.dead) return;
    if (!this.opened) {
      (this.pending ??= []).push(text);
      return;
    }
    this.command(text);
  }

  private command(text: string): void {
    if (handleClientFrame(this.ctx.core, this.conn!, text) === 'close') this.drop('command closes the connection');
  }

  onPing(payload: Buffer): void {
    if (!this.dead) this.write(encodePong(payload));
  }

  onCloseFrame(): void {
    this.dead = true;
    this.socket.destroy(); // no close frame back: the v4.08 client's restart() needs an unclean close
    if (this.conn) this.ctx.core.close(this.conn);
  }

  onProtocolError(err: WsProtocolError): void {
    this.ctx.log.debug({ conn: this.conn?.id, code: err.code }, 'WebSocket protocol error');
    this.drop(err.code);
  }

  /** Ping if nothing arrived for `idleSeconds`. */
  pingIfIdle(now: number, idleSeconds: number): void {
    if (!this.dead && now - this.lastSeen >= idleSeconds) this.write(PING_FRAME);
  }

  /** The socket is gone: leave the core, update counters. */
  closed(): void {
    this.dead = true;
    this.ctx.ending.delete(this);
    if (!this.ctx.links.delete(this)) return;
    this.ctx.stats.online--;
    this.ctx.stats.closed++;
    if (this.conn) this.ctx.core.close(this.conn);
  }
}

function onSocketData(this: LinkedSocket, chunk: Buffer): void {
  this[LINK]?.input(chunk);
}

/** The peer finished sending. node:http sockets allow half-open, so close our side too. */
function onSocketEnd(this: LinkedSocket): void {
  this.destroy();
}

function onSocketClose(this: LinkedSocket): void {
  this[LINK]?.closed();
}

/** After a graceful end has flushed: release the socket without waiting for the peer's FIN. */
export function destroyAfterFinish(this: Socket): void {
  this.destroy();
}

function onSocketError(this: LinkedSocket): void {
  // 'close' follows; resets and timeouts are ordinary for browsers going away.
}
