// Load generator: publishes benchmark messages (CometQL INSERTs, or HTTP triggers for bare-ws)
// at a fixed rate, back to back, or inside a window the runner moves as subscribers catch up.
import { serveRequests } from '../lib/generator-side.js';
import { monotonicMs } from '../lib/message-body.js';
import { openSenders, registerUserStatement, type MessageSender } from '../lib/publish-senders.js';
import type { GeneratorRequest, PublishReply, PublishRequest, RegisterUsersReply, RegisterUsersRequest } from '../lib/ipc-messages.js';

/** A window that has not moved for this long means the subscribers stopped receiving. */
const STALL_MS = 5_000;
const DRAIN_MS = 10_000;

let senders: MessageSender[] = [];
let allowed = 0;
let allowWaiters: Array<() => void> = [];

function setAllowed(upTo: number): void {
  if (upTo <= allowed) return;
  allowed = upTo;
  const waiters = allowWaiters;
  allowWaiters = [];
  for (const w of waiters) w();
}

function waitForAllowance(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    allowWaiters.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

class PublishRun {
  nextSeq = 0;
  sent = 0;
  errors = 0;
  firstError = '';
  firstSendMs = 0;
  lastSendMs = 0;
  stalled = false;
  overloaded = false;
  readonly roundTrips: Float64Array;
  roundTripCount = 0;
  readonly deadline: number;

  constructor(readonly req: PublishRequest) {
    this.roundTrips = new Float64Array(req.sampleCapacity);
    this.deadline = Date.now() + req.durationMs;
  }

  more(): boolean {
    return this.nextSeq < this.req.maxMessages && Date.now() < this.deadline && !this.stalled && !this.overloaded;
  }

  async sendOne(sender: MessageSender, seq: number): Promise<void> {
    const sendMs = monotonicMs();
    if (this.firstSendMs === 0) this.firstSendMs = sendMs;
    this.lastSendMs = sendMs;
    try {
      await sender.publish(this.req.addressing, this.req.tag, seq, sendMs);
      this.sent++;
      if (this.roundTripCount < this.roundTrips.length) this.roundTrips[this.roundTripCount++] = monotonicMs() - sendMs;
    } catch (err) {
      this.errors++;
      if (!this.firstError) this.firstError = (err as Error).message;
    }
  }

  /** One sender, back to back; in window mode only up to the allowed sequence number. */
  async loop(sender: MessageSender): Promise<void> {
    while (this.more()) {
      if (this.req.mode === 'window' && this.nextSeq + 1 > allowed) {
        const moved = await waitForAllowance(Math.min(STALL_MS, Math.max(1, this.deadline - Date.now())));
        if (!moved && Date.now() < this.deadline) this.stalled = true;
        continue;
      }
      await this.sendOne(sender, ++this.nextSeq);
    }
  }

  /** Open loop at a fixed rate, spread over the senders; late ticks are sent at once. */
  async paced(): Promise<void> {
    const pending = new Set<Promise<void>>();
    const start = monotonicMs();
    const intervalMs = 1000 / this.req.rate;
    while (this.more()) {
      const dueMs = start + this.nextSeq * intervalMs;
      const waitMs = dueMs - monotonicMs();
      if (waitMs > 1) await sleep(Math.floor(waitMs));
      if (!this.more()) break;
      if (this.req.initialAllowed > 0 && this.nextSeq + 1 > allowed) {
        this.overloaded = true;
        break;
      }
      const seq = ++this.nextSeq;
      const p = this.sendOne(senders[seq % senders.length]!, seq);
      pending.add(p);
      void p.then(() => pending.delete(p));
    }
    await Promise.race([Promise.all(pending), sleep(DRAIN_MS)]);
  }

  reply(startedMs: number): PublishReply {
    return {
      type: 'published',
      issued: this.nextSeq,
      sent: this.sent,
      errors: this.errors,
      firstError: this.firstError,
      firstSendMs: this.firstSendMs,
      lastSendMs: this.lastSendMs,
      elapsedMs: monotonicMs() - startedMs,
      roundTripsMs: this.roundTrips.slice(0, this.roundTripCount),
      stalled: this.stalled,
      overloaded: this.overloaded,
    };
  }
}

async function publish(req: PublishRequest): Promise<PublishReply> {
  if (senders.length === 0) throw new Error('publisher: open first');
  const run = new PublishRun(req);
  allowed = req.initialAllowed;
  const startedMs = monotonicMs();
  if (req.mode === 'rate') await run.paced();
  else await Promise.all(senders.map((s) => run.loop(s)));
  return run.reply(startedMs);
}

async function registerUsers(req: RegisterUsersRequest): Promise<RegisterUsersReply> {
  const startedMs = monotonicMs();
  const deadline = Date.now() + req.deadlineMs;
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError = '';
  await Promise.all(
    senders.map(async (sender) => {
      while (next < req.count && Date.now() < deadline) {
        const id = req.base + next++;
        try {
          await sender.execute(registerUserStatement(id));
          done++;
        } catch (err) {
          errors++;
          if (!firstError) firstError = (err as Error).message;
        }
      }
    }),
  );
  return { type: 'registered', done, errors, firstError, elapsedMs: monotonicMs() - startedMs };
}

serveRequests(async (req: GeneratorRequest) => {
  switch (req.type) {
    case 'open':
      senders = await openSenders(req.target);
      return { type: 'opened', senders: senders.length };
    case 'publish':
      return publish(req);
    case 'allow':
      setAllowed(req.upTo);
      return undefined;
    case 'register-users':
      return registerUsers(req);
    case 'close':
      await Promise.all(senders.map((s) => s.close()));
      senders = [];
      return { type: 'closed' };
    default:
      throw new Error(`publisher: unsupported request ${req.type}`);
  }
});
