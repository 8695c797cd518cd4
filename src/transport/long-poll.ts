// XHR long-poll (ruling 7, PROTOCOL.md §2.7): POST to the WebSocket URL without `/ws/`, body =
// the pipe list. A poll session is a core Connection whose link buffers messages; it is keyed by
// (dev_id, user id, uuid, session) and survives between polls for a grace period.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CometCore } from '../core/comet.js';
import { Connection, sendBulkDirect, type ClientLink, type ConnectionMeta } from '../core/connection.js';
import type { Envelope } from '../client-protocol/envelope.js';
import type { ClientParams } from '../client-protocol/url.js';
import { MAX_SESSION_LENGTH } from '../client-protocol/url.js';
import { handleClientFrame } from '../client-protocol/client-session.js';
import { parseSubscriptionList } from '../client-protocol/subscription-list.js';
import type { ListenerStats } from '../stats.js';
import { corsHeaders } from './http-responses.js';

/** Buffered lines per session before the poller counts as gone (slow-consumer protection). */
const MAX_BUFFERED_LINES = 5000;
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const MIN_GRACE_SECONDS = 5;

export interface PollContext {
  readonly core: CometCore;
  readonly stats: ListenerStats;
  readonly log: Logger;
  /** Seconds a poll is held open when there is nothing to send. */
  readonly holdSeconds: number;
  now(): number;
}

class PollLink implements ClientLink {
  conn!: Connection;
  lines: string[] = [];
  bytes = 0;
  waiting: ServerResponse | undefined;
  waitingSince = 0;
  /** Second of the last answered poll; the session expires a grace period after it. */
  lastPoll: number;
  dead = false;
  /** Resolves once core.open() finished; concurrent first polls wait for it. */
  opened: Promise<void> = Promise.resolve();
  private flushScheduled = false;

  constructor(
    readonly key: string,
    readonly owner: PollSessions,
    now: number,
  ) {
    this.lastPoll = now;
  }

  send(msg: Envelope): boolean {
    if (this.dead) return false;
    const line = msg.json(this.conn.legacy);
    if (this.lines.length >= MAX_BUFFERED_LINES || this.bytes + line.length > MAX_BUFFERED_BYTES) {
      this.owner.overflow(this);
      return false;
    }
    this.lines.push(line);
    this.bytes += line.length;
    // Answer on the next tick so messages produced together (serverInfo + queue) share a response.
    if (this.waiting && !this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushLink, this);
    }
    return true;
  }

  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    return sendBulkDirect(this, msgs, accepted);
  }

  close(reason: string): void {
    this.owner.forget(this, reason);
  }

  /** Answer the held poll (if any) with everything buffered. */
  answer(now: number): void {
    this.flushScheduled = false;
    const res = this.waiting;
    if (!res) return;
    this.waiting = undefined;
    this.lastPoll = now;
    const body = this.lines.join('\n');
    this.lines = [];
    this.bytes = 0;
    res.writeHead(200, { ...corsHeaders('POST, GET'), 'Content-Type': 'text/plain; charset=UTF-8', 'Cache-Control': 'no-cache', Connection: 'close' });
    res.end(body);
  }
}

function closeInCore(core: CometCore, conn: Connection): void {
  core.close(conn);
}

function flushLink(link: PollLink): void {
  if (link.lines.length > 0) link.answer(link.owner.now());
}

export class PollSessions {
  private readonly sessions = new Map<string, PollLink>();

  constructor(private readonly ctx: PollContext) {}

  get size(): number {
    return this.sessions.size;
  }

  now(): number {
    return this.ctx.now();
  }

  /** Handle one poll: find or open the session, apply the pipe list, answer now or hold. */
  async poll(res: ServerResponse, params: ClientParams, meta: ConnectionMeta, body: string): Promise<void> {
    const { core } = this.ctx;
    const key = `${params.devId}\n${params.userId}\n${params.uuid}\n${params.legacy ? 3 : 4}\n${params.session}`;
    let link = this.sessions.get(key);
    if (!link || link.dead) {
      link = new PollLink(key, this, this.ctx.now());
      const conn = new Connection(params.devId, params.legacy, params.uuid, meta, core.now(), link);
      link.conn = conn;
      this.sessions.set(key, link);
      this.ctx.stats.online++;
      const tooLong = params.session.length > MAX_SESSION_LENGTH;
      link.opened = core.open(conn, tooLong ? 0 : params.userId, tooLong ? '' : params.session);
    }
    await link.opened;
    if (link.dead) {
      res.writeHead(410, { ...corsHeaders('POST, GET'), Connection: 'close' }).end();
      return;
    }
    this.ctx.stats.messages++;
    const conn = link.conn;
    const names = parseSubscriptionList(body).names;
    const current = [...conn.subscriptions];
    if (names.length !== current.length || names.some((n, i) => n !== current[i])) {
      if (handleClientFrame(core, conn, `subscription\n${body}`) === 'close') {
        // The error frame goes out with this answer, then the session ends (as a WS close would).
        if (link.waiting) link.answer(this.ctx.now());
        link.waiting = res;
        link.answer(this.ctx.now());
        this.expire(link, 'subscription list refused');
        return;
      }
    }
    if (link.waiting) link.answer(this.ctx.now()); // a newer poll replaces the held one
    link.waiting = res;
    link.waitingSince = this.ctx.now();
    res.on('close', () => {
      if (link!.waiting === res) link!.waiting = undefined;
    });
    if (link.lines.length > 0) link.answer(this.ctx.now());
  }

  /** Sweep: answer polls held too long, expire sessions nobody polled within the grace period. */
  sweep(now: number): void {
    const grace = Math.max(MIN_GRACE_SECONDS, 2 * this.ctx.holdSeconds);
    for (const link of [...this.sessions.values()]) {
      if (link.waiting) {
        if (now - link.waitingSince >= this.ctx.holdSeconds) link.answer(now);
      } else if (now - link.lastPoll >= grace) {
        this.expire(link, 'long-poll session expired');
      }
    }
  }

  /** Too much buffered for a poller that does not come back: drop it, outside the fan-out loop. */
  overflow(link: PollLink): void {
    this.ctx.log.warn({ conn: link.conn.id, lines: link.lines.length }, 'long-poll buffer full: session dropped');
    this.forget(link, 'long-poll buffer full');
    process.nextTick(closeInCore, this.ctx.core, link.conn);
  }

  /** Close a session from our side (expiry, shutdown): answer what is held, leave the core. */
  expire(link: PollLink, reason: string): void {
    this.forget(link, reason);
    this.ctx.core.close(link.conn);
  }

  /** Drop a session (the core's close, or expire()). */
  forget(link: PollLink, reason: string): void {
    if (link.dead) return;
    if (link.waiting) link.answer(this.ctx.now());
    link.dead = true;
    if (this.sessions.get(link.key) === link) this.sessions.delete(link.key);
    this.ctx.stats.online--;
    this.ctx.stats.closed++;
    this.ctx.log.debug({ conn: link.conn.id, reason }, 'long-poll session closed');
  }

  /** Shutdown: answer every held poll and leave the core. */
  closeAll(): void {
    for (const link of [...this.sessions.values()]) this.expire(link, 'server shutting down');
  }
}
