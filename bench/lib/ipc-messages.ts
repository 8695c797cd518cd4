// The IPC vocabulary between the runner and its load-generator processes. Every request carries an
// id; the generator answers with a reply of the same id (or an error), pushes carry no id.

/** Which subscriptions a connection asks for right after its first frame. */
export type SubscriptionPlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'one'; readonly pipe: string }
  /** Connection i subscribes to pipes i % pipes and (i + 1) % pipes: every pipe gets two subscribers. */
  | { readonly kind: 'ring'; readonly prefix: string; readonly pipes: number };

export interface ConnectRequest {
  readonly type: 'connect';
  readonly host: string;
  readonly port: number;
  /** Global connection indices [first, first + count). */
  readonly first: number;
  readonly count: number;
  /** anonymous: myid=0; user: myid = userBase + index, sesion = userHash(myid). */
  readonly identity: 'anonymous' | 'user';
  readonly userBase: number;
  readonly subscribe: SubscriptionPlan;
  readonly sourceAddresses: readonly string[];
  /** Handshakes in flight at once (the listen backlog is finite). */
  readonly concurrency: number;
  readonly handshakeTimeoutMs: number;
  readonly deadlineMs: number;
}

export interface ConnectReply {
  readonly type: 'connected';
  readonly opened: number;
  readonly failed: number;
  readonly authorized: number;
  readonly errors: Record<string, number>;
  readonly elapsedMs: number;
  /** Open connections after this step (all steps so far). */
  readonly open: number;
}

export interface ResetRequest {
  readonly type: 'reset';
  /** Keep every latency sample up to this many (exact percentiles). */
  readonly sampleCapacity: number;
  /** Push a progress message this often while > 0. */
  readonly progressEveryMs: number;
}

export interface CountersRequest {
  readonly type: 'counters';
}

export interface CountersReply {
  readonly type: 'counters';
  readonly received: number;
  readonly warmed: number;
  readonly open: number;
  readonly closedByPeer: number;
  readonly minSeq: number;
}

export interface CollectRequest {
  readonly type: 'collect';
}

export interface CollectReply {
  readonly type: 'collected';
  readonly received: number;
  /** INSERT-to-receive latencies in ms (hrtime clock, shared by all processes of the machine). */
  readonly latenciesMs: Float64Array;
  readonly droppedSamples: number;
  readonly firstReceiveMs: number;
  readonly lastReceiveMs: number;
  readonly open: number;
  readonly closedByPeer: number;
}

export interface CloseRequest {
  readonly type: 'close';
}

export interface ProgressPush {
  readonly type: 'progress';
  readonly minSeq: number;
  readonly received: number;
}

/** How the publisher reaches the target. */
export type PublishTarget =
  | { readonly kind: 'cometql'; readonly host: string; readonly port: number; readonly password: string; readonly connections: number }
  | { readonly kind: 'bare-http'; readonly host: string; readonly port: number; readonly connections: number };

/** Where message k goes. */
export type Addressing =
  | { readonly kind: 'pipe'; readonly pipe: string }
  | { readonly kind: 'pipe-ring'; readonly prefix: string; readonly pipes: number }
  | { readonly kind: 'user'; readonly base: number; readonly users: number };

export interface OpenPublisherRequest {
  readonly type: 'open';
  readonly target: PublishTarget;
}

export interface PublishRequest {
  readonly type: 'publish';
  /** rate: open loop at `rate` msg/s; burst: each connection back to back; window: seq <= allowed. */
  readonly mode: 'rate' | 'burst' | 'window';
  readonly addressing: Addressing;
  readonly maxMessages: number;
  readonly durationMs: number;
  readonly rate: number;
  /**
   * window mode: the first allowance. rate mode: when > 0, the publisher stops (overloaded) as
   * soon as it is more than the allowance ahead of the slowest subscriber, bounding the backlog.
   */
  readonly initialAllowed: number;
  /** 'w' warm-up bodies are not timed by subscribers; 'm' bodies are. */
  readonly tag: 'm' | 'w';
  /** Keep per-request round-trip times (INSERT latency). */
  readonly sampleCapacity: number;
}

export interface PublishReply {
  readonly type: 'published';
  /** Messages handed to a connection (completed or not when the phase ended). */
  readonly issued: number;
  /** Messages whose INSERT / trigger completed without error. */
  readonly sent: number;
  readonly errors: number;
  readonly firstError: string;
  readonly firstSendMs: number;
  readonly lastSendMs: number;
  readonly elapsedMs: number;
  readonly roundTripsMs: Float64Array;
  readonly stalled: boolean;
  /** rate mode: the subscribers fell too far behind, the rate is not sustainable. */
  readonly overloaded: boolean;
}

export interface AllowRequest {
  readonly type: 'allow';
  readonly upTo: number;
}

export interface RegisterUsersRequest {
  readonly type: 'register-users';
  readonly base: number;
  readonly count: number;
  readonly deadlineMs: number;
}

export interface RegisterUsersReply {
  readonly type: 'registered';
  readonly done: number;
  readonly errors: number;
  readonly firstError: string;
  readonly elapsedMs: number;
}

export type GeneratorRequest =
  | ConnectRequest
  | ResetRequest
  | CountersRequest
  | CollectRequest
  | CloseRequest
  | OpenPublisherRequest
  | PublishRequest
  | AllowRequest
  | RegisterUsersRequest;

/** Envelope of a request on the wire. `allow` is fire-and-forget (id 0). */
export interface RequestEnvelope {
  readonly id: number;
  readonly body: GeneratorRequest;
}

export interface ReplyEnvelope {
  readonly id: number;
  readonly body?: unknown;
  readonly error?: string;
}

export interface PushEnvelope {
  readonly push: ProgressPush;
}

/** The auth hash the private scenario registers for user `id`. */
export function userHash(id: number): string {
  return `h${id}`;
}
