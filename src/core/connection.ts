// A browser connection as the core sees it: identity, auth state, subscriptions, and a link
// that the transport implements (WebSocket or long-poll). No sockets here.
import type { Envelope } from '../client-protocol/envelope.js';

export interface ClientLink {
  /** Write one message; false when it could not be written (closed, or the consumer is too slow). */
  send(msg: Envelope): boolean;
  /**
   * A bulk reply (offline-queue flush, history replay), written with backpressure: the link pauses
   * while its buffer is full and resumes on drain, so its own bulk is never judged a slow consumer.
   * `accepted(n)` is called (n increasing) once the first n messages were accepted by the socket;
   * messages sent with send() meanwhile go out after the bulk. Resolves with the final n: fewer
   * than msgs.length when the link died first.
   */
  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number>;
  /** End the connection at once, without a WebSocket close frame (PROTOCOL.md §2.6.4). */
  close(reason: string): void;
}

export interface ConnectionMeta {
  readonly userAgent: string;
  readonly ip: string;
  readonly origin: string;
  readonly language: string;
}

let nextConnectionId = 1;
const NO_SUBSCRIPTIONS: ReadonlySet<string> = new Set();

export class Connection {
  readonly id = nextConnectionId++;
  /** Authorised user id, 0 for anonymous connections. */
  userId = 0;
  authorized = false;
  /** Counted among the user's (at most 16) registered connections: gets private messages. */
  registered = false;
  closed = false;
  /** Subscribed pipe names, in order; allocated on the first subscription (idle connections are many). */
  private subs: Set<string> | undefined;
  /** web_ publish rate window: the second and the count in it (no timer needed). */
  rateSecond = 0;
  rateCount = 0;
  /** Subscription change window ([ws] subscription_rate): the second and the count in it. */
  subscriptionSecond = 0;
  subscriptionCount = 0;
  /** The latest subscription list over the rate, applied by the shared sweep. */
  deferredSubscriptions: readonly string[] | undefined;

  constructor(
    readonly devId: number,
    /** Major version < 4: legacy envelope (PROTOCOL.md §5.4). */
    readonly legacy: boolean,
    readonly uuid: string,
    readonly meta: ConnectionMeta,
    readonly connectedAt: number,
    readonly link: ClientLink,
  ) {}

  get subscriptions(): ReadonlySet<string> {
    return this.subs ?? NO_SUBSCRIPTIONS;
  }

  /** Add a pipe; false when already subscribed. */
  addSubscription(pipe: string): boolean {
    const subs = (this.subs ??= new Set());
    if (subs.has(pipe)) return false;
    subs.add(pipe);
    return true;
  }

  clearSubscriptions(): void {
    this.subs = undefined;
  }

  send(msg: Envelope): boolean {
    return !this.closed && this.link.send(msg);
  }

  /** See ClientLink.sendBulk. */
  sendBulk(msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
    return this.closed ? Promise.resolve(0) : this.link.sendBulk(msgs, accepted);
  }
}

/** sendBulk for links without a socket buffer (tests, in-process links): one send() per message. */
export function sendBulkDirect(link: Pick<ClientLink, 'send'>, msgs: readonly Envelope[], accepted: (n: number) => void): Promise<number> {
  let n = 0;
  while (n < msgs.length && link.send(msgs[n]!)) n++;
  if (n > 0) accepted(n);
  return Promise.resolve(n);
}
