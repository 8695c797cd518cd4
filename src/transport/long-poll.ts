// XHR long-poll (ruling 7, PROTOCOL.md §2.7): POST to the WebSocket URL without `/ws/`, body =
// the pipe list. A poll session is a core Connection whose link buffers messages; it is keyed by a
// digest of (dev_id, user id, version, uuid, session) and survives between polls for a grace period.
// Sessions and their buffers are bounded (PollQuota, docs/OPERATIONS.md "Limits").
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { CometCore } from '../core/comet.js';
import { Connection, type ClientLink, type ConnectionMeta } from '../core/connection.js';
import type { Envelope } from '../client-protocol/envelope.js';
import type { ClientParams } from '../client-protocol/url.js';
import { MAX_SESSION_LENGTH } from '../client-protocol/url.js';
import { handleClientFrame } from '../client-protocol/client-session.js';
import { parseSubscriptionList } from '../client-protocol/subscription-list.js';
import { HttpErrors } from '../errors.js';
import { rateLimitedLog } from '../log.js';
import type { ListenerStats } from '../stats.js';
import { corsHeaders } from './http-responses.js';
import { PollBulk } from './poll-bulk.js';
import { PollQuota, type PollLimits, type SessionRefusal } from './poll-quota.js';

const MIN_GRACE_SECONDS = 5;
/** Bulk bytes per poll answer: a queue flush travels as a series of answers of about this size. */
const BULK_ANSWER_BYTES = 1024 * 1024;

export interface PollContext {
  readonly core: CometCore;
  readonly stats: ListenerStats;
  readonly log: Logger;
  /** Seconds a poll is held open when there is nothing to send. */
  readonly holdSeconds: number;
  readonly limits: PollLimits;
  now(): number;
}

/** Fixed-size session key: a poll may carry a session string of up to ~15 KB, never kept. */
function sessionKey(p: ClientParams): string {
  return createHash('sha256').update(`${p.devId}\n${p.userId}\n${p.legacy ? 3 : 4}\n${p.uuid}\n`).update(p.session).digest('base64');
}

type AnswerMarks = ReadonlyArray<readonly [PollBulk, number]>;

class PollLink implements ClientLink {
  conn!: Connection;
  /** Lines of the next answer, in order: `bytes` in all, `bulkLines`/`bulkBytes` of them from bulks. */
  private lines: string[] = [];
  private bytes = 0;
  private bulkLines = 0;
  private bulkBytes = 0;
  /** Lines sent while a bulk is still being buffered: they go out after it. */
  private deferred: string[] = [];
  private deferredBytes = 0;
  private bulks: PollBulk[] = [];
  /** Answers holding bulk messages that are not written yet (at most one: the next waits for it). */
  private unfinished = 0;
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
    readonly ip: string,
    readonly owner: PollSessions,
    now: number,
  ) {
    this.lastPoll = now;
  }

  get hasLines(): boolean {
    return this.lines.length > 0;
  }

  send(msg: Envelope): boolean {
    if (this.dead) return false;
    const line = msg.json(this.conn.legacy);
    const { quota } = this.owner;
    const sentLines = this.lines.length - this.bulkLines + this.deferred.length;
    const sentBytes = this.bytes - this.bulkBytes + this.deferredBytes;
    if (sentLines >= quota.limits.maxBufferedLines || sentBytes + line.length > quota.limits.maxBufferedBytes) {
      this.owner.overflow(this, 'session');
      return false;
    }
    if (!quota.reserve(line.length)) {
      this.owner.overflow(this, 'all sessions');
      return false;
    }
    if (this.bulks.some((b) => !b.fullyBuffered)) {
      this.deferred.push(line);
      this.deferredBytes += line.length;
    } else {
      this.push(line);
      this.scheduleAnswer();
    }
    return true;
  }

  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    if (this.dead || msgs.length === 0) return Promise.resolve(0);
    const bulk = new PollBulk(msgs, accepted);
    this.bulks.push(bulk);
    if (this.unfinished === 0) this.pump();
    return bulk.done;
  }

  close(reason: string): void {
    this.owner.forget(this, reason);
  }

  private push(line: string): void {
    this.lines.push(line);
    this.bytes += line.length;
  }

  // Answer on the next tick so messages produced together (serverInfo + queue) share a response.
  private scheduleAnswer(): void {
    if (this.waiting && !this.flushScheduled && this.lines.length > 0) {
      this.flushScheduled = true;
      process.nextTick(flushLink, this);
    }
  }

  /** Buffer the next bulk messages that fit one answer and the shared budget; then what was deferred. */
  private pump(): void {
    const { quota } = this.owner;
    const answerBytes = Math.min(BULK_ANSWER_BYTES, quota.limits.maxBufferedBytes);
    for (const b of this.bulks) {
      while (!b.fullyBuffered) {
        const line = b.msgs[b.buffered]!.json(this.conn.legacy);
        // The first message of an answer always fits, so a message larger than the answer size moves too.
        if ((this.bulkLines > 0 && this.bulkBytes + line.length > answerBytes) || !quota.reserve(line.length)) {
          this.scheduleAnswer();
          return;
        }
        this.push(line);
        this.bulkLines++;
        this.bulkBytes += line.length;
        b.buffered++;
      }
    }
    for (const line of this.deferred) this.push(line);
    this.deferred = [];
    this.deferredBytes = 0;
    this.scheduleAnswer();
  }

  /** Answer the held poll (if any) with everything buffered. */
  answer(now: number): void {
    this.flushScheduled = false;
    const res = this.waiting;
    if (!res) return;
    this.waiting = undefined;
    this.lastPoll = now;
    const body = this.lines.join('\n');
    this.owner.quota.release(this.bytes);
    const marks: AnswerMarks = this.bulkLines === 0 ? [] : this.bulks.filter((b) => b.buffered > b.answered).map((b) => [b, b.buffered] as const);
    for (const [b, n] of marks) b.answered = n;
    this.lines = [];
    this.bytes = 0;
    this.bulkLines = 0;
    this.bulkBytes = 0;
    if (marks.length > 0) {
      this.unfinished++;
      res.once('close', () => {
        if (!res.writableFinished) this.lost(marks);
      });
    }
    // Every written answer moves a pending bulk on (also one that waited for shared budget).
    if (this.bulks.length > 0) res.once('finish', () => this.written(marks));
    res.writeHead(200, { ...corsHeaders('POST, GET'), 'Content-Type': 'text/plain; charset=UTF-8', 'Cache-Control': 'no-cache', Connection: 'close' });
    res.end(body);
  }

  /** An answer's bytes were handed to the socket: its bulk messages count as accepted. */
  private written(marks: AnswerMarks): void {
    if (marks.length > 0) this.unfinished--;
    for (const [b, n] of marks) b.accept(n);
    if (this.dead) for (const [b] of marks) b.settle();
    this.bulks = this.bulks.filter((b) => !b.isSettled);
    if (!this.dead && this.unfinished === 0 && this.bulks.length > 0) this.pump();
  }

  /** An answer holding bulk messages was cut off: the session ends, the rest stays queued. */
  private lost(marks: AnswerMarks): void {
    this.unfinished--;
    this.owner.expire(this, 'long-poll answer not delivered');
    for (const [b] of marks) b.settle();
  }

  /** The session ended: free its buffers, stop its bulks (an answer being written settles its own). */
  discard(): void {
    this.owner.quota.release(this.bytes + this.deferredBytes);
    this.lines = [];
    this.deferred = [];
    this.bytes = this.bulkLines = this.bulkBytes = this.deferredBytes = 0;
    for (const b of this.bulks) if (!b.inFlight) b.settle();
  }
}

function closeInCore(core: CometCore, conn: Connection): void {
  core.close(conn);
}

function flushLink(link: PollLink): void {
  if (link.hasLines) link.answer(link.owner.now());
}

export class PollSessions {
  private readonly sessions = new Map<string, PollLink>();
  readonly quota: PollQuota;
  /** One throttled line per cap, so a flood at one does not hide the other. */
  private readonly refusalLog: Record<SessionRefusal, (fields: Record<string, unknown>) => void>;
  private readonly overflowLog: (fields: Record<string, unknown>) => void;

  constructor(private readonly ctx: PollContext) {
    this.quota = new PollQuota(ctx.limits);
    const refusal = () => rateLimitedLog(ctx.log, 'warn', 'limit hit: long-poll session refused', undefined, 'refused');
    this.refusalLog = { max_poll_sessions: refusal(), max_poll_sessions_per_ip: refusal() };
    this.overflowLog = rateLimitedLog(ctx.log, 'warn', 'long-poll buffer full: session dropped', undefined, 'dropped');
  }

  get size(): number {
    return this.sessions.size;
  }

  now(): number {
    return this.ctx.now();
  }

  /** Seconds a session survives without a poll (also the Retry-After of a refused one). */
  private get grace(): number {
    return Math.max(MIN_GRACE_SECONDS, 2 * this.ctx.holdSeconds);
  }

  /** Handle one poll: find or open the session, apply the pipe list, answer now or hold. */
  async poll(res: ServerResponse, params: ClientParams, meta: ConnectionMeta, body: string): Promise<void> {
    const { core } = this.ctx;
    const key = sessionKey(params);
    let link = this.sessions.get(key);
    if (!link || link.dead) {
      const refused = this.quota.admit(meta.ip);
      if (refused) return this.refuse(res, refused, meta.ip);
      link = new PollLink(key, meta.ip, this, this.ctx.now());
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
    if (link.hasLines) link.answer(this.ctx.now());
  }

  /** A new session over a cap: 503 with Retry-After (docs/COMPATIBILITY.md B28). */
  private refuse(res: ServerResponse, limit: SessionRefusal, ip: string): void {
    const max = limit === 'max_poll_sessions' ? this.ctx.limits.maxSessions : this.ctx.limits.maxSessionsPerIp;
    this.refusalLog[limit]({ limit, max, ip });
    res.writeHead(503, { ...corsHeaders('POST, GET'), 'Content-Type': 'text/plain; charset=UTF-8', 'Retry-After': String(this.grace), Connection: 'close' });
    res.end(HttpErrors.pollSessionLimit);
  }

  /** Sweep: answer polls held too long, expire sessions nobody polled within the grace period. */
  sweep(now: number): void {
    const grace = this.grace;
    for (const link of [...this.sessions.values()]) {
      if (link.waiting) {
        if (now - link.waitingSince >= this.ctx.holdSeconds) link.answer(now);
      } else if (now - link.lastPoll >= grace) {
        this.expire(link, 'long-poll session expired');
      }
    }
  }

  /** Too much buffered for a poller that does not come back: drop it, outside the fan-out loop. */
  overflow(link: PollLink, scope: 'session' | 'all sessions'): void {
    this.overflowLog({ conn: link.conn.id, scope, buffered: this.quota.buffered });
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
    link.discard();
    if (this.sessions.get(link.key) === link) this.sessions.delete(link.key);
    this.quota.leave(link.ip);
    this.ctx.stats.online--;
    this.ctx.stats.closed++;
    this.ctx.log.debug({ conn: link.conn.id, reason }, 'long-poll session closed');
  }

  /** Shutdown: answer every held poll and leave the core. */
  closeAll(): void {
    for (const link of [...this.sessions.values()]) this.expire(link, 'server shutting down');
  }
}
